//! DD1007 Allowed Network Check.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use super::or_none;
use crate::paths::field_path;
use crate::{EffectiveSite, Findings, Rule};

/// A network is allowed on one link only (reported per pair of links in
/// document order, with no documents, as the original), and each interface's
/// networks are allowed on its link, which must be defined. A link that lists
/// no allowed networks allows none (the original crashes on it). Indexed, so
/// the cost follows the shared networks rather than every pair of links.
#[derive(Default)]
pub struct AllowedNetworks;

impl Rule for AllowedNetworks {
    fn check(&self, site: &EffectiveSite<'_>, out: &mut Findings) {
        let allowed: Vec<HashSet<&str>> = site
            .links
            .iter()
            .map(|l| l.allowed_networks.iter().map(String::as_str).collect())
            .collect();
        let mut carriers: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, set) in allowed.iter().enumerate() {
            for net in set {
                carriers.entry(net).or_default().push(i);
            }
        }
        for (i, link) in site.links.iter().enumerate() {
            let mut partners: Vec<usize> = link
                .allowed_networks
                .iter()
                .filter_map(|n| carriers.get(n.as_str()))
                .flatten()
                .copied()
                .filter(|j| *j > i)
                .collect();
            partners.sort_unstable();
            partners.dedup();
            for j in partners {
                let other = &site.links[j];
                for (k, net) in link.allowed_networks.iter().enumerate() {
                    if allowed[j].contains(net.as_str()) {
                        out.error(format_args!(
                            "Allowed network {net} duplicated on NetworkLink {} and NetworkLink {}",
                            link.name, other.name
                        ))
                        .diagnostic("Each network is only allowed to cross a single network link.")
                        .at(link.doc, field_path!(link.doc, "allowed_networks", k))
                        .report();
                    }
                }
            }
        }
        let link_index: HashMap<&str, usize> = site
            .links
            .iter()
            .enumerate()
            .map(|(i, l)| (l.name, i))
            .collect();
        // Network lists many nodes share with a profile, found fine once on a link.
        let mut fine: HashSet<(usize, usize)> = HashSet::new();
        for node in &site.nodes {
            for iface in node.host.interfaces.iter() {
                let link = iface.network_link.as_ref();
                let found = link.and_then(|l| link_index.get(l.value));
                let shared = std::sync::Arc::strong_count(&iface.networks) > 1;
                let key = (
                    std::sync::Arc::as_ptr(&iface.networks).cast::<u8>() as usize,
                    found.map_or(usize::MAX, |j| *j),
                );
                if shared && fine.contains(&key) {
                    continue;
                }
                let errors = out.error_count();
                for net in iface.networks.iter() {
                    match found {
                        Some(&j) if allowed[j].contains(net.value) => {}
                        Some(_) => out
                            .error(format_args!(
                                "Interface {} attached to network {} not allowed on interface link",
                                iface.name, net.value
                            ))
                            .document(node.doc)
                            .diagnostic("Interfaces can only be attached to networks allowed on the network link connected to the interface.")
                            .at(net.doc, field_path!(net.doc, "interfaces", iface.name, "networks", net.index))
                            .report(),
                        None => {
                            let (doc, path) = match link {
                                Some(l) => (l.doc, field_path!(l.doc, "interfaces", iface.name, "device_link")),
                                None => (iface.doc, field_path!(iface.doc, "interfaces", iface.name)),
                            };
                            out.error(format_args!(
                                "Interface {} connected to undefined network link {}.",
                                iface.name,
                                or_none(link.map(|l| l.value))
                            ))
                            .document(node.doc)
                            .diagnostic("Define the network link attached to this interface.")
                            .at(doc, path)
                            .report();
                        }
                    }
                }
                if shared && out.error_count() == errors {
                    fine.insert(key);
                }
            }
        }
    }
}
