//! A parsed document as a tree of values that remember where they stood in the input.
//!
//! Format crates (YAML, Deckhand) build these trees; [`crate::model::build`]
//! validates them against the schema rules and turns them into the typed model.

use std::fmt;

/// A scalar's text: up to 24 bytes are kept inline, without an allocation
/// (most keys and values of a site design are that short).
pub use drydock_core::Text;

/// A position in the input, 1-based line and column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mark {
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1.
    pub column: u32,
}

impl Mark {
    /// A mark at `line`, `column` (both 1-based).
    pub fn new(line: u32, column: u32) -> Self {
        Mark { line, column }
    }
}

/// The resolved type of a scalar, YAML 1.1 style (as the original's PyYAML).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarKind {
    /// A string.
    Str,
    /// An integer.
    Int,
    /// A floating-point number.
    Float,
    /// `true` / `false` (also `yes`, `on`, … in YAML 1.1).
    Bool,
    /// `null`, `~` or empty.
    Null,
    /// A date or timestamp (`2017-02-17`).
    Timestamp,
}

/// A mapping key: always a scalar, kept with its text and resolved kind.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    /// The key as written (quotes removed).
    pub text: Text,
    /// What the key resolves to; only [`ScalarKind::Str`] keys are strings.
    pub kind: ScalarKind,
    /// Where the key stands.
    pub mark: Mark,
}

/// A value of the tree.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Null.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(Text),
    /// A date or timestamp, as written.
    Timestamp(Text),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in input order; keys are unique.
    Map(Vec<(Key, Node)>),
}

/// A value and the place it starts in the input.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where it starts.
    pub mark: Mark,
}

impl Node {
    /// A node.
    pub fn new(value: Value, mark: Mark) -> Self {
        Node { value, mark }
    }

    /// The JSON-schema type name of the value (`object`, `array`, `string`, …).
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Timestamp(_) => "timestamp",
            Value::Seq(_) => "array",
            Value::Map(_) => "object",
        }
    }

    /// The entry `key` of a mapping (string keys only).
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.kind == ScalarKind::Str && k.text == key)
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string value, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Converts into JSON; keys become their text, non-finite floats null.
    pub fn into_json(self) -> serde_json::Value {
        use serde_json::Value as J;
        match self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(b),
            Value::Int(i) => J::from(i),
            Value::Float(f) => serde_json::Number::from_f64(f).map_or(J::Null, J::Number),
            Value::Str(s) | Value::Timestamp(s) => J::String(s.into_string()),
            Value::Seq(items) => J::Array(items.into_iter().map(Node::into_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.text.into_string(), v.into_json()))
                    .collect(),
            ),
        }
    }
}

/// Short text of a value for messages: scalars as written, containers by type.
pub struct Short<'a>(pub &'a Node);

impl fmt::Display for Short<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.value {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Timestamp(s) => write!(f, "{s} (a YAML timestamp)"),
            Value::Str(s) => {
                let cut: String = s.chars().take(60).collect();
                if cut.len() < s.len() {
                    write!(f, "'{cut}…'")
                } else {
                    write!(f, "'{cut}'")
                }
            }
            Value::Seq(items) => write!(f, "an array of {} items", items.len()),
            Value::Map(entries) => write!(f, "an object of {} keys", entries.len()),
        }
    }
}

/// A field path inside a document, printed as `data.interfaces.bond0.slaves[1]`.
///
/// A chain of borrowed segments: extending it allocates nothing, and it is
/// only turned into text when a message needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Path<'a> {
    /// The first key (`data`, `spec`).
    Root(&'a str),
    /// A key below a parent.
    Key(&'a Path<'a>, &'a str),
    /// An index below a parent.
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    /// A path of one key (`data`, `spec`).
    pub fn root(key: &'a str) -> Self {
        Path::Root(key)
    }
    /// This path plus a key.
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path::Key(self, key)
    }
    /// This path plus an index.
    pub fn index(&'a self, i: usize) -> Path<'a> {
        Path::Index(self, i)
    }
}

use drydock_core::design::write_key_step;

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root(k) => write_key_step(f, k, true),
            Path::Key(parent, k) => {
                write!(f, "{parent}")?;
                write_key_step(f, k, false)
            }
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}
