//! The validation report an ingester returns beside the design.

use serde::{Deserialize, Serialize};

use crate::text::Text;

pub mod bound;

pub use bound::MAX_MESSAGES_PER_KIND;

/// Code of a schema violation.
pub const SCHEMA_VIOLATION: &str = "DD001";
/// Code of a processing error (unparseable input, unknown kind, …).
pub const PROCESSING_ERROR: &str = "DD000";

/// Overall outcome of validation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// No error-level message.
    Success,
    /// At least one error-level message.
    Failure,
}

/// Severity of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// For information.
    Info,
    /// Suspicious but accepted.
    Warning,
    /// The design is invalid.
    Error,
}

/// A document a message refers to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DocumentRef {
    /// The document's schema (`drydock/Network/v1`) or kind (`Network`).
    pub schema: Text,
    /// The document's name.
    pub name: Text,
}

/// A position in the input, 1-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Line, from 1.
    pub line: u64,
    /// Column, from 1.
    pub column: u64,
}

/// One problem (or note) found while ingesting.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// `DD001` (schema violation) or `DD000` (processing error).
    pub code: Text,
    /// Severity.
    pub level: Level,
    /// What is wrong.
    pub message: String,
    /// How to fix it, or more detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnostic: Option<String>,
    /// The field path inside the document, e.g. `data.interfaces.bond0.slaves[1]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<Text>,
    /// Where in the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The documents concerned.
    pub documents: Vec<DocumentRef>,
    /// The document that wrote the offending value when it is not the first
    /// of `documents` (a value a node inherited from a host profile); `path`
    /// and `location` are then inside this document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<DocumentRef>,
    /// Set on the one summary of a kind of message (code and level) that
    /// had more than [`MAX_MESSAGES_PER_KIND`]: how many of that kind it
    /// stands for, left out of the report (see [`bound`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub omitted: Option<u64>,
}

impl Message {
    /// An error-level message.
    pub fn error(code: &str, message: impl Into<String>) -> Self {
        Message::new(code, Level::Error, message)
    }
    /// A message of any level.
    pub fn new(code: &str, level: Level, message: impl Into<String>) -> Self {
        Message {
            code: code.into(),
            level,
            message: message.into(),
            diagnostic: None,
            path: None,
            location: None,
            documents: Vec::new(),
            origin: None,
            omitted: None,
        }
    }
    /// Sets the diagnostic.
    pub fn with_diagnostic(mut self, d: impl Into<String>) -> Self {
        self.diagnostic = Some(d.into());
        self
    }
    /// Sets the field path.
    pub fn with_path(mut self, p: impl Into<Text>) -> Self {
        self.path = Some(p.into());
        self
    }
    /// Sets the location.
    pub fn at(mut self, line: u64, column: u64) -> Self {
        self.location = Some(Location { line, column });
        self
    }
    /// Adds a document concerned.
    pub fn about(mut self, schema: impl Into<Text>, name: impl Into<Text>) -> Self {
        self.documents.push(DocumentRef {
            schema: schema.into(),
            name: name.into(),
        });
        self
    }
}

/// How one design rule ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleOutcome {
    /// No error (warnings allowed).
    Passed,
    /// At least one error.
    Failed,
    /// The rule could not check the design (e.g. it lacks a platform catalogue).
    NotRun,
}

/// One design rule that ran, and how it ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleRun {
    /// The rule's code (`DD1001`); two rules may share one.
    pub code: String,
    /// The rule's long name (`Rational Boot Storage`).
    pub name: String,
    /// How it ended.
    pub outcome: RuleOutcome,
}

/// Status plus messages. The status is Failure exactly when an error-level message exists.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ValidationReport {
    /// Overall outcome.
    pub status: Status,
    /// Every message, in input order.
    pub messages: Vec<Message>,
    /// The design rules that ran, in order (empty when they did not run).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleRun>,
}

impl Default for ValidationReport {
    fn default() -> Self {
        ValidationReport {
            status: Status::Success,
            messages: Vec::new(),
            rules: Vec::new(),
        }
    }
}

impl ValidationReport {
    /// Adds a message, turning the status to Failure for an error.
    pub fn push(&mut self, message: Message) {
        if message.level == Level::Error {
            self.status = Status::Failure;
        }
        self.messages.push(message);
    }
    /// Adds messages in order, as [`ValidationReport::push`] does each, but
    /// moving them (a report of a finding per document is never held twice).
    pub fn append(&mut self, messages: Vec<Message>) {
        if messages.iter().any(|m| m.level == Level::Error) {
            self.status = Status::Failure;
        }
        crate::lean::append_lean(&mut self.messages, messages);
    }
    /// True when no error-level message exists.
    pub fn is_success(&self) -> bool {
        self.status == Status::Success
    }
    /// Number of error-level messages, those a summary stands for included.
    pub fn error_count(&self) -> usize {
        self.count(Level::Error)
    }
    /// Number of messages of `level`, those a summary stands for included.
    pub fn count(&self, level: Level) -> usize {
        self.messages
            .iter()
            .filter(|m| m.level == level)
            .map(|m| usize::try_from(m.omitted.unwrap_or(1)).unwrap_or(usize::MAX))
            .fold(0, usize::saturating_add)
    }
}
