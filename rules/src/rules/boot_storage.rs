//! DD1001 Rational Boot Storage.

use super::SizeAt;
use crate::size;
use crate::{EffectiveSite, Findings, Rule};

const GB: u128 = 1_000_000_000;

/// Partitions named `root` must be at least 20 GB and, once a root is set, `boot`
/// at least 1 GB; every node needs a root. Copied as the original: found by
/// partition name on physical devices only, order dependent (a `boot` before
/// any sized `root` is not checked). A null size or a unit the original does
/// not list (`20b`) is an invalid format (the original crashes).
#[derive(Default)]
pub struct BootStorage;

impl Rule for BootStorage {
    fn check(&self, site: &EffectiveSite<'_>, out: &mut Findings) {
        for node in &site.nodes {
            let mut root_set = false;
            for dev in node.host.storage_devices.iter() {
                for part in &dev.partitions {
                    let size = part.size.as_ref();
                    let at = SizeAt::of(dev, part);
                    let (doc, path) = (at.doc, || at.path());
                    let bytes = size.and_then(|s| size::bytes(s.value));
                    if part.name == Some("root") {
                        match bytes {
                            Some(b) => {
                                root_set = true;
                                if b < 20 * GB {
                                    out.error(format_args!(
                                        "Root volume must be > 20GB on BaremetalNode {}",
                                        node.name
                                    ))
                                    .document(node.doc)
                                    .diagnostic("Configure a larger root volume")
                                    .at(doc, path())
                                    .report();
                                }
                            }
                            None => out
                                .error(format_args!(
                                    "Root volume has an invalid size format on BaremetalNode{}.",
                                    node.name
                                ))
                                .document(node.doc)
                                .diagnostic("Use a valid root volume storage specification.")
                                .at(doc, path())
                                .report(),
                        }
                    }
                    if root_set && part.name == Some("boot") {
                        match bytes {
                            Some(b) if b < GB => out
                                .error(format_args!(
                                    "Boot volume must be > 1GB on BaremetalNode {}",
                                    node.name
                                ))
                                .document(node.doc)
                                .diagnostic("Configure a larger boot volume.")
                                .at(doc, path())
                                .report(),
                            Some(_) => {}
                            None => out
                                .error(format_args!(
                                    "Boot volume has an invalid size format on BaremetalNode {}.",
                                    node.name
                                ))
                                .document(node.doc)
                                .diagnostic("Use a valid boot volume storage specification.")
                                .at(doc, path())
                                .report(),
                        }
                    }
                }
            }
            if !root_set {
                out.error(format_args!(
                    "Root volume has to be set and must be > 20GB on BaremetalNode {}",
                    node.name
                ))
                .document(node.doc)
                .diagnostic("All nodes require a defined root volume at least 20GB in size.")
                .report();
            }
        }
    }
}
