//! The original's node filter (`orchestrator.py` `process_node_filter`):
//! which nodes of a design a filter set selects. `POST /nodefilter` and a
//! task's `node_filter` use it; so can any caller of the library.

use std::collections::BTreeSet;

use drydock_rules::effective::EffectiveNode;
use serde::Deserialize;
use serde_json::{Map, Value};

/// How results combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Combination {
    /// Nodes any part selects.
    Union,
    /// Nodes every part selects.
    Intersection,
}

/// One filter: criteria combined by `filter_type`. Empty criteria count as
/// absent, as in the original.
#[derive(Clone, Debug, Deserialize)]
pub struct Filter {
    /// How the criteria combine.
    pub filter_type: Combination,
    /// Nodes with one of these names.
    #[serde(default)]
    pub node_names: Option<Vec<String>>,
    /// Nodes with one of these tags.
    #[serde(default)]
    pub node_tags: Option<Vec<String>>,
    /// Nodes whose owner data has one of these key/value pairs.
    #[serde(default)]
    pub node_labels: Option<Map<String, Value>>,
    /// Nodes in one of these racks.
    #[serde(default)]
    pub rack_names: Option<Vec<String>>,
    /// Not implemented by the original either: every node.
    #[serde(default)]
    pub rack_labels: Option<Map<String, Value>>,
}

/// A filter set: filters combined by `filter_set_type`.
#[derive(Clone, Debug, Deserialize)]
pub struct NodeFilter {
    /// How the filters' results combine.
    pub filter_set_type: Combination,
    /// The filters.
    #[serde(default)]
    pub filter_set: Vec<Filter>,
}

impl NodeFilter {
    /// The filter set in `value` (the original's JSON), or why it is not one.
    pub fn from_value(value: &Value) -> Result<Self, serde_json::Error> {
        serde_json::from_value(value.clone())
    }

    /// The indexes of the nodes selected, in the nodes' order.
    pub fn select(&self, nodes: &[EffectiveNode<'_>]) -> Vec<usize> {
        let sets: Vec<BTreeSet<usize>> = self.filter_set.iter().map(|f| f.select(nodes)).collect();
        combine(self.filter_set_type, sets).into_iter().collect()
    }
}

impl Filter {
    fn select(&self, nodes: &[EffectiveNode<'_>]) -> BTreeSet<usize> {
        let pick = |keep: &dyn Fn(&EffectiveNode<'_>) -> bool| -> BTreeSet<usize> {
            nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| keep(n))
                .map(|(i, _)| i)
                .collect()
        };
        let mut found = Vec::new();
        if let Some(names) = self.node_names.as_ref().filter(|v| !v.is_empty()) {
            found.push(pick(&|n| names.iter().any(|x| x == n.name)));
        }
        if let Some(tags) = self.node_tags.as_ref().filter(|v| !v.is_empty()) {
            found.push(pick(&|n| {
                n.host
                    .tags
                    .iter()
                    .any(|t| tags.iter().any(|x| x == t.value))
            }));
        }
        if let Some(racks) = self.rack_names.as_ref().filter(|v| !v.is_empty()) {
            found.push(pick(&|n| {
                n.host
                    .rack
                    .is_some_and(|r| racks.iter().any(|x| x == r.value))
            }));
        }
        if let Some(labels) = self.node_labels.as_ref().filter(|v| !v.is_empty()) {
            found.push(pick(&|n| {
                labels.iter().any(|(k, v)| {
                    n.host
                        .owner_data
                        .iter()
                        .any(|(key, value)| key == k && v.as_str() == Some(value.value.as_ref()))
                })
            }));
        }
        if self.rack_labels.as_ref().is_some_and(|v| !v.is_empty()) {
            found.push((0..nodes.len()).collect());
        }
        combine(self.filter_type, found)
    }
}

/// Union or intersection of `sets`; nothing for no sets.
fn combine(how: Combination, sets: Vec<BTreeSet<usize>>) -> BTreeSet<usize> {
    let mut sets = sets.into_iter();
    let Some(first) = sets.next() else {
        return BTreeSet::new();
    };
    sets.fold(first, |acc, s| match how {
        Combination::Union => acc.union(&s).copied().collect(),
        Combination::Intersection => acc.intersection(&s).copied().collect(),
    })
}
