//! The original's inheritance primitives (VALIDATION.md 2.3-2.5), child over parent.
//!
//! Lookups switch from linear scans to hash sets once lists grow, so a hostile
//! profile with thousands of entries costs linear time, not quadratic.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use super::Traced;

/// Above this many comparisons a merge indexes with a hash set.
const LINEAR_LIMIT: usize = 64;

/// A value the `!` marker (or `-1`) unsets when a child writes it.
pub trait Unset {
    /// True for the marker.
    fn is_unset(&self) -> bool;
}

impl Unset for &str {
    fn is_unset(&self) -> bool {
        *self == "!"
    }
}

impl Unset for std::borrow::Cow<'_, str> {
    fn is_unset(&self) -> bool {
        self.as_ref() == "!"
    }
}

impl Unset for i64 {
    fn is_unset(&self) -> bool {
        *self == -1
    }
}

impl Unset for bool {
    fn is_unset(&self) -> bool {
        false
    }
}

/// Scalar: child null -> parent; child `!` (or -1) -> null; else child.
pub(crate) fn scalar<'a, T: Unset + Clone>(
    child: &Option<Traced<'a, T>>,
    parent: &Option<Traced<'a, T>>,
) -> Option<Traced<'a, T>> {
    match child {
        Some(c) if c.value.is_unset() => None,
        Some(c) => Some(c.clone()),
        None => parent.clone(),
    }
}

/// String list: child entries not starting with `!` (child order, duplicates
/// kept), then parent entries neither negated by `!<entry>` in the child nor
/// equal to a kept child entry (parent order, duplicates kept).
pub(crate) fn list<'a>(
    child: Vec<Traced<'a, &'a str>>,
    parent: &[Traced<'a, &'a str>],
) -> Vec<Traced<'a, &'a str>> {
    if child.is_empty() {
        return parent.to_vec();
    }
    let mut out = Vec::with_capacity(child.len() + parent.len());
    out.extend(child.iter().filter(|c| !c.value.starts_with('!')));
    if child.len() * parent.len() <= LINEAR_LIMIT {
        out.extend(parent.iter().filter(|p| {
            !child
                .iter()
                .any(|c| negates(c.value, p.value) || c.value == p.value)
        }));
    } else {
        let negated: HashSet<&str> = child
            .iter()
            .filter_map(|c| c.value.strip_prefix('!'))
            .collect();
        let present: HashSet<&str> = child.iter().map(|c| c.value).collect();
        out.extend(
            parent
                .iter()
                .filter(|p| !negated.contains(p.value) && !present.contains(p.value)),
        );
    }
    out
}

fn negates(child: &str, parent: &str) -> bool {
    child.strip_prefix('!') == Some(parent)
}

/// A string-keyed map in insertion order (parent keys first, as Python's dict).
pub type Map<'a, V> = Vec<(&'a str, Traced<'a, V>)>;

/// The value under `key`, if any.
pub fn get<'m, 'a, V>(map: &'m [(&'a str, Traced<'a, V>)], key: &str) -> Option<&'m Traced<'a, V>> {
    map.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
}

/// String map: parent keys (parent order) except those whose `!<key>` is a
/// child key, then child keys not starting with `!`; a child value replaces the
/// parent's in place. Shallow.
pub(crate) fn map<'a, V: Clone>(
    child: Map<'a, V>,
    parent: &[(&'a str, Traced<'a, V>)],
) -> Map<'a, V> {
    if child.is_empty() {
        return parent.to_vec();
    }
    let large = child.len() * parent.len() > LINEAR_LIMIT;
    let removed = |key: &str| match large {
        true => false,
        false => child.iter().any(|(k, _)| negates(k, key)),
    };
    let negated: HashSet<&str> = match large {
        true => child
            .iter()
            .filter_map(|(k, _)| k.strip_prefix('!'))
            .collect(),
        false => HashSet::new(),
    };
    let mut out: Map<'a, V> = parent
        .iter()
        .filter(|(k, _)| !removed(k) && !negated.contains(k))
        .cloned()
        .collect();
    let mut position: HashMap<&str, usize> = match large {
        true => out.iter().enumerate().map(|(i, (k, _))| (*k, i)).collect(),
        false => HashMap::new(),
    };
    for (key, value) in child.into_iter().filter(|(k, _)| !k.starts_with('!')) {
        let at = match large {
            true => position.get(key).copied(),
            false => out.iter().position(|(k, _)| *k == key),
        };
        match at {
            Some(i) => out[i].1 = value,
            None => {
                position.insert(key, out.len());
                out.push((key, value));
            }
        }
    }
    out
}

/// An entry of a list merged by name: interfaces, devices, partitions,
/// volume groups, logical volumes. Nameless entries never match.
pub trait Keyed {
    /// The entry's name.
    fn key(&self) -> Option<&str>;
}

/// Keyed merge, the interfaces' algorithm (correct in the original) that the
/// storage lists follow too as VALIDATION.md 2.5 recommends: child empty ->
/// parent; parent empty -> child entries not named `!...`; else per parent
/// entry in order a child `!<name>` removes it, a same-named child yields
/// `merge(child, parent)`, otherwise it is kept; then child-only entries not
/// named `!...` are appended.
pub(crate) fn keyed<T, F>(mut child: Vec<T>, parent: &[T], merge: F) -> Vec<T>
where
    T: Keyed + Clone,
    F: Fn(&T, &T) -> T,
{
    let bang = |t: &T| t.key().is_some_and(|k| k.starts_with('!'));
    if child.is_empty() {
        return parent.to_vec();
    }
    if parent.is_empty() {
        child.retain(|c| !bang(c));
        return child;
    }
    // The first child entry naming a parent entry decides: `!name` removes, `name` merges.
    let large = child.len() * parent.len() > LINEAR_LIMIT;
    let mut first: HashMap<(&str, bool), usize> = HashMap::new();
    if large {
        for (i, c) in child.iter().enumerate() {
            if let Some(k) = c.key() {
                let entry = k.strip_prefix('!').map_or((k, false), |n| (n, true));
                first.entry(entry).or_insert(i);
            }
        }
    }
    let decide = |name: &str| -> Option<(usize, bool)> {
        if large {
            let merged = first.get(&(name, false)).map(|i| (*i, false));
            let removed = first.get(&(name, true)).map(|i| (*i, true));
            return merged.into_iter().chain(removed).min();
        }
        child.iter().enumerate().find_map(|(i, c)| match c.key() {
            Some(k) if k == name => Some((i, false)),
            Some(k) if negates(k, name) => Some((i, true)),
            _ => None,
        })
    };
    let mut out = Vec::with_capacity(parent.len() + child.len());
    for p in parent {
        match p.key().and_then(&decide) {
            Some((_, true)) => {}
            Some((m, false)) => out.push(merge(&child[m], p)),
            None => out.push(p.clone()),
        }
    }
    let parent_names: HashSet<&str> = match large {
        true => parent.iter().filter_map(Keyed::key).collect(),
        false => HashSet::new(),
    };
    let in_parent = |k: &str| match large {
        true => parent_names.contains(k),
        false => parent.iter().any(|p| p.key() == Some(k)),
    };
    out.extend(
        child
            .into_iter()
            .filter(|c| !bang(c) && c.key().is_none_or(|k| !in_parent(k))),
    );
    out
}
