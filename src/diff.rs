//! What changed between two site designs, and between their validation reports.
//!
//! [`diff`] compares two [`SiteDesign`]s kind by kind (in [`Kind::ALL`]
//! order): the names added and removed, and for each item present in both
//! whose content differs, every changed field as a path (the way validation
//! messages write it: `addressing[1].address`, `labels["a.b"]`) with its old
//! and new value. Typed items are compared with `PartialEq` first; only the
//! ones that differ are turned into JSON and walked, so a diff of two large,
//! nearly equal designs costs little more than one equality test per item.
//!
//! An item's `source.line` is not part of the design (moving a document is
//! not a change); a changed `source.format` or `source.schema` is reported
//! as a field of that item.
//!
//! [`diff_reports`] compares two [`ValidationReport`](drydock_core::ValidationReport)s.
//!
//! Both results serialise to stable JSON (kinds in order, names sorted,
//! values as JSON values) and display one change per line for a terminal,
//! with every piece of text from the design escaped by
//! [`escape_control`](drydock_core::text::escape_control).
//!
//! ```
//! use drydock::design::{DocumentSource, Item, Network, SiteDesign};
//! use drydock::diff::diff;
//!
//! let pxe = |mtu, line| Item {
//!     name: "pxe".into(),
//!     source: DocumentSource {
//!         format: "deckhand".into(),
//!         schema: "drydock/Network/v1".into(),
//!         name: "pxe".into(),
//!         line,
//!     },
//!     data: Network { mtu: Some(mtu), ..Network::default() },
//! };
//! let (mut old, mut new) = (SiteDesign::default(), SiteDesign::default());
//! old.networks.insert("pxe".into(), pxe(1500, 1));
//! new.networks.insert("pxe".into(), pxe(9000, 40));
//! let changes = diff(&old, &new);
//! assert_eq!(changes.to_string(), "Network pxe: mtu 1500 → 9000\n");
//! assert!(serde_json::to_string(&changes)?.contains(r#""path":"mtu","old":1500,"new":9000"#));
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use serde::{Serialize, Serializer};
use serde_json::Value;

use drydock_core::SiteDesign;
use drydock_core::design::{Item, Kind, write_key_step};

mod fields;
mod human;
mod reports;
#[cfg(test)]
mod tests;

pub use reports::{BeforeAfter, ReportDiff, diff_reports};

/// One step of a [`FieldPath`]: a key of an object or an index of a list.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathSegment {
    /// A key of an object (a field or a map key).
    Key(String),
    /// An index of a list, from 0.
    Index(usize),
}

/// Where a changed field stands inside an item, e.g. `interfaces.bond0.slaves[0]`.
///
/// Displays (and serialises) as validation messages write paths, without
/// their leading `data.`: keys that are not plain identifiers are quoted
/// (`labels["a.b"]`), indexes in brackets.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FieldPath(Vec<PathSegment>);

impl FieldPath {
    /// A path of the given steps.
    pub fn new(segments: Vec<PathSegment>) -> Self {
        FieldPath(segments)
    }

    /// The steps, outermost first.
    pub fn segments(&self) -> &[PathSegment] {
        &self.0
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                PathSegment::Key(k) => write_key_step(f, k, i == 0)?,
                PathSegment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

impl Serialize for FieldPath {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// One changed field: its path and its old and new values.
///
/// A field that appeared has no `old` value; one that disappeared has no
/// `new` value (JSON leaves the key out, so absence is not confused with a
/// present `null`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldChange {
    /// Where the field stands in the item.
    pub path: FieldPath,
    /// The value before, if the field was present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// The value after, if the field is present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// An item present in both designs whose content differs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ItemChange {
    /// The item's name.
    pub name: String,
    /// Every changed field, in path order (source fields first).
    pub fields: Vec<FieldChange>,
}

/// The differences within one kind.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KindDiff {
    /// The kind.
    pub kind: Kind,
    /// Names only in the new design, sorted.
    pub added: Vec<String>,
    /// Names only in the old design, sorted.
    pub removed: Vec<String>,
    /// Items in both that differ, sorted by name.
    pub changed: Vec<ItemChange>,
}

impl KindDiff {
    /// True when nothing of this kind changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// The differences between two designs: one entry per kind that changed, in
/// [`Kind::ALL`] order.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DesignDiff {
    /// The kinds with a difference, in [`Kind::ALL`] order.
    pub kinds: Vec<KindDiff>,
}

impl DesignDiff {
    /// True when the designs are the same (source lines aside).
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// The differences of `kind`, if any.
    pub fn kind(&self, kind: Kind) -> Option<&KindDiff> {
        self.kinds.iter().find(|k| k.kind == kind)
    }
}

/// The differences from `old` to `new`: items added, removed and changed per
/// kind, and every changed field of a changed item.
pub fn diff(old: &SiteDesign, new: &SiteDesign) -> DesignDiff {
    let kinds = Kind::ALL
        .into_iter()
        .map(|kind| match kind {
            Kind::Region => diff_kind(kind, &old.region, &new.region),
            Kind::NetworkLink => diff_kind(kind, &old.network_links, &new.network_links),
            Kind::Network => diff_kind(kind, &old.networks, &new.networks),
            Kind::HardwareProfile => {
                diff_kind(kind, &old.hardware_profiles, &new.hardware_profiles)
            }
            Kind::HostProfile => diff_kind(kind, &old.host_profiles, &new.host_profiles),
            Kind::BaremetalNode => diff_kind(kind, &old.baremetal_nodes, &new.baremetal_nodes),
            Kind::Rack => diff_kind(kind, &old.racks, &new.racks),
            Kind::BootAction => diff_kind(kind, &old.boot_actions, &new.boot_actions),
        })
        .filter(|k| !k.is_empty())
        .collect();
    DesignDiff { kinds }
}

fn diff_kind<T: PartialEq + Serialize>(
    kind: Kind,
    old: &BTreeMap<String, Item<T>>,
    new: &BTreeMap<String, Item<T>>,
) -> KindDiff {
    let mut out = KindDiff {
        kind,
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
    };
    // One ordered pass over both maps (names are sorted in each).
    let (mut old, mut new) = (old.iter().peekable(), new.iter().peekable());
    loop {
        let order = match (old.peek(), new.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((a, _)), Some((b, _))) => a.cmp(b),
        };
        match order {
            Ordering::Less => out.removed.extend(old.next().map(|(name, _)| name.clone())),
            Ordering::Greater => out.added.extend(new.next().map(|(name, _)| name.clone())),
            Ordering::Equal => {
                if let (Some((name, before)), Some((_, after))) = (old.next(), new.next())
                    && let Some(change) = item_change(name, before, after)
                {
                    out.changed.push(change);
                }
            }
        }
    }
    out
}

/// The changed fields of an item, or `None` when it is unchanged (its line aside).
fn item_change<T: PartialEq + Serialize>(
    name: &str,
    old: &Item<T>,
    new: &Item<T>,
) -> Option<ItemChange> {
    let (os, ns) = (&old.source, &new.source);
    if old.data == new.data && os.format == ns.format && os.schema == ns.schema {
        return None;
    }
    let mut changes = Vec::new();
    for (key, before, after) in [
        ("format", &os.format, &ns.format),
        ("schema", &os.schema, &ns.schema),
    ] {
        if before != after {
            changes.push(FieldChange {
                path: FieldPath::new(vec![
                    PathSegment::Key("source".to_owned()),
                    PathSegment::Key(key.to_owned()),
                ]),
                old: Some(Value::String(before.to_string())),
                new: Some(Value::String(after.to_string())),
            });
        }
    }
    if old.data != new.data {
        fields::changed_fields(&to_json(&old.data), &to_json(&new.data), &mut changes);
    }
    (!changes.is_empty()).then(|| ItemChange {
        name: name.to_owned(),
        fields: changes,
    })
}

/// The model's types serialise infallibly (string keys, no custom
/// serialisers), so the fallback is never taken.
fn to_json<T: Serialize>(data: &T) -> Value {
    serde_json::to_value(data).unwrap_or_default()
}
