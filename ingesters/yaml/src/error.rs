//! Errors of YAML loading.

use crate::model::value::Mark;

/// Why a document (or the whole input) could not be parsed: a syntax error, a
/// bound exceeded (depth, alias expansion), a duplicate key, or bytes that are not UTF-8.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} (line {}, column {})", mark.line, mark.column)]
pub struct LoadError {
    /// What went wrong.
    pub message: String,
    /// Where.
    pub mark: Mark,
}

/// Why an input is refused as a whole, before any document is read (problems
/// of single documents go into the report instead).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// More documents than [`crate::Limits::max_documents`].
    #[error(
        "the input holds more than {limit} YAML documents (the limit; each costs memory beyond its bytes)"
    )]
    TooManyDocuments {
        /// The limit.
        limit: usize,
    },
    /// More nodes, aliases expanded, than [`crate::Limits::bytes_per_node`]
    /// and [`crate::Limits::stream_nodes_base`] allow for the input's size.
    #[error(
        "the input expands to more than {limit} YAML nodes in all (the limit for its size: an alias bomb, or a design far denser than any site)"
    )]
    TooManyNodes {
        /// The limit.
        limit: usize,
    },
}
