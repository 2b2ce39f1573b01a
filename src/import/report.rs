//! What an import did, per source table.

use std::collections::BTreeMap;

use serde::Serialize;

/// What happened to the rows of one source table. `read` is always
/// `imported + present + skipped` summed over reasons.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TableReport {
    /// Rows read from the source.
    pub read: u64,
    /// Rows added to the store (in a dry run: that would be added).
    pub imported: u64,
    /// Rows the store already had (an earlier import); for messages, also
    /// those the source gained after their task was imported (a task
    /// imported once is not updated, so neither is its message sequence).
    pub present: u64,
    /// Rows not imported, counted per reason.
    pub skipped: BTreeMap<String, u64>,
    /// Rows imported with a change worth knowing, counted per change.
    pub notes: BTreeMap<String, u64>,
}

impl TableReport {
    /// Counts one row skipped for `reason`.
    pub(crate) fn skip(&mut self, reason: impl Into<String>) {
        *self.skipped.entry(reason.into()).or_default() += 1;
    }

    /// Counts one row imported with `note`.
    pub(crate) fn note(&mut self, note: impl Into<String>) {
        *self.notes.entry(note.into()).or_default() += 1;
    }

    /// Rows skipped, for any reason.
    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }
}

/// The report of an import.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// The source's `alembic_version`.
    pub alembic_version: String,
    /// The time zone its naive timestamps were read in.
    pub source_timezone: String,
    /// Nothing was written.
    pub dry_run: bool,
    /// The source's bounded text columns and their declared lengths.
    pub column_lengths: BTreeMap<String, i32>,
    /// Per source table.
    pub tables: BTreeMap<String, TableReport>,
}

impl ImportReport {
    /// Rows added over all tables.
    pub fn imported(&self) -> u64 {
        self.tables.values().map(|t| t.imported).sum()
    }

    /// Rows read over all tables.
    pub fn read(&self) -> u64 {
        self.tables.values().map(|t| t.read).sum()
    }
}
