//! Effective networks and links: the ingester's defaults (VALIDATION.md 2.1)
//! and the routes route domains add (2.9).

use foldhash::{HashMap, HashMapExt};

use drydock_core::design::{BondingMode, DocumentSource, Item, Network, NetworkLink, TrunkingMode};

/// A route of a network: declared in its document, or rendered for a route domain.
#[derive(Clone, Debug, PartialEq)]
pub struct Route<'a> {
    /// Destination.
    pub subnet: Option<&'a str>,
    /// Gateway.
    pub gateway: Option<&'a str>,
    /// Metric.
    pub metric: Option<i64>,
    /// Route domain (declared routes only).
    pub routedomain: Option<&'a str>,
    /// Index in the document's `routes` of this route, or of the route that declared its domain.
    pub index: usize,
    /// True for a route rendered for a route domain.
    pub rendered: bool,
}

impl Route<'_> {
    /// The route as the original prints it: a Python dict.
    pub fn python_repr(&self) -> String {
        let opt = |v: Option<&str>| v.map_or_else(|| "None".to_owned(), python_str);
        let metric = self.metric.map(|m| m.to_string());
        let mut out = format!(
            "{{'subnet': {}, 'gateway': {}, 'metric': {}",
            opt(self.subnet),
            opt(self.gateway),
            opt(metric.as_deref())
        );
        if !self.rendered {
            out.push_str(&format!(", 'routedomain': {}", opt(self.routedomain)));
        }
        out.push('}');
        out
    }
}

/// A string as Python's `repr` prints it.
pub(crate) fn python_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// An effective network.
#[derive(Clone, Debug, PartialEq)]
pub struct EffectiveNetwork<'a> {
    /// Name.
    pub name: &'a str,
    /// Its document.
    pub doc: &'a DocumentSource,
    /// The network as written.
    pub data: &'a Network,
    /// CIDR as written.
    pub cidr: Option<&'a str>,
    /// VLAN tag.
    pub vlan: Option<&'a str>,
    /// MTU.
    pub mtu: Option<i64>,
    /// Route domain.
    pub routedomain: Option<&'a str>,
    /// DNS domain (`local` when not written).
    pub dns_domain: &'a str,
    /// Declared routes, then routes rendered for route domains.
    pub routes: Vec<Route<'a>>,
}

impl<'a> EffectiveNetwork<'a> {
    /// The network as ingested.
    pub fn new(item: &'a Item<Network>) -> Self {
        let n = &item.data;
        EffectiveNetwork {
            name: &item.name,
            doc: &item.source,
            data: n,
            cidr: n.cidr.as_deref(),
            vlan: n.vlan.as_deref(),
            mtu: n.mtu,
            routedomain: n.routedomain.as_deref(),
            dns_domain: n
                .dns
                .as_ref()
                .and_then(|d| d.domain.as_deref())
                .unwrap_or("local"),
            routes: n
                .routes
                .iter()
                .flatten()
                .enumerate()
                .map(|(index, r)| Route {
                    subnet: r.subnet.as_deref(),
                    gateway: r.gateway.as_deref(),
                    metric: r.metric,
                    routedomain: r.routedomain.as_deref(),
                    index,
                    rendered: false,
                })
                .collect(),
        }
    }
}

/// Adds the routes of route domains (2.9): per domain, every network whose
/// first route into the domain has a gateway and a metric gains one route per
/// other member CIDR of the domain. Members without a CIDR are left out (the
/// original crashes on them).
pub(crate) fn render_route_domains(networks: &mut [EffectiveNetwork<'_>]) {
    let mut domains: Vec<(&str, Vec<&str>)> = Vec::new();
    let mut position: HashMap<&str, usize> = HashMap::new();
    for n in networks.iter() {
        let Some(domain) = n.routedomain else {
            continue;
        };
        let at = *position.entry(domain).or_insert_with(|| {
            domains.push((domain, Vec::new()));
            domains.len() - 1
        });
        if let Some(cidr) = n.cidr {
            domains[at].1.push(cidr);
        }
    }
    for (domain, cidrs) in &domains {
        for n in networks.iter_mut() {
            let Some(first) = n
                .routes
                .iter()
                .find(|r| !r.rendered && r.routedomain == Some(*domain))
            else {
                continue;
            };
            let (Some(gateway), Some(metric), index) = (first.gateway, first.metric, first.index)
            else {
                continue;
            };
            for cidr in cidrs.iter().filter(|c| Some(**c) != n.cidr) {
                n.routes.push(Route {
                    subnet: Some(cidr),
                    gateway: Some(gateway),
                    metric: Some(metric),
                    routedomain: None,
                    index,
                    rendered: true,
                });
            }
        }
    }
}

/// An effective network link.
#[derive(Clone, Debug, PartialEq)]
pub struct EffectiveLink<'a> {
    /// Name.
    pub name: &'a str,
    /// Its document.
    pub doc: &'a DocumentSource,
    /// The link as written.
    pub data: &'a NetworkLink,
    /// Bonding mode (`disabled` when not written).
    pub bonding_mode: BondingMode,
    /// MII monitor rate: 100 when not written, kept only for 802.3ad, balance-rr, active-backup.
    pub mon_rate: Option<i64>,
    /// Up delay: 200 when not written, same modes.
    pub up_delay: Option<i64>,
    /// Down delay: 200 when not written, same modes.
    pub down_delay: Option<i64>,
    /// Hash policy: `layer3+4` when not written, 802.3ad only.
    pub hash: Option<&'a str>,
    /// Peer rate: `fast` when not written, 802.3ad only.
    pub peer_rate: Option<&'a str>,
    /// MTU (1500 when not written).
    pub mtu: i64,
    /// Trunking mode (`disabled` when not written).
    pub trunk_mode: TrunkingMode,
    /// Native network (`trunking.default_network`).
    pub native_network: Option<&'a str>,
    /// Allowed networks (none when not written).
    pub allowed_networks: &'a [String],
}

impl<'a> EffectiveLink<'a> {
    /// The link as ingested.
    pub fn new(item: &'a Item<NetworkLink>) -> Self {
        let l = &item.data;
        let bonding = l.bonding.as_ref();
        let mode = bonding
            .and_then(|b| b.mode)
            .unwrap_or(BondingMode::Disabled);
        let timed = matches!(
            mode,
            BondingMode::Lacp | BondingMode::RoundRobin | BondingMode::ActiveBackup
        );
        let lacp = mode == BondingMode::Lacp;
        let int = |v: Option<i64>, default: i64| timed.then(|| v.unwrap_or(default));
        let text = |v: Option<&'a str>, default: &'static str| lacp.then(|| v.unwrap_or(default));
        let trunking = l.trunking.as_ref();
        EffectiveLink {
            name: &item.name,
            doc: &item.source,
            data: l,
            bonding_mode: mode,
            mon_rate: int(bonding.and_then(|b| b.mon_rate), 100),
            up_delay: int(bonding.and_then(|b| b.up_delay), 200),
            down_delay: int(bonding.and_then(|b| b.down_delay), 200),
            hash: text(bonding.and_then(|b| b.hash.as_deref()), "layer3+4"),
            peer_rate: text(bonding.and_then(|b| b.peer_rate.as_deref()), "fast"),
            mtu: l.mtu.unwrap_or(1500),
            trunk_mode: trunking
                .and_then(|t| t.mode)
                .unwrap_or(TrunkingMode::Disabled),
            native_network: trunking.and_then(|t| t.default_network.as_deref()),
            allowed_networks: l.allowed_networks.as_deref().unwrap_or(&[]),
        }
    }
}
