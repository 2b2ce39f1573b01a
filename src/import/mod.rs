//! Importing an original Drydock database (PostgreSQL, at any of its three
//! Alembic levels) into a store: tasks, result messages, build data and
//! boot actions, read in one read-only transaction and written in batches,
//! each row only if absent, so a second import adds nothing.
//!
//! What changes on the way: 16-byte ids become UUIDs (boot-action ULIDs
//! keep their 128 bits); identity keys are stored only as their SHA-256;
//! arrays and double-encoded JSON are unwrapped; `result_links` becomes
//! `[{rel, href}]`; messages are numbered per task in their global order and
//! error counts recounted from them; naive timestamps are read in
//! [`ImportOptions::source_timezone`] (UTC by default); credentials are
//! removed from design references; `noop` tasks (one per health probe) are
//! skipped unless asked; tasks left `running` or `terminating` (the original
//! never resumes them) are recorded as failed, with a message saying why,
//! unless [`Interrupted`] says otherwise. Every source row is imported,
//! already present, or skipped with its reason in the [`ImportReport`].
//!
//! Memory is bounded by the batch size, not by the source: what needs more
//! than one row (a task's message and error counts, the parent a subtask
//! list names, a message's task) comes with each row from the source's own
//! queries, and messages come in task order, numbered as they stream by;
//! only task rows that cannot be read are remembered (to report their
//! messages).
//!
//! A row imported once is never updated: import once the original is
//! stopped (a dry run before is harmless). A failure while writing leaves
//! the batches written so far; running the import again completes it.

mod report;
mod rows;
mod run;
mod source;

pub use report::{ImportReport, TableReport};
pub use run::import;
pub use source::LEVELS;

/// What becomes of a task the original left `running` or `terminating`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Interrupted {
    /// Complete, result failure, with a reason and an error message saying why (default).
    #[default]
    Fail,
    /// Queued again, so a worker runs it anew.
    Requeue,
    /// Not imported (reported as skipped).
    Skip,
}

/// How to import.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// Import the `noop` tasks (health probes) too; skipped by default.
    pub include_noop: bool,
    /// What becomes of interrupted tasks.
    pub interrupted: Interrupted,
    /// The time zone the source's naive timestamps are in (any name
    /// PostgreSQL knows: `UTC`, `Europe/Berlin`, `+02`); `UTC` by default.
    pub source_timezone: String,
    /// Rows per batch (per write transaction).
    pub batch_size: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            include_noop: false,
            interrupted: Interrupted::Fail,
            source_timezone: "UTC".into(),
            batch_size: 1000,
        }
    }
}

/// Why an import could not run (a row that cannot be imported is reported,
/// not an error).
#[derive(Debug)]
pub enum ImportError {
    /// The source database cannot be reached or read.
    Source {
        /// Its URL, password redacted.
        url: String,
        /// What failed.
        reason: String,
    },
    /// The source is no original Drydock database (a table is missing).
    NotDrydock {
        /// Its URL, password redacted.
        url: String,
        /// What is missing.
        reason: String,
    },
    /// The source's `alembic_version` is none of [`LEVELS`].
    UnknownLevel {
        /// Its URL, password redacted.
        url: String,
        /// The revision found.
        version: String,
    },
    /// The source time zone is unknown to PostgreSQL.
    Timezone {
        /// The name given.
        name: String,
        /// PostgreSQL's answer.
        reason: String,
    },
    /// The store could not be written.
    Store(crate::store::StoreError),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::Source { url, reason } => {
                write!(f, "cannot read the source database {url}: {reason}")
            }
            ImportError::NotDrydock { url, reason } => {
                write!(f, "{url} is not an original Drydock database: {reason}")
            }
            ImportError::UnknownLevel { url, version } => write!(
                f,
                "{url} is at Alembic revision {version:?}, which this importer does not know \
                 (known: {})",
                LEVELS.join(", ")
            ),
            ImportError::Timezone { name, reason } => {
                write!(f, "--source-timezone {name:?}: {reason}")
            }
            ImportError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ImportError {}

impl From<crate::store::StoreError> for ImportError {
    fn from(e: crate::store::StoreError) -> Self {
        ImportError::Store(e)
    }
}
