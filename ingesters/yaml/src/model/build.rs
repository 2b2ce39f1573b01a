//! Document to model: the part both ingesters share.
//!
//! A format crate finds each document's kind, name and data node and calls
//! [`build_item`] (or returns an [`Outcome`] such as [`document_error`]); an
//! [`Assembler`] then gathers the outcomes, in input order, into an
//! [`Ingested`]: the design, the validation report and the summary.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use serde::de::DeserializeOwned;

use super::pending::Pending;
use super::schemas;
use super::validate::{Violation, Violations};
use super::value::{Node, Path, ScalarKind, Value};
use drydock_core::design::{DocumentSource, Item, Kind};
use drydock_core::report::bound::MessageBound;
use drydock_core::report::{
    Level, Message, PROCESSING_ERROR, SCHEMA_VIOLATION, Status, ValidationReport,
};
use drydock_core::{IngestSummary, Ingested, Text};

/// At most this many schema messages are reported for one document.
pub const MAX_VIOLATIONS_PER_DOCUMENT: usize = 50;

/// A built item of any kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Built {
    /// A Region.
    Region(Item<drydock_core::design::Region>),
    /// A NetworkLink.
    NetworkLink(Item<drydock_core::design::NetworkLink>),
    /// A Network.
    Network(Item<drydock_core::design::Network>),
    /// A HardwareProfile.
    HardwareProfile(Item<drydock_core::design::HardwareProfile>),
    /// A HostProfile.
    HostProfile(Item<drydock_core::design::HostProfile>),
    /// A BaremetalNode.
    BaremetalNode(Item<drydock_core::design::BaremetalNode>),
    /// A Rack.
    Rack(Item<drydock_core::design::Rack>),
    /// A BootAction.
    BootAction(Item<drydock_core::design::BootAction>),
}

/// What one document turned out to be.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// A valid item, with any warnings.
    Item(Box<Built>, Vec<Message>),
    /// An invalid drydock document (or unreadable input): its messages.
    Invalid(Vec<Message>),
    /// A document of another namespace, counted under this key.
    Skipped(String),
    /// An empty document (`---` with nothing after it).
    Empty,
}

/// Validates `data` (the document's `data` or `spec`, named by `root`) against
/// the schema of `kind` and builds the typed item.
pub fn build_item(kind: Kind, source: DocumentSource, data: Node, root: &str) -> Outcome {
    let path = Path::root(root);
    let mut violations = Violations::new(MAX_VIOLATIONS_PER_DOCUMENT);
    schemas::schema(kind).validate(&data, &path, &mut violations);
    if kind == Kind::BootAction {
        check_package_lists(&data, &path, &mut violations);
    }
    let mut messages = violation_messages(&source, violations);
    if messages.iter().any(|m| m.level == Level::Error) {
        return Outcome::Invalid(messages);
    }
    let name = source.name.clone();
    let built = match kind {
        Kind::Region => typed(data, name, source).map(Built::Region),
        Kind::NetworkLink => typed(data, name, source).map(Built::NetworkLink),
        Kind::Network => typed(data, name, source).map(Built::Network),
        Kind::HardwareProfile => typed(data, name, source).map(Built::HardwareProfile),
        Kind::HostProfile => typed(data, name, source).map(Built::HostProfile),
        Kind::BaremetalNode => typed(data, name, source).map(Built::BaremetalNode),
        Kind::Rack => typed(data, name, source).map(Built::Rack),
        Kind::BootAction => typed(data, name, source).map(Built::BootAction),
    };
    match built {
        Ok(b) => Outcome::Item(Box::new(b), messages),
        Err((source, e)) => {
            messages.push(model_error(&source, &e));
            Outcome::Invalid(messages)
        }
    }
}

fn typed<T: DeserializeOwned>(
    data: Node,
    name: Text,
    source: DocumentSource,
) -> Result<Item<T>, (DocumentSource, serde::de::value::Error)> {
    match T::deserialize(data) {
        Ok(data) => Ok(Item { name, source, data }),
        Err(e) => Err((source, e)),
    }
}

fn model_error(source: &DocumentSource, e: &serde::de::value::Error) -> Message {
    Message::error(
        PROCESSING_ERROR,
        format!("Error processing document {}: {e}", source.name),
    )
    .with_diagnostic("The document passed the schema but does not fit the model.")
    .at(u64::from(source.line), 1)
    .about(source.schema.clone(), source.name.clone())
}

/// A package list's names must be strings: the original rejects e.g. an unquoted
/// `0xffff`, which YAML 1.1 reads as the integer 65535.
fn check_package_lists(data: &Node, path: &Path<'_>, out: &mut Violations) {
    let Some(Value::Seq(assets)) = data.get("assets").map(|n| &n.value) else {
        return;
    };
    for (i, asset) in assets.iter().enumerate() {
        if asset.get("type").and_then(Node::as_str) != Some("pkg_list") {
            continue;
        }
        let Some(Value::Map(pkgs)) = asset.get("data").map(|n| &n.value) else {
            if asset.get("location").is_none() {
                let assets = path.key("assets");
                out.push(Violation {
                    level: Level::Error,
                    path: assets.index(i).to_string(),
                    mark: asset.mark,
                    message:
                        "a pkg_list asset needs a mapping of packages in 'data' or a 'location'"
                            .to_owned(),
                });
            }
            continue;
        };
        for (key, _) in pkgs.iter().filter(|(k, _)| k.kind != ScalarKind::Str) {
            out.push(Violation {
                level: Level::Error,
                path: path
                    .key("assets")
                    .index(i)
                    .key("data")
                    .key(&key.text)
                    .to_string(),
                mark: key.mark,
                message: format!(
                    "package name {} is not a string (YAML 1.1 reads it as {}); quote it",
                    key.text,
                    match key.kind {
                        ScalarKind::Int => "an integer",
                        ScalarKind::Float => "a float",
                        ScalarKind::Bool => "a boolean",
                        ScalarKind::Null => "null",
                        _ => "a timestamp",
                    }
                ),
            });
        }
    }
}

fn violation_messages(source: &DocumentSource, violations: Violations) -> Vec<Message> {
    let errors = violations.errors;
    let mut out: Vec<Message> = violations
        .list
        .into_iter()
        .map(|v| Message {
            code: SCHEMA_VIOLATION.into(),
            level: v.level,
            message: format!(
                "{} schema validation error at {}: {}",
                source.schema, v.path, v.message
            ),
            diagnostic: Some(format!(
                "Review {} of '{}' (line {}, column {}) against the {} schema.{}",
                v.path,
                source.name,
                v.mark.line,
                v.mark.column,
                source.schema,
                if v.message.ends_with("is not of type 'string'") {
                    " Quote the value to make it a string (YAML 1.1 reads yes/no/on/off, numbers and dates as other types)."
                } else {
                    ""
                }
            )),
            path: Some(v.path.into()),
            location: Some(drydock_core::report::Location {
                line: u64::from(v.mark.line),
                column: u64::from(v.mark.column),
            }),
            documents: vec![doc_ref(source)],
            origin: None,
            omitted: None,
        })
        .collect();
    let shown = out.iter().filter(|m| m.level == Level::Error).count();
    if errors > shown {
        out.push(
            Message::error(
                SCHEMA_VIOLATION,
                format!("{} more schema violations in this document", errors - shown),
            )
            .about(source.schema.clone(), source.name.clone()),
        );
    }
    out
}

fn doc_ref(source: &DocumentSource) -> drydock_core::report::DocumentRef {
    drydock_core::report::DocumentRef {
        schema: source.schema.clone(),
        name: source.name.clone(),
    }
}

/// A processing error (`DD000`) about one document, located at `node`.
pub fn document_error(
    schema: &str,
    name: &str,
    mark: super::value::Mark,
    message: impl Into<String>,
    diagnostic: impl Into<String>,
) -> Outcome {
    Outcome::Invalid(vec![
        Message::error(PROCESSING_ERROR, message)
            .with_diagnostic(diagnostic)
            .at(u64::from(mark.line), u64::from(mark.column))
            .about(schema, name),
    ])
}

/// Collects document outcomes, in input order, into an [`Ingested`]; the
/// report keeps the first [`drydock_core::report::MAX_MESSAGES_PER_KIND`]
/// messages of each kind and counts the rest (see
/// [`drydock_core::report::bound`]).
#[derive(Debug)]
pub struct Assembler {
    items: Pending,
    report: ValidationReport,
    bound: MessageBound<usize>,
    summary: IngestSummary,
    first_seen: HashMap<(Kind, Text), u32>,
}

impl Assembler {
    /// An empty assembler for the ingester named `ingester`.
    pub fn new(ingester: &str) -> Self {
        Assembler {
            items: Pending::default(),
            report: ValidationReport::default(),
            bound: MessageBound::default(),
            summary: IngestSummary {
                ingester: ingester.to_owned(),
                ..IngestSummary::default()
            },
            first_seen: HashMap::new(),
        }
    }

    /// Makes room for the items of `outcomes` (the documents about to be
    /// added), so that collecting them copies none of them again.
    pub fn expect<'o>(&mut self, outcomes: impl Iterator<Item = &'o Outcome>) {
        self.items.reserve(outcomes.filter_map(|o| match o {
            Outcome::Item(built, _) => Some(&**built),
            _ => None,
        }));
    }

    /// Adds the outcome of one document.
    pub fn add(&mut self, outcome: Outcome) {
        self.summary.documents += 1;
        match outcome {
            Outcome::Item(built, warnings) => {
                for m in warnings {
                    self.push(m);
                }
                self.insert(*built);
            }
            Outcome::Invalid(messages) => {
                for m in messages {
                    self.push(m);
                }
            }
            Outcome::Skipped(key) => *self.summary.skipped.entry(key).or_default() += 1,
            Outcome::Empty => {
                self.summary.documents -= 1;
            }
        }
    }

    /// Adds a message about the input as a whole (not one document).
    pub fn push(&mut self, message: Message) {
        if message.level == Level::Error {
            self.report.status = Status::Failure;
        }
        self.bound.push(&mut self.report.messages, message);
    }

    fn insert(&mut self, built: Built) {
        let (kind, name, source) = built.identity();
        if self.claim(kind, name, source) {
            self.items.push(built);
        }
    }

    /// Records `kind`/`name`; a second document of the same kind and name is an error.
    fn claim(&mut self, kind: Kind, name: &Text, source: &DocumentSource) -> bool {
        // A name is short: its copy as a key is inline, not an allocation.
        let first = match self.first_seen.entry((kind, name.clone())) {
            Entry::Occupied(first) => *first.get(),
            Entry::Vacant(entry) => {
                entry.insert(source.line);
                match self.summary.per_kind.get_mut(kind.as_str()) {
                    Some(count) => *count += 1,
                    None => {
                        self.summary.per_kind.insert(kind.as_str().to_owned(), 1);
                    }
                }
                return true;
            }
        };
        self.push(
            Message::error(
                PROCESSING_ERROR,
                format!(
                    "Duplicate {kind} '{name}': already defined by the document at line {first}"
                ),
            )
            .with_diagnostic("Each item must be defined once; remove or rename one of them.")
            .at(u64::from(source.line), 1)
            .about(source.schema.clone(), name.as_str()),
        );
        false
    }

    /// The result.
    pub fn finish(mut self) -> Ingested {
        let design = std::mem::take(&mut self.items).into_design();
        if design.region.len() > 1 {
            let names = design.names(Kind::Region).join(", ");
            self.push(Message {
                level: Level::Warning,
                ..Message::error(PROCESSING_ERROR, format!("More than one Region: {names}"))
                    .with_diagnostic("A site design normally has exactly one Region.")
            });
        }
        self.bound.finish(&mut self.report.messages);
        Ingested {
            design,
            report: self.report,
            summary: self.summary,
        }
    }
}
