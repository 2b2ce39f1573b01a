//! Region (the site), Rack and HardwareProfile.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::host::Extra;

/// How a node tag is defined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TagDefinitionType {
    /// An XPath over `lshw` output.
    #[serde(rename = "lshw_xpath")]
    LshwXpath,
}

/// A node tag definition.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TagDefinition {
    /// The tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Definition type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition_type: Option<TagDefinitionType>,
    /// The definition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
}

/// Package repository type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RepoType {
    /// Debian/Ubuntu.
    Apt,
    /// RPM.
    Rpm,
}

/// A package repository.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Repository {
    /// Type.
    pub repo_type: RepoType,
    /// URL.
    pub url: String,
    /// Distributions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distributions: Option<Vec<String>>,
    /// Sub-repositories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subrepos: Option<Vec<String>>,
    /// Components.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub components: Option<Vec<String>>,
    /// Signing key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpgkey: Option<String>,
    /// Architectures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arches: Option<Vec<String>>,
    /// Options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<BTreeMap<String, String>>,
}

/// The repositories of a site.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Repositories {
    /// Remove repositories not listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_unlisted: Option<bool>,
    /// Repositories by name.
    #[serde(flatten)]
    pub repos: BTreeMap<String, Repository>,
}

/// The Region: the site itself.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Region {
    /// Node tag definitions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_definitions: Option<Vec<TagDefinition>>,
    /// SSH keys authorized on every node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorized_keys: Option<Vec<String>>,
    /// Package repositories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repositories: Option<Repositories>,
}

/// A top-of-rack switch.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TorSwitch {
    /// Management address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mgmt_ip: Option<String>,
    /// SDN API URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdn_api_uri: Option<String>,
    /// Other keys.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Where a rack stands.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RackLocation {
    /// CLLI code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clli: Option<String>,
    /// Grid reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grid: Option<String>,
    /// Other keys.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A Rack.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Rack {
    /// Top-of-rack switches by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tor_switches: Option<BTreeMap<String, TorSwitch>>,
    /// Location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<RackLocation>,
    /// Networks wholly inside this rack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_networks: Option<Vec<String>>,
    /// Labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Extra>,
}

/// Firmware boot mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BootMode {
    /// Legacy BIOS.
    Bios,
    /// UEFI.
    Uefi,
}

/// How a node boots for deployment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BootstrapProtocol {
    /// Network boot.
    Pxe,
    /// USB.
    Usb,
    /// Local disk.
    Hdd,
}

/// A hugepage pool.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Hugepages {
    /// Page size (`1G`, `2M`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// Number of pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    /// Other keys.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A HardwareProfile: the facts of one server model.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HardwareProfile {
    /// Vendor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// Generation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<String>,
    /// Hardware version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hw_version: Option<String>,
    /// BIOS version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bios_version: Option<String>,
    /// Boot mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boot_mode: Option<BootMode>,
    /// Bootstrap protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bootstrap_protocol: Option<BootstrapProtocol>,
    /// OOB interface used for PXE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pxe_interface: Option<i64>,
    /// Device aliases (free-form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_aliases: Option<Extra>,
    /// CPU sets by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_sets: Option<BTreeMap<String, String>>,
    /// Hugepage pools by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hugepages: Option<BTreeMap<String, Hugepages>>,
}
