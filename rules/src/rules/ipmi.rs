//! DD4001 Valid IPMI Configuration.

use super::truthy;
use crate::effective::merge::get;
use crate::paths::field_path;
use crate::{EffectiveSite, Findings, Rule};

/// IPMI nodes define the OOB parameters account, credential and network, and
/// have an address on the OOB network (the last one given there; `dhcp`
/// counts as none). Fix: a missing parameter is reported (the original
/// crashes building that message).
#[derive(Default)]
pub struct Ipmi;

impl Rule for Ipmi {
    fn check(&self, site: &EffectiveSite<'_>, out: &mut Findings) {
        for node in &site.nodes {
            if node.host.oob_type.as_ref().map(|t| t.value) != Some("ipmi") {
                continue;
            }
            let params = &node.host.oob_parameters;
            for p in ["account", "credential", "network"] {
                let value = get(params, p);
                if truthy(value.map(|v| v.value.as_ref())) {
                    continue;
                }
                let (doc, path) = match value {
                    Some(v) => (v.doc, field_path!(v.doc, "oob", p)),
                    None => (node.doc, field_path!(node.doc, "oob")),
                };
                out.error(format_args!(
                    "OOB parameter {p} for IPMI node {} missing.",
                    node.name
                ))
                .document(node.doc)
                .diagnostic(format!("Define OOB parameter {p}"))
                .at(doc, path)
                .report();
            }
            let network = get(params, "network")
                .map(|n| n.value.as_ref())
                .filter(|n| !n.is_empty());
            let address = network.and_then(|net| {
                node.addressing()
                    .rfind(|a| a.network == Some(net))
                    .and_then(|a| a.address)
            });
            if !truthy(address) {
                out.error(format_args!(
                    "OOB address missing for IPMI node {}.",
                    node.name
                ))
                .document(node.doc)
                .diagnostic("Provide address to node OOB interface.")
                .at(node.doc, field_path!(node.doc, "addressing"))
                .report();
            }
        }
    }
}
