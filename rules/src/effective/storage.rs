//! Effective storage: physical devices with their partitions, volume groups
//! with their logical volumes, as ingested (VALIDATION.md 2.1) and merged by
//! name down the host-profile chain (2.5, with its recommended fixes).

use std::borrow::Cow;

use super::Traced;
use super::merge::{self, Keyed, Map};
use drydock_core::design::{self, DocumentSource};

/// A partition of a physical device.
#[derive(Clone, Debug, PartialEq)]
pub struct Partition<'a> {
    /// Name (`root`, `boot`, …).
    pub name: Option<&'a str>,
    /// The nearest document declaring it.
    pub doc: &'a DocumentSource,
    /// Its position in that document's `partitions`.
    pub index: usize,
    /// Size as written (`20g`, `10%`).
    pub size: Option<Traced<'a, &'a str>>,
    /// Partition UUID.
    pub part_uuid: Option<Traced<'a, &'a str>>,
    /// Volume group: the original reads it from a key the schema forbids, so
    /// an ingested partition never has one (copied).
    pub volume_group: Option<Traced<'a, &'a str>>,
    /// Bootable flag.
    pub bootable: Option<Traced<'a, bool>>,
    /// Mount point (inside `filesystem`).
    pub mountpoint: Option<Traced<'a, &'a str>>,
    /// Filesystem type; `ext4` when a `filesystem` block omits it.
    pub fstype: Option<Traced<'a, &'a str>>,
    /// Mount options; `defaults` when a `filesystem` block omits them.
    pub mount_options: Option<Traced<'a, &'a str>>,
    /// Filesystem UUID.
    pub fs_uuid: Option<Traced<'a, &'a str>>,
    /// Filesystem label.
    pub fs_label: Option<Traced<'a, &'a str>>,
}

/// A physical storage device.
#[derive(Clone, Debug, PartialEq)]
pub struct Device<'a> {
    /// Name or alias.
    pub name: &'a str,
    /// The nearest document declaring it.
    pub doc: &'a DocumentSource,
    /// Volume group the whole device joins.
    pub volume_group: Option<Traced<'a, &'a str>>,
    /// Labels.
    pub labels: Map<'a, Cow<'a, str>>,
    /// Partitions: none when the document gives the device a volume group.
    pub partitions: Vec<Partition<'a>>,
}

/// A logical volume.
#[derive(Clone, Debug, PartialEq)]
pub struct LogicalVolume<'a> {
    /// Name.
    pub name: Option<&'a str>,
    /// The nearest document declaring it.
    pub doc: &'a DocumentSource,
    /// Its position in that document's `logical_volumes`.
    pub index: usize,
    /// LV UUID.
    pub lv_uuid: Option<Traced<'a, &'a str>>,
    /// Size as written.
    pub size: Option<Traced<'a, &'a str>>,
    /// Mount point.
    pub mountpoint: Option<Traced<'a, &'a str>>,
    /// Filesystem type; `ext4` when a `filesystem` block omits it.
    pub fstype: Option<Traced<'a, &'a str>>,
    /// Mount options; `defaults` when a `filesystem` block omits them.
    pub mount_options: Option<Traced<'a, &'a str>>,
    /// Filesystem UUID.
    pub fs_uuid: Option<Traced<'a, &'a str>>,
    /// Filesystem label.
    pub fs_label: Option<Traced<'a, &'a str>>,
}

/// A volume group.
#[derive(Clone, Debug, PartialEq)]
pub struct VolumeGroup<'a> {
    /// Name.
    pub name: &'a str,
    /// The nearest document declaring it.
    pub doc: &'a DocumentSource,
    /// VG UUID.
    pub vg_uuid: Option<Traced<'a, &'a str>>,
    /// Logical volumes (merged by name: the original loses them, VALIDATION.md 2.5).
    pub logical_volumes: Vec<LogicalVolume<'a>>,
}

impl Keyed for Partition<'_> {
    fn key(&self) -> Option<&str> {
        self.name
    }
}

impl Keyed for Device<'_> {
    fn key(&self) -> Option<&str> {
        Some(self.name)
    }
}

impl Keyed for LogicalVolume<'_> {
    fn key(&self) -> Option<&str> {
        self.name
    }
}

impl Keyed for VolumeGroup<'_> {
    fn key(&self) -> Option<&str> {
        Some(self.name)
    }
}

fn text<'a>(
    value: &'a Option<String>,
    doc: &'a DocumentSource,
    index: usize,
) -> Option<Traced<'a, &'a str>> {
    value.as_deref().map(|v| Traced::at(v, doc, index))
}

/// Filesystem fields as ingested: `(mountpoint, fstype, mount_options, fs_uuid, fs_label)`.
type FsFields<'a> = [Option<Traced<'a, &'a str>>; 5];

fn filesystem<'a>(
    fs: Option<&'a design::Filesystem>,
    doc: &'a DocumentSource,
    index: usize,
) -> FsFields<'a> {
    let Some(fs) = fs else {
        return [None, None, None, None, None];
    };
    let or = |v: &'a Option<String>, default: &'static str| {
        Some(Traced::at(v.as_deref().unwrap_or(default), doc, index))
    };
    [
        text(&fs.mountpoint, doc, index),
        or(&fs.fstype, "ext4"),
        or(&fs.mount_options, "defaults"),
        text(&fs.fs_uuid, doc, index),
        text(&fs.fs_label, doc, index),
    ]
}

fn partition<'a>(p: &'a design::Partition, doc: &'a DocumentSource, index: usize) -> Partition<'a> {
    // With a `volume_group` key the original reads the group from `vg` (always
    // absent) and ignores the filesystem.
    let fs = match p.volume_group {
        Some(_) => None,
        None => p.filesystem.as_ref(),
    };
    let [mountpoint, fstype, mount_options, fs_uuid, fs_label] = filesystem(fs, doc, index);
    Partition {
        name: p.name.as_deref(),
        doc,
        index,
        size: text(&p.size, doc, index),
        part_uuid: text(&p.part_uuid, doc, index),
        volume_group: None,
        bootable: p.bootable.map(|b| Traced::at(b, doc, index)),
        mountpoint,
        fstype,
        mount_options,
        fs_uuid,
        fs_label,
    }
}

/// The storage a document declares: devices and volume groups, in name order.
pub(crate) fn own<'a>(
    storage: Option<&'a design::Storage>,
    doc: &'a DocumentSource,
) -> (Vec<Device<'a>>, Vec<VolumeGroup<'a>>) {
    let Some(storage) = storage else {
        return (Vec::new(), Vec::new());
    };
    let devices = storage.physical_devices.iter().flatten().map(|(name, d)| {
        // A device with a `volume_group` key keeps no partitions (ingest copies this).
        let partitions = match (&d.volume_group, &d.partitions) {
            (None, Some(parts)) => parts
                .iter()
                .enumerate()
                .map(|(i, p)| partition(p, doc, i))
                .collect(),
            _ => Vec::new(),
        };
        Device {
            name,
            doc,
            volume_group: text(&d.volume_group, doc, 0),
            labels: d
                .labels
                .iter()
                .flatten()
                .map(|(k, v)| (k.as_str(), Traced::at(Cow::Borrowed(v.as_str()), doc, 0)))
                .collect(),
            partitions,
        }
    });
    let groups = storage.volume_groups.iter().flatten().map(|(name, vg)| {
        let volumes = vg
            .logical_volumes
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, lv)| {
                let [mountpoint, fstype, mount_options, fs_uuid, fs_label] =
                    filesystem(lv.filesystem.as_ref(), doc, i);
                LogicalVolume {
                    name: lv.name.as_deref(),
                    doc,
                    index: i,
                    lv_uuid: text(&lv.lv_uuid, doc, i),
                    size: text(&lv.size, doc, i),
                    mountpoint,
                    fstype,
                    mount_options,
                    fs_uuid,
                    fs_label,
                }
            });
        VolumeGroup {
            name,
            doc,
            vg_uuid: text(&vg.vg_uuid, doc, 0),
            logical_volumes: volumes.collect(),
        }
    });
    (devices.collect(), groups.collect())
}

fn merge_partition<'a>(c: &Partition<'a>, p: &Partition<'a>) -> Partition<'a> {
    Partition {
        name: c.name,
        doc: c.doc,
        index: c.index,
        size: merge::scalar(&c.size, &p.size),
        part_uuid: merge::scalar(&c.part_uuid, &p.part_uuid),
        volume_group: merge::scalar(&c.volume_group, &p.volume_group),
        bootable: merge::scalar(&c.bootable, &p.bootable),
        mountpoint: merge::scalar(&c.mountpoint, &p.mountpoint),
        fstype: merge::scalar(&c.fstype, &p.fstype),
        mount_options: merge::scalar(&c.mount_options, &p.mount_options),
        fs_uuid: merge::scalar(&c.fs_uuid, &p.fs_uuid),
        fs_label: merge::scalar(&c.fs_label, &p.fs_label),
    }
}

fn merge_volume<'a>(c: &LogicalVolume<'a>, p: &LogicalVolume<'a>) -> LogicalVolume<'a> {
    LogicalVolume {
        name: c.name,
        doc: c.doc,
        index: c.index,
        lv_uuid: merge::scalar(&c.lv_uuid, &p.lv_uuid),
        size: merge::scalar(&c.size, &p.size),
        mountpoint: merge::scalar(&c.mountpoint, &p.mountpoint),
        fstype: merge::scalar(&c.fstype, &p.fstype),
        mount_options: merge::scalar(&c.mount_options, &p.mount_options),
        fs_uuid: merge::scalar(&c.fs_uuid, &p.fs_uuid),
        fs_label: merge::scalar(&c.fs_label, &p.fs_label),
    }
}

/// Devices, child over parent: volume group scalar, labels map, partitions by name.
pub(crate) fn merge_devices<'a>(child: Vec<Device<'a>>, parent: &[Device<'a>]) -> Vec<Device<'a>> {
    merge::keyed(child, parent, |c, p| Device {
        name: c.name,
        doc: c.doc,
        volume_group: merge::scalar(&c.volume_group, &p.volume_group),
        labels: merge::map(c.labels.clone(), &p.labels),
        partitions: merge::keyed(c.partitions.clone(), &p.partitions, merge_partition),
    })
}

/// Volume groups, child over parent: UUID scalar, logical volumes by name.
pub(crate) fn merge_groups<'a>(
    child: Vec<VolumeGroup<'a>>,
    parent: &[VolumeGroup<'a>],
) -> Vec<VolumeGroup<'a>> {
    merge::keyed(child, parent, |c, p| VolumeGroup {
        name: c.name,
        doc: c.doc,
        vg_uuid: merge::scalar(&c.vg_uuid, &p.vg_uuid),
        logical_volumes: merge::keyed(c.logical_volumes.clone(), &p.logical_volumes, merge_volume),
    })
}
