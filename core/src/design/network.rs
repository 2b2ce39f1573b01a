//! NetworkLink (layer 1) and Network (layer 2/3).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Free-form labels.
pub type Labels = BTreeMap<String, serde_json::Value>;

/// How the members of a link are bonded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BondingMode {
    /// No bonding.
    #[serde(rename = "disabled")]
    Disabled,
    /// LACP.
    #[serde(rename = "802.3ad")]
    Lacp,
    /// Round robin.
    #[serde(rename = "balance-rr")]
    RoundRobin,
    /// Active-backup.
    #[serde(rename = "active-backup")]
    ActiveBackup,
}

/// Whether a link carries several VLANs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TrunkingMode {
    /// One untagged network.
    #[serde(rename = "disabled")]
    Disabled,
    /// 802.1q tagging.
    #[serde(rename = "802.1q")]
    Tagged,
}

/// Bonding settings of a link.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Bonding {
    /// The bonding mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<BondingMode>,
    /// Transmit hash policy (`layer3+4`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// LACP peer rate (`slow`, `fast`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_rate: Option<String>,
    /// MII monitor rate, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mon_rate: Option<i64>,
    /// Up delay, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_delay: Option<i64>,
    /// Down delay, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub down_delay: Option<i64>,
}

/// Trunking settings of a link.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Trunking {
    /// The trunking mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<TrunkingMode>,
    /// The untagged (native) network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_network: Option<String>,
}

/// A NetworkLink: layer-1 settings the switch and the server agree on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NetworkLink {
    /// Bonding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bonding: Option<Bonding>,
    /// MTU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtu: Option<i64>,
    /// Link speed (`auto`, `100full`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linkspeed: Option<String>,
    /// Trunking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trunking: Option<Trunking>,
    /// Networks allowed on the link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_networks: Option<Vec<String>>,
    /// Labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Labels>,
}

/// An address range of a network.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AddressRange {
    /// `static`, `dhcp`, `reserved`, …
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub range_type: Option<String>,
    /// First address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// Last address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
}

/// DNS settings of a network.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Dns {
    /// Domain of the addresses on this network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// DNS servers, comma-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub servers: Option<String>,
}

/// DHCP relay settings of a network.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DhcpRelay {
    /// The relay's own address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_ip: Option<String>,
    /// Where DHCPDISCOVER is forwarded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream_target: Option<String>,
}

/// A static route.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Route {
    /// Destination subnet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet: Option<String>,
    /// Gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
    /// Metric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<i64>,
    /// Route domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routedomain: Option<String>,
}

/// A Network: layer-2/3 settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Network {
    /// Network address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    /// Address ranges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranges: Option<Vec<AddressRange>>,
    /// DNS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns: Option<Dns>,
    /// DHCP relay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dhcp_relay: Option<DhcpRelay>,
    /// MTU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtu: Option<i64>,
    /// VLAN id, as a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vlan: Option<String>,
    /// Route domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routedomain: Option<String>,
    /// Static routes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routes: Option<Vec<Route>>,
    /// Labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Labels>,
}
