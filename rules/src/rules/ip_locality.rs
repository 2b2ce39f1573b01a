//! DD2002 IP Locality Check.

use foldhash::{HashMap, HashMapExt};
use std::net::IpAddr;

use ipnet::IpNet;

use crate::cidr;
use crate::paths::field_path;
use crate::{EffectiveSite, Findings, Rule};

/// Route gateways (route-domain routes included) and node addresses lie in
/// their network's CIDR, and addresses name a defined network. Fixes: a route
/// without gateway prints that route, not the network's whole list; an
/// unparsable CIDR, gateway or address is an error naming it (the original
/// crashes).
#[derive(Default)]
pub struct IpLocality;

impl Rule for IpLocality {
    fn check(&self, site: &EffectiveSite<'_>, out: &mut Findings) {
        // Network name -> its CIDR (None: already reported as unusable).
        let mut networks: HashMap<&str, Option<IpNet>> =
            HashMap::with_capacity(site.networks.len());
        if site.networks.is_empty() {
            out.warning("No networks found.")
                .diagnostic("Site design likely incomplete without defined networks")
                .report();
        }
        for net in &site.networks {
            let parsed = net.cidr.and_then(cidr::network);
            networks.insert(net.name, parsed);
            let Some(range) = parsed else {
                let text = match net.cidr {
                    Some(c) => format!(
                        "The CIDR {c} of {} is not a valid network address.",
                        net.name
                    ),
                    None => format!("No CIDR defined for network {}.", net.name),
                };
                out.error(text)
                    .document(net.doc)
                    .diagnostic("Define the network's CIDR as address/prefix.")
                    .at(net.doc, field_path!(net.doc, "cidr"))
                    .report();
                continue;
            };
            let cidr_text = net.cidr.unwrap_or_default();
            for route in &net.routes {
                let gateway = route.gateway.filter(|g| !g.is_empty());
                let path = || field_path!(net.doc, "routes", route.index, "gateway");
                let Some(gateway) = gateway else {
                    out.error(format_args!(
                        "No gateway found for route {}.",
                        route.python_repr()
                    ))
                    .document(net.doc)
                    .diagnostic("Define a network-local gateway for the route.")
                    .at(net.doc, path())
                    .report();
                    continue;
                };
                match gateway.parse::<IpAddr>() {
                    Ok(ip) if range.contains(&ip) => {}
                    Ok(_) => out
                        .error(format_args!(
                            "The gateway IP Address {gateway} is not within the defined CIDR: {cidr_text} of {}.",
                            net.name
                        ))
                        .document(net.doc)
                        .diagnostic("Route gateways must reside on the local network. Check gateway IP and CIDR netmask.")
                        .at(net.doc, path())
                        .report(),
                    Err(_) => out
                        .error(format_args!("The gateway {gateway} of {} is not an IP address.", net.name))
                        .document(net.doc)
                        .diagnostic("Route gateways must be IP addresses on the local network.")
                        .at(net.doc, path())
                        .report(),
                }
            }
        }
        if site.nodes.is_empty() {
            out.warning("No baremetal_nodes found.")
                .diagnostic("site design likely incomplete without defined networks.")
                .report();
        }
        for node in &site.nodes {
            for a in node.addressing().filter(|a| !a.dhcp) {
                let name = a.network.unwrap_or("None");
                let Some(range) = a.network.and_then(|n| networks.get(n)) else {
                    out.error(format_args!("{name} is not a valid network."))
                        .document(node.doc)
                        .diagnostic("Define network or correct address definition.")
                        .at(
                            node.doc,
                            field_path!(node.doc, "addressing", a.index, "network"),
                        )
                        .report();
                    continue;
                };
                let (Some(range), Some(address)) = (range, a.address) else {
                    continue;
                };
                let path = || field_path!(node.doc, "addressing", a.index, "address");
                match address.parse::<IpAddr>() {
                    Ok(ip) if range.contains(&ip) => {}
                    Ok(_) => out
                        .error(format_args!(
                            "The IP Address {address} is not within the defined CIDR: {range} of {name} ."
                        ))
                        .document(node.doc)
                        .diagnostic("Define a valid address for this network.")
                        .at(node.doc, path())
                        .report(),
                    Err(_) => out
                        .error(format_args!("The IP Address {address} on network {name} is not an IP address."))
                        .document(node.doc)
                        .diagnostic("Define a valid address for this network.")
                        .at(node.doc, path())
                        .report(),
                }
            }
        }
    }
}
