//! Design snapshots: a resolved design, stored so a task can be traced to
//! exactly what it ran on, and found again by a cache.

use std::str::FromStr;
use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use drydock_core::{
    DesignRef, Digest, FetchMetadata, Fetched, IngestSummary, Level, Resolved, SiteDesign,
    ValidationReport,
};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use uuid::Uuid;

use crate::error::{Result, StoreError};
use crate::model::{name, opt_text, text};

/// Longest ingest key accepted (it is indexed together with the reference key).
pub const MAX_INGEST_KEY_LEN: usize = 256;

/// A resolved design to store with [`crate::Store::put_snapshot`].
///
/// The reference's canonical key ([`DesignRef::canonical_key`]) is what it is
/// stored and looked up by; its display form ([`DesignRef::redacted`]) is what
/// it shows. Both are taken from the reference, never written by hand.
#[derive(Clone, Debug)]
pub struct NewSnapshot {
    key: String,
    reference: String,
    /// What the driver reported; its digest, computed while the bytes were
    /// read, is the content's key (the store never hashes the bytes again).
    pub metadata: FetchMetadata,
    /// The bytes.
    pub bytes: Bytes,
    /// How the bytes were ingested (ingester, options, rules), an opaque
    /// string of the caller's: model, report and summary are kept per
    /// (digest, ingest key), the bytes once per digest.
    pub ingest_key: String,
    /// The model as JSON text, serialised once by the caller and stored as it is.
    pub model: Arc<RawValue>,
    /// The validation report.
    pub report: ValidationReport,
    /// What the ingester read.
    pub ingest: IngestSummary,
    /// Store a new row even when the latest snapshot of this key and ingest
    /// key has the same digest (by default that row is reused: see the README).
    pub always_new_row: bool,
}

impl NewSnapshot {
    /// The snapshot of `fetched` (fetched for `reference`), ingested the way
    /// `ingest_key` names into `model` (JSON text), `report` and `ingest`.
    pub fn new(
        reference: &DesignRef,
        fetched: &Fetched,
        ingest_key: impl Into<String>,
        model: Arc<RawValue>,
        report: ValidationReport,
        ingest: IngestSummary,
    ) -> Self {
        NewSnapshot {
            key: reference.canonical_key(),
            reference: reference.redacted().to_owned(),
            metadata: fetched.metadata.clone(),
            bytes: fetched.bytes.clone(),
            ingest_key: ingest_key.into(),
            model,
            report,
            ingest,
            always_new_row: false,
        }
    }

    /// The snapshot of what a resolver produced; serialises the model once.
    pub fn from_resolved(resolved: &Resolved, ingest_key: impl Into<String>) -> Result<Self> {
        let model = serde_json::value::to_raw_value(&resolved.ingested.design).map_err(|e| {
            StoreError::Invalid {
                field: "snapshot.model".into(),
                reason: format!("cannot be written as JSON: {e}"),
            }
        })?;
        Ok(NewSnapshot::new(
            &resolved.reference,
            &resolved.fetched,
            ingest_key,
            Arc::from(model),
            resolved.ingested.report.clone(),
            resolved.ingested.summary.clone(),
        ))
    }

    /// The canonical key it is stored under.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The reference as shown (secrets as `***`).
    pub fn reference(&self) -> &str {
        &self.reference
    }

    /// The content's digest, as the driver computed it.
    pub fn digest(&self) -> Digest {
        self.metadata.digest
    }

    pub(crate) fn validate(&self) -> Result<()> {
        let invalid = |field: &str, reason: String| StoreError::Invalid {
            field: field.to_owned(),
            reason,
        };
        name("snapshot.key", &self.key)?;
        text("snapshot.reference", &self.reference)?;
        ingest_key(&self.ingest_key)?;
        name("snapshot.ingest.ingester", &self.ingest.ingester)?;
        let m = &self.metadata;
        if m.not_modified {
            return Err(invalid(
                "snapshot.metadata.not_modified",
                "a not-modified fetch carries no bytes: record it with Store::record_seen".into(),
            ));
        }
        if m.length != self.bytes.len() as u64 {
            return Err(invalid(
                "snapshot.metadata.length",
                format!(
                    "says {} bytes, the content has {}",
                    m.length,
                    self.bytes.len()
                ),
            ));
        }
        metadata_columns(m)
    }
}

/// The metadata fields stored in their own (text) columns.
pub(crate) fn metadata_columns(m: &FetchMetadata) -> Result<()> {
    name("snapshot.metadata.driver", &m.driver)?;
    opt_text("snapshot.metadata.etag", m.etag.as_deref())?;
    opt_text("snapshot.metadata.revision", m.revision.as_deref())?;
    opt_text(
        "snapshot.metadata.last_modified",
        m.last_modified.as_deref(),
    )
}

/// An ingest key is non-empty, at most [`MAX_INGEST_KEY_LEN`] bytes, without NUL.
pub(crate) fn ingest_key(key: &str) -> Result<()> {
    if key.is_empty() || key.len() > MAX_INGEST_KEY_LEN {
        return Err(StoreError::Invalid {
            field: "snapshot.ingest_key".into(),
            reason: format!(
                "{} bytes long; 1 to {MAX_INGEST_KEY_LEN} are accepted",
                key.len()
            ),
        });
    }
    text("snapshot.ingest_key", key)
}

/// Whether the stored design passed validation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SnapshotStatus {
    /// No error-level message.
    Valid,
    /// At least one error-level message.
    Invalid,
}

/// Counts of a report: (status, errors, warnings).
pub(crate) fn report_counts(report: &ValidationReport) -> (bool, i64, i64) {
    // Those a summary of left-out messages stands for included.
    let count = |level| i64::try_from(report.count(level)).unwrap_or(i64::MAX);
    (
        report.is_success(),
        count(Level::Error),
        count(Level::Warning),
    )
}

/// A stored snapshot without its content, as lists return it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SnapshotSummary {
    /// Its id.
    pub snapshot_id: Uuid,
    /// The reference as shown (secrets as `***`).
    pub reference: String,
    /// The canonical key it is stored and looked up by.
    pub key: String,
    /// The driver's metadata of the last resolution, as the driver gave it
    /// (a revalidation through [`crate::Store::record_seen`] updates it).
    pub metadata: FetchMetadata,
    /// The content's digest.
    pub digest: Digest,
    /// The content's length in bytes.
    pub length: u64,
    /// The ingester that produced the model.
    pub ingester: String,
    /// How the bytes were ingested (the caller's key).
    pub ingest_key: String,
    /// Valid or invalid.
    pub status: SnapshotStatus,
    /// Error-level messages in the report.
    pub error_count: u64,
    /// Warning-level messages in the report.
    pub warning_count: u64,
    /// The source's revision, if it has them.
    pub revision: Option<String>,
    /// When this row was first stored.
    pub stored_at: DateTime<Utc>,
    /// When it was last resolved (stored, reused or revalidated).
    pub resolved_at: DateTime<Utc>,
    /// How many resolutions this row stands for.
    pub resolve_count: u64,
}

/// A stored snapshot with its content, read back typed.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// Id, references, metadata, digest, counts.
    pub summary: SnapshotSummary,
    /// The raw bytes.
    pub bytes: Bytes,
    /// The ingested model.
    pub model: SiteDesign,
    /// The validation report.
    pub report: ValidationReport,
    /// What the ingester read.
    pub ingest: IngestSummary,
}

/// What [`crate::Store::put_snapshot`] did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stored {
    /// The snapshot as now stored.
    pub summary: SnapshotSummary,
    /// True when the latest snapshot of the key and ingest key had the same
    /// digest and was updated (resolved_at, resolve_count, metadata) instead
    /// of a new row being added.
    pub reused: bool,
}

/// What [`crate::Store::save_resolved`] did: the snapshot the resolution is
/// now, and whether an existing row was reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    /// The snapshot's id.
    pub snapshot_id: Uuid,
    /// True when an existing row was reused (served from it, revalidated,
    /// or the same content stored again) rather than a new one added.
    pub reused: bool,
}

/// Which snapshot of a reference `REF@latest` / `REF@previous` means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Selection {
    /// The newest snapshot.
    Latest,
    /// The newest snapshot whose digest differs from the latest one's: the
    /// content before the last change.
    Previous,
}

impl Selection {
    /// Splits `REF@latest` / `REF@previous` into the reference and the
    /// selection; any other input is returned whole with `None` (an `@` in
    /// userinfo is not a selector).
    pub fn split(input: &str) -> (&str, Option<Selection>) {
        match input.rsplit_once('@') {
            Some((reference, word)) => match word.parse() {
                Ok(selection) => (reference, Some(selection)),
                Err(_) => (input, None),
            },
            None => (input, None),
        }
    }
}

impl FromStr for Selection {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "latest" => Ok(Selection::Latest),
            "previous" => Ok(Selection::Previous),
            other => Err(StoreError::Invalid {
                field: "selection".into(),
                reason: format!("{other:?} is neither `latest` nor `previous`"),
            }),
        }
    }
}

/// Which snapshots [`crate::Store::list_snapshots`] returns: newest first
/// (by when the row was first stored), one page at a time.
#[derive(Clone, Debug, PartialEq)]
pub struct SnapshotQuery {
    /// Only snapshots of this reference (by its canonical key); `None`: all.
    pub reference: Option<DesignRef>,
    /// Only snapshots ingested this way; `None`: any.
    pub ingest_key: Option<String>,
    /// At most this many (clamped to 1..=[`SnapshotQuery::MAX_LIMIT`]).
    pub limit: u32,
    /// Only snapshots stored before this one (the last of the previous page).
    pub before: Option<Uuid>,
}

impl SnapshotQuery {
    /// The largest page.
    pub const MAX_LIMIT: u32 = 1000;

    /// The first page of every snapshot.
    pub fn all() -> Self {
        SnapshotQuery {
            reference: None,
            ingest_key: None,
            limit: 100,
            before: None,
        }
    }

    /// The first page of the snapshots of `reference`.
    pub fn of(reference: &DesignRef) -> Self {
        SnapshotQuery {
            reference: Some(reference.clone()),
            ..SnapshotQuery::all()
        }
    }

    /// The page after the one that ended with `last`.
    pub fn after(mut self, last: Uuid) -> Self {
        self.before = Some(last);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_splits_only_a_known_suffix() {
        assert_eq!(
            Selection::split("https://h/x@latest"),
            ("https://h/x", Some(Selection::Latest))
        );
        assert_eq!(
            Selection::split("https://u@h/x@previous"),
            ("https://u@h/x", Some(Selection::Previous))
        );
        assert_eq!(Selection::split("https://u@h/x"), ("https://u@h/x", None));
        assert!(matches!(
            "newest".parse::<Selection>(),
            Err(StoreError::Invalid { .. })
        ));
    }
}
