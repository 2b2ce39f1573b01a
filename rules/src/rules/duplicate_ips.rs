//! DD2005 Duplicated IP Check.

use foldhash::{HashMap, HashMapExt};

use crate::paths::field_path;
use crate::{EffectiveSite, Findings, Rule};

/// No address string is given twice (all nodes, in document order; exact
/// string comparison, as the original). The error names the node that repeats
/// it, then the first holder.
#[derive(Default)]
pub struct DuplicateIps;

impl Rule for DuplicateIps {
    fn check(&self, site: &EffectiveSite<'_>, out: &mut Findings) {
        if site.nodes.is_empty() {
            out.warning("No BaremetalNodes Found.")
                .diagnostic("Site design unlikely complete with no defined baremetal nodes.")
                .report();
            return;
        }
        let addresses = site.nodes.iter().map(|n| n.addressing().count()).sum();
        let mut holders: HashMap<&str, &drydock_core::design::DocumentSource> =
            HashMap::with_capacity(addresses);
        for node in &site.nodes {
            for a in node.addressing() {
                let Some(address) = a.address else { continue };
                match holders.get(address) {
                    Some(first) => out
                        .error(format_args!("Duplicate IP Address Found: {address} "))
                        .document(node.doc)
                        .document(first)
                        .diagnostic("Select unique IP addresses for each node.")
                        .at(
                            node.doc,
                            field_path!(node.doc, "addressing", a.index, "address"),
                        )
                        .report(),
                    None => {
                        holders.insert(address, node.doc);
                    }
                }
            }
        }
    }
}
