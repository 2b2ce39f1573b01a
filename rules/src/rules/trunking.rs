//! DD2004 Network Trunking Rationalty (sic).

use crate::paths::field_path;
use crate::{EffectiveSite, Findings, Rule};
use drydock_core::design::TrunkingMode;

/// A link with trunking `disabled` allows at most one network, names a native
/// network, and that network has no VLAN tag (`802.1q` links are not checked).
/// Fixes: an undefined native network is an error of this rule (the original
/// aborts with `Network <n> not found in design state`); a link that lists no
/// allowed networks has none (the original crashes on it).
#[derive(Default)]
pub struct Trunking;

impl Rule for Trunking {
    fn check(&self, site: &EffectiveSite<'_>, out: &mut Findings) {
        for link in site
            .links
            .iter()
            .filter(|l| l.trunk_mode == TrunkingMode::Disabled)
        {
            if link.allowed_networks.len() > 1 {
                out.error("If there is more than 1 allowed network,trunking mode must be enabled")
                    .document(link.doc)
                    .diagnostic(
                        "Reduce the allowed network list to 1 or enable trunking on the link.",
                    )
                    .at(link.doc, field_path!(link.doc, "allowed_networks"))
                    .report();
            }
            let Some(native) = link.native_network else {
                out.error("Trunking mode is disabled, a trunking default_network must be defined")
                    .document(link.doc)
                    .diagnostic("Non-trunked links must have a native network defined.")
                    .at(link.doc, field_path!(link.doc, "trunking"))
                    .report();
                continue;
            };
            match site.network(native) {
                Some(net) if net.vlan.is_some_and(|v| !v.is_empty()) => out
                    .error("Network link native network has a defined VLAN tag.")
                    .document(net.doc)
                    .document(link.doc)
                    .diagnostic("Tagged network not allowed on non-trunked network links.")
                    .at(net.doc, field_path!(net.doc, "vlan"))
                    .report(),
                Some(_) => {}
                None => out
                    .error(format_args!("Network {native} not found in design state"))
                    .document(link.doc)
                    .diagnostic(
                        "Define the network, or name a defined one as the link's default_network.",
                    )
                    .at(
                        link.doc,
                        field_path!(link.doc, "trunking", "default_network"),
                    )
                    .report(),
            }
        }
    }
}
