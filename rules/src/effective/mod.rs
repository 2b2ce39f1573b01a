//! The effective site (VALIDATION.md 1-2): every node with its host-profile
//! chain and hardware profile applied, networks with route-domain routes,
//! links with the ingester's defaults, boot actions with their targets.
//!
//! Computed once per validation and shared by all rules, borrowing from the
//! [`SiteDesign`]; each value a rule may report on is [`Traced`] to the
//! document that wrote it, so a message can point at an inherited value's
//! own document. Items are in document order (by starting line, then name).

use foldhash::HashMap;
use std::fmt;

use drydock_core::design::{Addressing, DocumentSource, HardwareProfile, Item, SiteDesign};
use drydock_core::report::{DocumentRef, Message, PROCESSING_ERROR};

mod bootaction;
mod chain;
mod hardware;
mod host;
pub mod merge;
mod network;
mod storage;

pub use bootaction::{EffectiveBootAction, Targets};
pub use host::{Declared, DeviceSelector, EffectiveHost, Interface, SelectorType, Shared, Sriov};
pub(crate) use network::render_route_domains;
pub use network::{EffectiveLink, EffectiveNetwork, Route};
pub use storage::{Device, LogicalVolume, Partition, VolumeGroup};

/// A value and the document that wrote it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Traced<'a, T> {
    /// The value.
    pub value: T,
    /// The document that wrote it (a node's, or a host profile's it inherited).
    pub doc: &'a DocumentSource,
    /// Where in that document's list the value's entry stands (partitions,
    /// logical volumes, list items); 0 for values outside lists.
    pub index: usize,
}

impl<'a, T> Traced<'a, T> {
    /// `value`, written by `doc` at list position `index`.
    pub fn at(value: T, doc: &'a DocumentSource, index: usize) -> Self {
        Traced { value, doc, index }
    }
}

/// An address of a node, as ingested: `dhcp` has no address; an empty
/// address is dropped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Address<'a> {
    /// Position in the document's `addressing`.
    pub index: usize,
    /// Network name.
    pub network: Option<&'a str>,
    /// The address; None for `dhcp`.
    pub address: Option<&'a str>,
    /// True for `dhcp`.
    pub dhcp: bool,
}

/// A compiled node.
#[derive(Clone, Debug, PartialEq)]
pub struct EffectiveNode<'a> {
    /// Name.
    pub name: &'a str,
    /// Its document.
    pub doc: &'a DocumentSource,
    /// Settings with the host-profile chain and hardware profile applied.
    pub host: EffectiveHost<'a>,
    /// Its hardware profile (compiling checked that it exists).
    pub hardware: &'a HardwareProfile,
    /// The node's `addressing` as ingested: [`EffectiveNode::addressing`]
    /// reads it when asked (a copy per node was a fifth of the effective
    /// site of a large design).
    addressing: &'a [Addressing],
    /// Boot MAC (not inherited).
    pub boot_mac: Option<&'a str>,
}

/// Why the effective site could not be compiled (the original aborts on the first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompileProblemKind {
    /// A `host_profile` names no HostProfile.
    ProfileNotFound(String),
    /// Host profiles inherit from each other in a circle (the original recurses until it crashes).
    ProfileCycle(Vec<String>),
    /// A node's chain sets no hardware profile.
    HardwareProfileNotSet,
    /// The effective hardware profile does not exist.
    HardwareProfileNotFound(String),
}

impl fmt::Display for CompileProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompileProblemKind::ProfileNotFound(n) => {
                write!(f, "HostProfile {n} not found in design state")
            }
            CompileProblemKind::ProfileCycle(names) => {
                write!(f, "HostProfile inheritance cycle: {}", names.join(" -> "))
            }
            CompileProblemKind::HardwareProfileNotSet => f.write_str("Hardware profile not set"),
            CompileProblemKind::HardwareProfileNotFound(n) => {
                write!(f, "HardwareProfile {n} not found in design state")
            }
        }
    }
}

/// A problem compiling the effective site, in the document that causes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileProblem {
    /// What is wrong.
    pub kind: CompileProblemKind,
    /// The document to fix.
    pub document: DocumentRef,
    /// The field to fix, inside `document`.
    pub path: String,
}

impl CompileProblem {
    /// The report message: `Error loading effective site: <problem>`, as the original.
    pub fn to_message(&self) -> Message {
        let diagnostic = match &self.kind {
            CompileProblemKind::ProfileNotFound(_) => {
                "Define the host profile, or name an existing one."
            }
            CompileProblemKind::ProfileCycle(_) => {
                "Break the cycle: a host profile cannot inherit from itself."
            }
            CompileProblemKind::HardwareProfileNotSet => {
                "Set hardware_profile on the node or a host profile it inherits from."
            }
            CompileProblemKind::HardwareProfileNotFound(_) => {
                "Define the hardware profile, or name an existing one."
            }
        };
        let mut m = Message::error(
            PROCESSING_ERROR,
            format!("Error loading effective site: {}", self.kind),
        )
        .with_diagnostic(diagnostic)
        .with_path(self.path.clone());
        m.documents.push(self.document.clone());
        m
    }
}

/// The effective site: what every rule checks.
#[derive(Debug)]
pub struct EffectiveSite<'a> {
    /// The design it was compiled from.
    pub design: &'a SiteDesign,
    /// Compiled nodes, in document order.
    pub nodes: Vec<EffectiveNode<'a>>,
    /// Networks, in document order, with route-domain routes.
    pub networks: Vec<EffectiveNetwork<'a>>,
    /// Links, in document order.
    pub links: Vec<EffectiveLink<'a>>,
    /// Boot actions, in document order, with their targets.
    pub boot_actions: Vec<EffectiveBootAction<'a>>,
    network_index: HashMap<&'a str, usize>,
    link_index: HashMap<&'a str, usize>,
}

impl<'a> EffectiveNode<'a> {
    /// How each slave of `interface` is found on the machine (VALIDATION.md
    /// 2.6): the hardware profile's `pci` alias of that name, else the name
    /// itself; one selector per slave, in order. Found when asked, not
    /// stored per node (no rule needs them all).
    pub fn selectors(&self, interface: &Interface<'a>) -> Vec<DeviceSelector<'a>> {
        let aliases = hardware::pci_aliases(self.hardware);
        interface
            .slaves
            .iter()
            .map(|slave| hardware::selector(&aliases, slave.value))
            .collect()
    }

    /// Its addresses (not inherited), in document order: `dhcp` has no
    /// address; an empty address is left out.
    pub fn addressing(&self) -> impl DoubleEndedIterator<Item = Address<'a>> + 'a {
        self.addressing
            .iter()
            .enumerate()
            .filter(|(_, a)| a.address.as_deref().is_some_and(|a| !a.is_empty()))
            .map(|(index, a)| {
                let dhcp = a.address.as_deref() == Some("dhcp");
                Address {
                    index,
                    network: a.network.as_deref(),
                    address: if dhcp { None } else { a.address.as_deref() },
                    dhcp,
                }
            })
    }
}

/// The items of a map in document order: by starting line, then name.
pub(crate) fn in_document_order<T>(
    items: &std::collections::BTreeMap<String, Item<T>>,
) -> Vec<&Item<T>> {
    let mut v: Vec<&Item<T>> = items.values().collect();
    v.sort_by_key(|i| i.source.line);
    v
}

impl<'a> EffectiveSite<'a> {
    /// Compiles `design`, or gives every problem that prevents it.
    pub fn compile(design: &'a SiteDesign) -> Result<Self, Vec<CompileProblem>> {
        let nodes = chain::compile_nodes(design)?;
        let mut networks: Vec<EffectiveNetwork<'a>> = in_document_order(&design.networks)
            .into_iter()
            .map(EffectiveNetwork::new)
            .collect();
        render_route_domains(&mut networks);
        let links: Vec<EffectiveLink<'a>> = in_document_order(&design.network_links)
            .into_iter()
            .map(EffectiveLink::new)
            .collect();
        let mut index = bootaction::NodeIndex::default();
        let boot_actions = in_document_order(&design.boot_actions)
            .into_iter()
            .map(|item| EffectiveBootAction {
                name: &item.name,
                doc: &item.source,
                data: &item.data,
                targets: bootaction::targets(item, &nodes, &mut index),
            })
            .collect();
        drop(index);
        Ok(EffectiveSite {
            design,
            network_index: networks
                .iter()
                .enumerate()
                .map(|(i, n)| (n.name, i))
                .collect(),
            link_index: links.iter().enumerate().map(|(i, l)| (l.name, i)).collect(),
            nodes,
            networks,
            links,
            boot_actions,
        })
    }

    /// The network called `name`.
    pub fn network(&self, name: &str) -> Option<&EffectiveNetwork<'a>> {
        self.network_index.get(name).map(|i| &self.networks[*i])
    }

    /// The link called `name`.
    pub fn link(&self, name: &str) -> Option<&EffectiveLink<'a>> {
        self.link_index.get(name).map(|i| &self.links[*i])
    }
}
