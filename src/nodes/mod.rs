//! The node inventory behind `GET /api/v1.0/nodes`: a [`NodeSource`] says
//! which machines exist and their state, in the original's shape
//! ([`NodeInfo`]). The original asks MAAS (`GET /MAAS/api/2.0/machines/`);
//! a crate adds such a live source by registering it through `inventory`,
//! as drivers and action handlers register, and configuration picks one by
//! name (`[api] node_source`, default `design`):
//!
//! ```no_run
//! use drydock::nodes::{NodeContext, NodeInfo, NodeSource, NodeSourceError, NodeSourceRegistration};
//!
//! #[derive(Debug)]
//! struct Maas;
//!
//! #[drydock::async_trait]
//! impl NodeSource for Maas {
//!     async fn nodes(&self, _context: &NodeContext<'_>) -> Result<Vec<NodeInfo>, NodeSourceError> {
//!         // Ask MAAS; a source that does not answer is `Unavailable` (503, retry).
//!         Ok(vec![NodeInfo::named("n1")])
//!     }
//! }
//!
//! inventory::submit! {
//!     NodeSourceRegistration { name: "maas", source: &Maas }
//! }
//! ```
//!
//! Built in: `design` ([`DesignNodes`]), the nodes of the newest stored
//! design with their build-data status.

mod design;

use drydock_store::{Store, StoreError};
use serde::Serialize;

use crate::config::Config;

pub use design::DesignNodes;

/// The built-in source's name, the default of `[api] node_source`.
pub use crate::config::DEFAULT_NODE_SOURCE;

/// One machine as the original's `GET /nodes` lists it (MAAS's view).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NodeInfo {
    /// The node's name.
    pub hostname: String,
    /// Memory in MiB, if the source knows.
    pub memory: Option<u64>,
    /// Processors, if the source knows.
    pub cpu_count: Option<u32>,
    /// The source's status (MAAS: `Ready`, `Deployed`, …).
    pub status_name: String,
    /// The MAC address the node boots from, if known.
    pub boot_mac: Option<String>,
    /// `on`, `off` or `unknown`.
    pub power_state: String,
    /// The out-of-band (power) address, if known.
    pub power_address: Option<String>,
    /// The address on the node's primary network, if known.
    pub boot_ip: Option<String>,
}

impl NodeInfo {
    /// A node named `hostname`, nothing else known (status and power `unknown`).
    pub fn named(hostname: impl Into<String>) -> Self {
        NodeInfo {
            hostname: hostname.into(),
            status_name: "unknown".into(),
            power_state: "unknown".into(),
            ..NodeInfo::default()
        }
    }
}

/// What a source is given: the configuration, the resolver and the store
/// of the server asking.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct NodeContext<'a> {
    /// The configuration in effect.
    pub config: &'a Config,
    /// The resolver for design references.
    pub resolver: &'a drydock_core::Resolver,
    /// The store.
    pub store: &'a Store,
}

impl<'a> NodeContext<'a> {
    /// The context of a program with this configuration, resolver and store.
    pub fn new(config: &'a Config, resolver: &'a drydock_core::Resolver, store: &'a Store) -> Self {
        NodeContext {
            config,
            resolver,
            store,
        }
    }
}

/// Why a source could not list its nodes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NodeSourceError {
    /// The source did not answer (try again): 503.
    #[error("the node source {source_name} is unavailable: {reason}")]
    Unavailable {
        /// The source's registered name.
        source_name: String,
        /// Why, without credentials.
        reason: String,
    },
    /// What the source reads cannot be listed (a stored design whose nodes
    /// do not compile): 409.
    #[error("{reason}")]
    Conflict {
        /// Why.
        reason: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Lists the machines of the site.
#[drydock_core::async_trait]
pub trait NodeSource: Send + Sync + std::fmt::Debug + 'static {
    /// Every node, in the source's order.
    async fn nodes(&self, context: &NodeContext<'_>) -> Result<Vec<NodeInfo>, NodeSourceError>;
}

/// A source's registration: submit one with `inventory::submit!` from the
/// crate that provides it (the program must link the crate: `use it as _;`).
#[derive(Debug)]
pub struct NodeSourceRegistration {
    /// The name `[api] node_source` selects it by.
    pub name: &'static str,
    /// The source.
    pub source: &'static dyn NodeSource,
}

inventory::collect!(NodeSourceRegistration);

inventory::submit! {
    NodeSourceRegistration { name: DEFAULT_NODE_SOURCE, source: &DesignNodes }
}

/// The registered sources' names, sorted.
pub fn node_sources() -> Vec<&'static str> {
    let mut names: Vec<&str> = inventory::iter::<NodeSourceRegistration>
        .into_iter()
        .map(|r| r.name)
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The source named `name`; [`crate::Error::Config`] about `[api]` naming
/// the registered ones when none is (or when two crates register it).
pub fn node_source(name: &str, config: &Config) -> crate::Result<&'static dyn NodeSource> {
    let mut found = inventory::iter::<NodeSourceRegistration>
        .into_iter()
        .filter(|r| r.name == name);
    let reason = match (found.next(), found.next()) {
        (Some(one), None) => return Ok(one.source),
        (Some(_), Some(_)) => format!("node_source {name:?} is registered by more than one crate"),
        (None, _) => format!(
            "node_source {:?} is not a registered node source (registered: {})",
            crate::text::escape_control(name),
            node_sources().join(", ")
        ),
    };
    Err(crate::Error::Config {
        section: "api".into(),
        origin: config.origin(),
        reason,
    })
}
