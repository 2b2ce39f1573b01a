//! The site-design model: typed items of eight kinds, each remembering the
//! document it came from, held by [`SiteDesign`] keyed by name.
//!
//! Ingesters build it (the machinery they share — a value tree that keeps
//! positions, schema validation, assembly — lives in `drydock-ingester-yaml`,
//! outside core's stable API); every other crate only reads it.
//!
//! `SiteDesign` serialises to stable JSON: maps are sorted by name, fields are
//! in a fixed order and absent optional fields are left out.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::text::Text;

mod bootaction;
mod host;
mod network;
mod node_de;
pub(crate) mod path;
mod site;

pub use bootaction::{
    Asset, AssetData, AssetType, BootAction, DataPipelineStep, FilterCombination,
    LocationPipelineStep, NodeFilter, NodeFilterItem,
};
pub use host::{
    Addressing, BaremetalNode, Extra, Filesystem, HostProfile, HostSettings, Interface,
    LogicalVolume, NodeMetadata, Oob, Partition, PhysicalDevice, Platform, Sriov, Storage,
    VolumeGroup,
};
pub use network::{
    AddressRange, Bonding, BondingMode, DhcpRelay, Dns, Labels, Network, NetworkLink, Route,
    Trunking, TrunkingMode,
};
pub use path::write_key_step;
pub use site::{
    BootMode, BootstrapProtocol, HardwareProfile, Hugepages, Rack, RackLocation, Region, RepoType,
    Repositories, Repository, TagDefinition, TagDefinitionType, TorSwitch,
};

/// The kinds of design item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Kind {
    /// The site.
    Region,
    /// Layer-1 link settings.
    NetworkLink,
    /// Layer-2/3 network.
    Network,
    /// Server model facts.
    HardwareProfile,
    /// Inheritable host settings.
    HostProfile,
    /// A server.
    BaremetalNode,
    /// A rack.
    Rack,
    /// Actions run on nodes at deployment.
    BootAction,
}

impl Kind {
    /// Every kind, in the order of [`SiteDesign`]'s fields.
    pub const ALL: [Kind; 8] = [
        Kind::Region,
        Kind::NetworkLink,
        Kind::Network,
        Kind::HardwareProfile,
        Kind::HostProfile,
        Kind::BaremetalNode,
        Kind::Rack,
        Kind::BootAction,
    ];

    /// The kind as documents spell it (`BaremetalNode`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Region => "Region",
            Kind::NetworkLink => "NetworkLink",
            Kind::Network => "Network",
            Kind::HardwareProfile => "HardwareProfile",
            Kind::HostProfile => "HostProfile",
            Kind::BaremetalNode => "BaremetalNode",
            Kind::Rack => "Rack",
            Kind::BootAction => "BootAction",
        }
    }

    /// The kind's key in [`SiteDesign`]'s JSON (`baremetal_nodes`).
    pub fn design_key(self) -> &'static str {
        match self {
            Kind::Region => "region",
            Kind::NetworkLink => "network_links",
            Kind::Network => "networks",
            Kind::HardwareProfile => "hardware_profiles",
            Kind::HostProfile => "host_profiles",
            Kind::BaremetalNode => "baremetal_nodes",
            Kind::Rack => "racks",
            Kind::BootAction => "boot_actions",
        }
    }

    /// The kind from its document spelling; `Site` is the legacy name of `Region`.
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "Site" => Some(Kind::Region),
            _ => Kind::ALL.into_iter().find(|k| k.as_str() == s),
        }
    }

    /// The Deckhand schema of version 1 (`drydock/BaremetalNode/v1`).
    pub fn schema_v1(self) -> &'static str {
        match self {
            Kind::Region => "drydock/Region/v1",
            Kind::NetworkLink => "drydock/NetworkLink/v1",
            Kind::Network => "drydock/Network/v1",
            Kind::HardwareProfile => "drydock/HardwareProfile/v1",
            Kind::HostProfile => "drydock/HostProfile/v1",
            Kind::BaremetalNode => "drydock/BaremetalNode/v1",
            Kind::Rack => "drydock/Rack/v1",
            Kind::BootAction => "drydock/BootAction/v1",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The document an item came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentSource {
    /// The ingester's format: `deckhand` or `yaml`.
    pub format: Text,
    /// The document's schema, `drydock/<Kind>/v1` (legacy documents are mapped to it).
    pub schema: Text,
    /// The document's name.
    pub name: Text,
    /// The line where the document starts, 1-based.
    pub line: u32,
}

/// One design item: its name, its source document and its typed data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Item<T> {
    /// The item's name (the document's `metadata.name`).
    pub name: Text,
    /// Where it came from.
    pub source: DocumentSource,
    /// The typed data, serialised inline beside `name` and `source`.
    #[serde(flatten)]
    pub data: T,
}

/// A whole site design: every item keyed by kind and name, serialised deterministically.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SiteDesign {
    /// Region (site) items by name; a valid design has one.
    pub region: BTreeMap<String, Item<Region>>,
    /// NetworkLink items by name.
    pub network_links: BTreeMap<String, Item<NetworkLink>>,
    /// Network items by name.
    pub networks: BTreeMap<String, Item<Network>>,
    /// HardwareProfile items by name.
    pub hardware_profiles: BTreeMap<String, Item<HardwareProfile>>,
    /// HostProfile items by name.
    pub host_profiles: BTreeMap<String, Item<HostProfile>>,
    /// BaremetalNode items by name.
    pub baremetal_nodes: BTreeMap<String, Item<BaremetalNode>>,
    /// Rack items by name.
    pub racks: BTreeMap<String, Item<Rack>>,
    /// BootAction items by name.
    pub boot_actions: BTreeMap<String, Item<BootAction>>,
}

/// A borrowed item of any kind.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ItemRef<'a> {
    /// A Region.
    Region(&'a Item<Region>),
    /// A NetworkLink.
    NetworkLink(&'a Item<NetworkLink>),
    /// A Network.
    Network(&'a Item<Network>),
    /// A HardwareProfile.
    HardwareProfile(&'a Item<HardwareProfile>),
    /// A HostProfile.
    HostProfile(&'a Item<HostProfile>),
    /// A BaremetalNode.
    BaremetalNode(&'a Item<BaremetalNode>),
    /// A Rack.
    Rack(&'a Item<Rack>),
    /// A BootAction.
    BootAction(&'a Item<BootAction>),
}

impl ItemRef<'_> {
    /// The item's source document.
    pub fn source(&self) -> &DocumentSource {
        match self {
            ItemRef::Region(i) => &i.source,
            ItemRef::NetworkLink(i) => &i.source,
            ItemRef::Network(i) => &i.source,
            ItemRef::HardwareProfile(i) => &i.source,
            ItemRef::HostProfile(i) => &i.source,
            ItemRef::BaremetalNode(i) => &i.source,
            ItemRef::Rack(i) => &i.source,
            ItemRef::BootAction(i) => &i.source,
        }
    }
}

impl SiteDesign {
    /// The item of `kind` named `name`.
    pub fn get(&self, kind: Kind, name: &str) -> Option<ItemRef<'_>> {
        Some(match kind {
            Kind::Region => ItemRef::Region(self.region.get(name)?),
            Kind::NetworkLink => ItemRef::NetworkLink(self.network_links.get(name)?),
            Kind::Network => ItemRef::Network(self.networks.get(name)?),
            Kind::HardwareProfile => ItemRef::HardwareProfile(self.hardware_profiles.get(name)?),
            Kind::HostProfile => ItemRef::HostProfile(self.host_profiles.get(name)?),
            Kind::BaremetalNode => ItemRef::BaremetalNode(self.baremetal_nodes.get(name)?),
            Kind::Rack => ItemRef::Rack(self.racks.get(name)?),
            Kind::BootAction => ItemRef::BootAction(self.boot_actions.get(name)?),
        })
    }

    /// The names of the items of `kind`, sorted.
    pub fn names(&self, kind: Kind) -> Vec<&str> {
        fn keys<T>(m: &BTreeMap<String, T>) -> Vec<&str> {
            m.keys().map(String::as_str).collect()
        }
        match kind {
            Kind::Region => keys(&self.region),
            Kind::NetworkLink => keys(&self.network_links),
            Kind::Network => keys(&self.networks),
            Kind::HardwareProfile => keys(&self.hardware_profiles),
            Kind::HostProfile => keys(&self.host_profiles),
            Kind::BaremetalNode => keys(&self.baremetal_nodes),
            Kind::Rack => keys(&self.racks),
            Kind::BootAction => keys(&self.boot_actions),
        }
    }

    /// Number of items of `kind`.
    pub fn count(&self, kind: Kind) -> usize {
        self.names(kind).len()
    }

    /// Total number of items.
    pub fn len(&self) -> usize {
        Kind::ALL.iter().map(|k| self.count(*k)).sum()
    }

    /// True when the design holds no item.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The site (the first Region by name), if any.
    pub fn site(&self) -> Option<&Item<Region>> {
        self.region.values().next()
    }

    /// The design as stable JSON text (sorted maps, fixed field order).
    pub fn to_stable_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::Kind;

    #[test]
    fn every_kind_names_its_version_1_schema_and_parses_back() {
        for kind in Kind::ALL {
            assert_eq!(kind.schema_v1(), format!("drydock/{}/v1", kind.as_str()));
            let name = kind.schema_v1().split('/').nth(1).unwrap_or_default();
            assert_eq!(Kind::parse(name), Some(kind));
        }
    }
}
