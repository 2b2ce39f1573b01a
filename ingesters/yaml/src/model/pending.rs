//! The items of a design, collected before its maps are built.
//!
//! A `BTreeMap` filled one insert at a time, in name order (as generated
//! and most real sites are), splits every full node in two and leaves the
//! left half at about half its capacity: with items of several hundred
//! bytes stored in the nodes, nearly half of a large site's node map was
//! empty slots. Built at the end from all its items at once, each map's
//! nodes are full.

use std::collections::BTreeMap;

use drydock_core::design::{
    BaremetalNode, BootAction, HardwareProfile, HostProfile, Item, Network, NetworkLink, Rack,
    Region, SiteDesign,
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

fn named<T>(list: &mut Named<T>, item: Item<T>) {
    list.push((item.name.to_string(), item));
}

impl Pending {
    /// Makes room for `items` more.
    pub(crate) fn reserve<'b>(&mut self, items: impl Iterator<Item = &'b Built>) {
        let mut counts = [0usize; 8];
        for built in items {
            counts[match built {
                Built::Region(_) => 0,
                Built::NetworkLink(_) => 1,
                Built::Network(_) => 2,
                Built::HardwareProfile(_) => 3,
                Built::HostProfile(_) => 4,
                Built::BaremetalNode(_) => 5,
                Built::Rack(_) => 6,
                Built::BootAction(_) => 7,
            }] += 1;
        }
        self.region.reserve(counts[0]);
        self.network_links.reserve(counts[1]);
        self.networks.reserve(counts[2]);
        self.hardware_profiles.reserve(counts[3]);
        self.host_profiles.reserve(counts[4]);
        self.baremetal_nodes.reserve(counts[5]);
        self.racks.reserve(counts[6]);
        self.boot_actions.reserve(counts[7]);
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
