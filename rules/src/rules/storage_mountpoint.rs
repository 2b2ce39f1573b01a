//! DD2004 Storage Mountpoint.

use foldhash::{HashMap, HashSet, HashSetExt};

use super::truthy;
use crate::effective::{EffectiveNode, LogicalVolume, VolumeGroup};
use crate::paths::field_path;
use crate::{EffectiveSite, Findings, Rule};

/// No mount point is used twice on a node: partitions device by device, each
/// followed by the logical volumes of the device's volume group. Fixes, as
/// VALIDATION.md recommends: every repeat is reported (the original stops the
/// whole rule at the first), a group on two devices counts its volumes once,
/// and the volumes of groups no device names are checked too.
#[derive(Default)]
pub struct StorageMountpoint;

struct Seen<'s> {
    mountpoints: HashSet<&'s str>,
}

impl<'s> Seen<'s> {
    fn check(
        &mut self,
        out: &mut Findings,
        node: &EffectiveNode<'_>,
        mountpoint: &'s str,
        doc: &drydock_core::design::DocumentSource,
        path: impl FnOnce() -> String,
    ) {
        if !self.mountpoints.insert(mountpoint) {
            out.error(format_args!("Mountpoint \"{mountpoint}\" already exists"))
                .document(node.doc)
                .diagnostic("Please use unique mountpoints.")
                .at(doc, path())
                .report();
        }
    }

    fn volumes(
        &mut self,
        out: &mut Findings,
        node: &EffectiveNode<'_>,
        group: &str,
        volumes: &'s [LogicalVolume<'_>],
    ) {
        for lv in volumes {
            let Some(mp) = lv.mountpoint.as_ref() else {
                continue;
            };
            let path = || {
                field_path!(
                    mp.doc,
                    "storage",
                    "volume_groups",
                    group,
                    "logical_volumes",
                    mp.index,
                    "filesystem",
                    "mountpoint"
                )
            };
            self.check(out, node, mp.value, mp.doc, path);
        }
    }
}

impl Rule for StorageMountpoint {
    fn check(&self, site: &EffectiveSite<'_>, out: &mut Findings) {
        for node in &site.nodes {
            let mut seen = Seen {
                mountpoints: HashSet::new(),
            };
            let mut used_groups: HashSet<&str> = HashSet::new();
            let groups = &node.host.volume_groups;
            let by_name: HashMap<&str, &VolumeGroup<'_>> =
                groups.iter().map(|g| (g.name, g)).collect();
            for dev in node.host.storage_devices.iter() {
                for part in &dev.partitions {
                    let Some(mp) = part.mountpoint.as_ref() else {
                        continue;
                    };
                    let path = || {
                        field_path!(
                            mp.doc,
                            "storage",
                            "physical_devices",
                            dev.name,
                            "partitions",
                            mp.index,
                            "filesystem",
                            "mountpoint"
                        )
                    };
                    seen.check(out, node, mp.value, mp.doc, path);
                }
                let vg = dev.volume_group.as_ref().map(|v| v.value);
                if let Some(vg) = vg.filter(|v| truthy(Some(v)))
                    && used_groups.insert(vg)
                    && let Some(group) = by_name.get(vg)
                {
                    seen.volumes(out, node, group.name, &group.logical_volumes);
                }
            }
            for group in groups.iter().filter(|g| !used_groups.contains(g.name)) {
                seen.volumes(out, node, group.name, &group.logical_volumes);
            }
        }
    }
}
