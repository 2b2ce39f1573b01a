//! DD2003 Storage Sizing.

use super::{SizeAt, or_none};
use crate::effective::{Device, LogicalVolume, VolumeGroup};
use crate::paths::field_path;
use crate::size::percent;
use crate::{EffectiveNode, EffectiveSite, Findings, Rule};

/// Percentage sizes are not negative and do not add up past 99%. Copied as the
/// original has it: the partition sum is checked after every partition (so a
/// device over 99% is reported once per later partition too), and the logical
/// volumes of all the node's groups are walked once per device with one
/// running sum. Fixes: a logical-volume sum over 99% is an error (the original
/// crashes formatting it); null or non-integer percentages are ignored (it
/// crashes on them). The volumes are walked once per node and what they give
/// is reported again for each device, so the cost follows the output.
#[derive(Default)]
pub struct StorageSizing;

/// What the walk over a node's logical volumes found, reported once per device.
enum VolumeFinding<'s, 'a> {
    Negative(&'s VolumeGroup<'a>, &'s LogicalVolume<'a>),
    Over(&'s VolumeGroup<'a>),
}

/// The node's logical volumes with one running sum, as the original walks them.
fn walk_volumes<'s, 'a>(node: &'s EffectiveNode<'a>) -> Vec<VolumeFinding<'s, 'a>> {
    let mut found = Vec::new();
    let mut sum: i128 = 0;
    for group in node.host.volume_groups.iter() {
        for lv in &group.logical_volumes {
            let Some(p) = lv.size.as_ref().and_then(|s| percent(s.value)) else {
                continue;
            };
            if p < 0 {
                found.push(VolumeFinding::Negative(group, lv));
            }
            sum = sum.saturating_add(p);
        }
        if sum > 99 {
            found.push(VolumeFinding::Over(group));
        }
    }
    found
}

fn report_volume(out: &mut Findings, node: &EffectiveNode<'_>, finding: &VolumeFinding<'_, '_>) {
    match finding {
        VolumeFinding::Negative(group, lv) => {
            let (doc, index) = lv
                .size
                .as_ref()
                .map_or((lv.doc, lv.index), |s| (s.doc, s.index));
            out.error(format_args!(
                "Logical Volume {} size is < 0 ",
                or_none(lv.name)
            ))
            .document(node.doc)
            .at(
                doc,
                field_path!(
                    doc,
                    "storage",
                    "volume_groups",
                    group.name,
                    "logical_volumes",
                    index,
                    "size"
                ),
            )
            .report();
        }
        VolumeFinding::Over(group) => out
            .error(format_args!(
                "Cumulative logical volume size is greater than 99% in volume group {}",
                group.name
            ))
            .document(node.doc)
            .diagnostic("Percentage-based sizes must sum to less than 100%.")
            .at(
                group.doc,
                field_path!(
                    group.doc,
                    "storage",
                    "volume_groups",
                    group.name,
                    "logical_volumes"
                ),
            )
            .report(),
    }
}

fn check_partitions(out: &mut Findings, node: &EffectiveNode<'_>, dev: &Device<'_>) {
    let mut sum: i128 = 0;
    for part in &dev.partitions {
        let size = part.size.as_ref();
        if let Some(p) = size.and_then(|s| percent(s.value)) {
            if p < 0 {
                let at = SizeAt::of(dev, part);
                out.error(format_args!(
                    "Storage partition {} on device {} size is < 0",
                    or_none(part.name),
                    dev.name
                ))
                .document(node.doc)
                .diagnostic("Partition size must be a positive number.")
                .at(at.doc, at.path())
                .report();
            }
            sum = sum.saturating_add(p);
        }
        if sum > 99 {
            out.error(format_args!(
                "Cumulative partition sizes on device {} is greater than 99%.",
                dev.name
            ))
            .document(node.doc)
            .diagnostic("Percentage-based sizes must sum to less than 100%.")
            .at(
                dev.doc,
                field_path!(
                    dev.doc,
                    "storage",
                    "physical_devices",
                    dev.name,
                    "partitions"
                ),
            )
            .report();
        }
    }
}

impl Rule for StorageSizing {
    fn check(&self, site: &EffectiveSite<'_>, out: &mut Findings) {
        for node in &site.nodes {
            if node.host.storage_devices.is_empty() {
                continue;
            }
            let volumes = walk_volumes(node);
            for dev in node.host.storage_devices.iter() {
                check_partitions(out, node, dev);
                for finding in &volumes {
                    report_volume(out, node, finding);
                }
            }
        }
    }
}
