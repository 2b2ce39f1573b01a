//! BootAction: files, units and package lists delivered to nodes at deployment.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::host::Extra;

/// What an asset is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetType {
    /// A systemd unit.
    Unit,
    /// A file.
    File,
    /// A list of packages to install.
    PkgList,
}

/// A step applied to an asset's location.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocationPipelineStep {
    /// Render as a template.
    Template,
}

/// A step applied to an asset's data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataPipelineStep {
    /// Base64-encode.
    Base64Encode,
    /// Render as a template.
    Template,
    /// Base64-decode.
    Base64Decode,
    /// Encode as UTF-8.
    Utf8Encode,
    /// Decode from UTF-8.
    Utf8Decode,
}

/// An asset's data: text, or (package lists) package name to version or null.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AssetData {
    /// Text.
    Text(String),
    /// Packages and versions.
    Packages(BTreeMap<String, Option<String>>),
}

/// One asset of a boot action.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Asset {
    /// What it is.
    #[serde(rename = "type")]
    pub asset_type: AssetType,
    /// Absolute path on the node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Where to fetch the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Inline data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<AssetData>,
    /// Location pipeline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_pipeline: Option<Vec<LocationPipelineStep>>,
    /// Data pipeline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_pipeline: Option<Vec<DataPipelineStep>>,
    /// Octal permission mode (`555`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<String>,
}

/// How node filters combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FilterCombination {
    /// Nodes matching all.
    Intersection,
    /// Nodes matching any.
    Union,
}

/// One node filter.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeFilterItem {
    /// How the criteria combine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter_type: Option<FilterCombination>,
    /// Node names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_names: Option<Vec<String>>,
    /// Node tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_tags: Option<Vec<String>>,
    /// Node labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_labels: Option<Extra>,
    /// Rack names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rack_names: Option<Vec<String>>,
    /// Rack labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rack_labels: Option<Extra>,
}

/// Which nodes a boot action applies to.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeFilter {
    /// How the filters combine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter_set_type: Option<FilterCombination>,
    /// The filters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter_set: Option<Vec<NodeFilterItem>>,
}

/// A BootAction.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BootAction {
    /// Whether the node reports the action's result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signaling: Option<bool>,
    /// Assets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assets: Option<Vec<Asset>>,
    /// Node filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_filter: Option<NodeFilter>,
}
