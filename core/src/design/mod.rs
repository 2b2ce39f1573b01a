//! The site-design model. (Typed model: see the site-design model issue.)

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A whole site design: every item keyed by kind and name, serialised deterministically.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SiteDesign {
    /// Region (site) documents by name.
    pub region: BTreeMap<String, serde_json::Value>,
    /// NetworkLink documents by name.
    pub network_links: BTreeMap<String, serde_json::Value>,
    /// Network documents by name.
    pub networks: BTreeMap<String, serde_json::Value>,
    /// HardwareProfile documents by name.
    pub hardware_profiles: BTreeMap<String, serde_json::Value>,
    /// HostProfile documents by name.
    pub host_profiles: BTreeMap<String, serde_json::Value>,
    /// BaremetalNode documents by name.
    pub baremetal_nodes: BTreeMap<String, serde_json::Value>,
    /// Rack documents by name.
    pub racks: BTreeMap<String, serde_json::Value>,
    /// BootAction documents by name.
    pub boot_actions: BTreeMap<String, serde_json::Value>,
}
