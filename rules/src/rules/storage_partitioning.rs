//! DD2002 Storage Partitioning.

use foldhash::{HashSet, HashSetExt};

use super::truthy;
use crate::paths::field_path;
use crate::{EffectiveSite, Findings, Rule};

/// A device is either a volume group's physical volume or partitioned (an
/// inherited mix, or a labels-only device, trips it); a partition is not both
/// a physical volume and a filesystem (unreachable: ingest never gives a
/// partition a volume group); every volume group has a physical volume (so a
/// partition-backed group is always reported: copied). Fix: the volume groups
/// of devices are collected per node (the original lets one node's devices
/// cover the next node's groups; the counts its tests pin are the same).
#[derive(Default)]
pub struct StoragePartitioning;

impl Rule for StoragePartitioning {
    fn check(&self, site: &EffectiveSite<'_>, out: &mut Findings) {
        let mut backed: HashSet<&str> = HashSet::new();
        for node in &site.nodes {
            backed.clear();
            for dev in node.host.storage_devices.iter() {
                let vg = dev.volume_group.as_ref().map(|v| v.value);
                if dev.partitions.is_empty() != truthy(vg) {
                    out.error("Either a volume group OR partitions must be defined for each storage device.")
                        .document(node.doc)
                        .diagnostic("A storage device must be used for exactly one of a volume group physical volume or carved into partitions.")
                        .at(dev.doc, field_path!(dev.doc, "storage", "physical_devices", dev.name))
                        .report();
                }
                backed.extend(vg);
                for part in &dev.partitions {
                    let part_vg = part.volume_group.as_ref().map(|v| v.value);
                    if truthy(part.fstype.as_ref().map(|f| f.value)) && truthy(part_vg) {
                        out.error("Both a volume group AND file system cannot be defined in a single partition")
                            .document(node.doc)
                            .diagnostic("A partition can be used for only one of a volume group physical volume or formatted as a filesystem.")
                            .at(part.doc, field_path!(part.doc, "storage", "physical_devices", dev.name, "partitions", part.index))
                            .report();
                    }
                    if part_vg.is_some() {
                        backed.extend(vg);
                    }
                }
            }
            for group in node.host.volume_groups.iter() {
                if !backed.contains(group.name) {
                    out.error(format_args!("Volume group {} not assigned any physical volumes", group.name))
                        .document(node.doc)
                        .diagnostic("Each volume group should be assigned at least one storage device or partition as a physical volume.")
                        .at(group.doc, field_path!(group.doc, "storage", "volume_groups", group.name))
                        .report();
                }
            }
        }
    }
}
