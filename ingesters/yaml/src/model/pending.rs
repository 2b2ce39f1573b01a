//! The items of a design, collected before its maps are built.
//!
//! A `BTreeMap` filled one insert at a time, in name order (as generated
//! and most real sites are), splits every full node in two and leaves the
//! left half at about half its capacity: with items of several hundred
//! bytes stored in the nodes, nearly half of a large site's node map was
//! empty slots. Built at the end from all its items at once, each map's
//! nodes are full.

use std::collections::BTreeMap;

use drydock_core::Text;
use drydock_core::design::{
    BaremetalNode, BootAction, DocumentSource, HardwareProfile, HostProfile, Item, Kind, Network,
    NetworkLink, Rack, Region, SiteDesign,
};

use super::build::Built;

type Named<T> = Vec<(String, Item<T>)>;

/// Items by kind with their names, in input order, each name once per kind
/// (the assembler keeps only the first).
#[derive(Debug, Default)]
pub(crate) struct Pending {
    region: Named<Region>,
    network_links: Named<NetworkLink>,
    networks: Named<Network>,
    hardware_profiles: Named<HardwareProfile>,
    host_profiles: Named<HostProfile>,
    baremetal_nodes: Named<BaremetalNode>,
    racks: Named<Rack>,
    boot_actions: Named<BootAction>,
}

impl Built {
    /// Its kind, name and document.
    pub(crate) fn identity(&self) -> (Kind, &Text, &DocumentSource) {
        match self {
            Built::Region(i) => (Kind::Region, &i.name, &i.source),
            Built::NetworkLink(i) => (Kind::NetworkLink, &i.name, &i.source),
            Built::Network(i) => (Kind::Network, &i.name, &i.source),
            Built::HardwareProfile(i) => (Kind::HardwareProfile, &i.name, &i.source),
            Built::HostProfile(i) => (Kind::HostProfile, &i.name, &i.source),
            Built::BaremetalNode(i) => (Kind::BaremetalNode, &i.name, &i.source),
            Built::Rack(i) => (Kind::Rack, &i.name, &i.source),
            Built::BootAction(i) => (Kind::BootAction, &i.name, &i.source),
        }
    }
}

fn named<T>(list: &mut Named<T>, item: Item<T>) {
    list.push((item.name.to_string(), item));
}

impl Pending {
    /// Makes room for `items` more.
    pub(crate) fn reserve<'b>(&mut self, items: impl Iterator<Item = &'b Built>) {
        let mut counts = [0usize; Kind::ALL.len()];
        for built in items {
            counts[built.identity().0 as usize] += 1;
        }
        let count = |kind: Kind| counts[kind as usize];
        self.region.reserve(count(Kind::Region));
        self.network_links.reserve(count(Kind::NetworkLink));
        self.networks.reserve(count(Kind::Network));
        self.hardware_profiles.reserve(count(Kind::HardwareProfile));
        self.host_profiles.reserve(count(Kind::HostProfile));
        self.baremetal_nodes.reserve(count(Kind::BaremetalNode));
        self.racks.reserve(count(Kind::Rack));
        self.boot_actions.reserve(count(Kind::BootAction));
    }

    /// Adds an item (its name not yet taken by one of its kind).
    pub(crate) fn push(&mut self, built: Built) {
        match built {
            Built::Region(i) => named(&mut self.region, i),
            Built::NetworkLink(i) => named(&mut self.network_links, i),
            Built::Network(i) => named(&mut self.networks, i),
            Built::HardwareProfile(i) => named(&mut self.hardware_profiles, i),
            Built::HostProfile(i) => named(&mut self.host_profiles, i),
            Built::BaremetalNode(i) => named(&mut self.baremetal_nodes, i),
            Built::Rack(i) => named(&mut self.racks, i),
            Built::BootAction(i) => named(&mut self.boot_actions, i),
        }
    }

    /// The design: every map built at once from its items (`BTreeMap`'s
    /// `FromIterator` sorts them, a single pass over names already in
    /// order, then fills its nodes in bulk).
    pub(crate) fn into_design(self) -> SiteDesign {
        SiteDesign {
            region: BTreeMap::from_iter(self.region),
            network_links: BTreeMap::from_iter(self.network_links),
            networks: BTreeMap::from_iter(self.networks),
            hardware_profiles: BTreeMap::from_iter(self.hardware_profiles),
            host_profiles: BTreeMap::from_iter(self.host_profiles),
            baremetal_nodes: BTreeMap::from_iter(self.baremetal_nodes),
            racks: BTreeMap::from_iter(self.racks),
            boot_actions: BTreeMap::from_iter(self.boot_actions),
        }
    }
}
