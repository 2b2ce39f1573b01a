//! DD2003 Storage Sizing.

use super::or_none;
use crate::validation::paths::field_path;
use crate::validation::size::percent;
use crate::validation::{EffectiveSite, Findings, Rule};

/// Percentage sizes are not negative and do not add up past 99%. Copied as the
/// original has it: the partition sum is checked after every partition (so a
/// device over 99% is reported once per later partition too), and the logical
/// volumes of all the node's groups are walked once per device with one
/// running sum. Fixes: a logical-volume sum over 99% is an error (the original
/// crashes formatting it); null or non-integer percentages are ignored (it
/// crashes on them).
#[derive(Default)]
pub struct StorageSizing;

impl Rule for StorageSizing {
    fn check(&self, site: &EffectiveSite<'_>, out: &mut Findings) {
        for node in &site.nodes {
            for dev in node.host.storage_devices.iter() {
                let mut sum: i128 = 0;
                for part in &dev.partitions {
                    let size = part.size.as_ref();
                    if let Some(p) = size.and_then(|s| percent(s.value)) {
                        if p < 0 {
                            let doc = size.map_or(part.doc, |s| s.doc);
                            out.error(format_args!(
                                "Storage partition {} on device {} size is < 0",
                                or_none(part.name),
                                dev.name
                            ))
                            .document(node.doc)
                            .diagnostic("Partition size must be a positive number.")
                            .at(
                                doc,
                                field_path!(
                                    doc,
                                    "storage",
                                    "physical_devices",
                                    dev.name,
                                    "partitions",
                                    size.map_or(part.index, |s| s.index),
                                    "size"
                                ),
                            )
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
                let mut volume_sum: i128 = 0;
                for group in node.host.volume_groups.iter() {
                    for lv in &group.logical_volumes {
                        let size = lv.size.as_ref();
                        let Some(p) = size.and_then(|s| percent(s.value)) else {
                            continue;
                        };
                        if p < 0 {
                            let (doc, index) =
                                size.map_or((lv.doc, lv.index), |s| (s.doc, s.index));
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
                        volume_sum = volume_sum.saturating_add(p);
                    }
                    if volume_sum > 99 {
                        out.error(format_args!(
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
                        .report();
                    }
                }
            }
        }
    }
}
