//! Boot-action targets (VALIDATION.md 2.8), computed with indexes so that
//! many boot actions over many nodes cost time linear in what they name.

use foldhash::{HashMap, HashMapExt};

use super::EffectiveNode;
use drydock_core::design::{BootAction, DocumentSource, FilterCombination, Item, NodeFilterItem};

/// The nodes a boot action targets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Targets {
    /// Every node (no node filter).
    All,
    /// These nodes, by index into [`super::EffectiveSite::nodes`], sorted.
    Nodes(Vec<usize>),
}

impl Targets {
    /// True when node `index` is targeted.
    pub fn contains(&self, index: usize) -> bool {
        match self {
            Targets::All => true,
            Targets::Nodes(n) => n.binary_search(&index).is_ok(),
        }
    }
}

/// A boot action and its targets.
#[derive(Clone, Debug, PartialEq)]
pub struct EffectiveBootAction<'a> {
    /// Name.
    pub name: &'a str,
    /// Its document.
    pub doc: &'a DocumentSource,
    /// The boot action as written.
    pub data: &'a BootAction,
    /// The nodes it targets.
    pub targets: Targets,
}

/// Indexes of the nodes by name, tag, rack and owner data, built on first use.
#[derive(Default)]
pub(super) struct NodeIndex<'n> {
    names: Option<HashMap<&'n str, usize>>,
    tags: Option<HashMap<&'n str, Vec<usize>>>,
    racks: Option<HashMap<&'n str, Vec<usize>>>,
    labels: Option<HashMap<(&'n str, &'n str), Vec<usize>>>,
}

fn build<'n, K, I>(
    nodes: &'n [EffectiveNode<'_>],
    keys: impl Fn(&'n EffectiveNode<'_>) -> I,
) -> HashMap<K, Vec<usize>>
where
    K: std::hash::Hash + Eq,
    I: Iterator<Item = K>,
{
    let mut map: HashMap<K, Vec<usize>> = HashMap::with_capacity(nodes.len());
    for (i, n) in nodes.iter().enumerate() {
        for k in keys(n) {
            map.entry(k).or_default().push(i);
        }
    }
    map
}

impl<'n> NodeIndex<'n> {
    fn lookup<K: std::hash::Hash + Eq>(
        map: &HashMap<K, Vec<usize>>,
        keys: impl Iterator<Item = K>,
    ) -> Vec<usize> {
        let mut out: Vec<usize> = keys
            .filter_map(|k| map.get(&k))
            .flatten()
            .copied()
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// One criterion's matches, or None when the filter does not give it.
    fn criteria(&mut self, nodes: &'n [EffectiveNode<'_>], f: &NodeFilterItem) -> Vec<Vec<usize>> {
        let mut found = Vec::new();
        if let Some(names) = f.node_names.as_ref().filter(|v| !v.is_empty()) {
            let map = self.names.get_or_insert_with(|| {
                nodes.iter().enumerate().map(|(i, n)| (n.name, i)).collect()
            });
            let mut matched: Vec<usize> = names
                .iter()
                .filter_map(|n| map.get(n.as_str()).copied())
                .collect();
            matched.sort_unstable();
            matched.dedup();
            found.push(matched);
        }
        if let Some(tags) = f.node_tags.as_ref().filter(|v| !v.is_empty()) {
            let map = self
                .tags
                .get_or_insert_with(|| build(nodes, |n| n.host.tags.iter().map(|t| t.value)));
            found.push(Self::lookup(map, tags.iter().map(String::as_str)));
        }
        if let Some(racks) = f.rack_names.as_ref().filter(|v| !v.is_empty()) {
            let map = self
                .racks
                .get_or_insert_with(|| build(nodes, |n| n.host.rack.iter().map(|r| r.value)));
            found.push(Self::lookup(map, racks.iter().map(String::as_str)));
        }
        if let Some(labels) = f.node_labels.as_ref().filter(|v| !v.is_empty()) {
            let map = self.labels.get_or_insert_with(|| {
                build(nodes, |n| {
                    n.host
                        .owner_data
                        .iter()
                        .map(|(k, v)| (*k, v.value.as_ref()))
                })
            });
            // Only string values can equal an owner-data value.
            let pairs = labels
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.as_str(), v)));
            found.push(Self::lookup(map, pairs));
        }
        found
    }
}

fn union(sets: impl IntoIterator<Item = Vec<usize>>) -> Vec<usize> {
    let mut out: Vec<usize> = sets.into_iter().flatten().collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn intersection(mut sets: Vec<Vec<usize>>) -> Option<Vec<usize>> {
    let mut acc = sets.pop()?;
    for s in sets {
        acc.retain(|i| s.binary_search(i).is_ok());
    }
    Some(acc)
}

/// The targets of `action` among `nodes`. Filters with no criteria, or no
/// filter type, give null, which an intersection ignores and a union treats
/// as no nodes (the original crashes on a union with a null).
pub(super) fn targets<'n>(
    action: &Item<BootAction>,
    nodes: &'n [EffectiveNode<'_>],
    index: &mut NodeIndex<'n>,
) -> Targets {
    let Some(filter) = action.data.node_filter.as_ref() else {
        return Targets::All;
    };
    let results: Vec<Option<Vec<usize>>> = filter
        .filter_set
        .iter()
        .flatten()
        .map(|f| {
            let found = index.criteria(nodes, f);
            match f.filter_type {
                Some(FilterCombination::Union) => Some(union(found)),
                Some(FilterCombination::Intersection) => intersection(found),
                None => None,
            }
        })
        .collect();
    let joined = match filter.filter_set_type {
        Some(FilterCombination::Intersection) => {
            intersection(results.into_iter().flatten().collect())
        }
        _ => Some(union(results.into_iter().flatten())),
    };
    Targets::Nodes(joined.unwrap_or_default())
}
