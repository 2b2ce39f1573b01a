//! Snapshot rows as both backends return them, and the SQL that selects them.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use drydock_core::{Digest, FetchMetadata, IngestSummary, SiteDesign, ValidationReport};
use sqlx::FromRow;
use sqlx::types::Text;
use uuid::Uuid;

use super::types::{JsonText, Ts};
use crate::snapshot::{Snapshot, SnapshotStatus, SnapshotSummary};

/// The columns of a summary, `s` being the snapshot, `c` its content, `i` its ingest.
macro_rules! summary_cols {
    () => {
        "s.snapshot_id, s.reference, s.reference_key, s.metadata, s.digest, c.length, \
         i.ingester, s.ingest_key, i.valid, i.error_count, i.warning_count, s.revision, \
         s.stored_at, s.resolved_at, s.resolve_count"
    };
}

/// The tables a summary is read from.
macro_rules! summary_from {
    () => {
        " FROM design_snapshot s JOIN design_content c ON c.digest = s.digest \
         JOIN design_ingest i ON i.digest = s.digest AND i.ingest_key = s.ingest_key"
    };
}

/// A summary and the content, model, report and ingest summary.
macro_rules! snapshot_select {
    () => {
        concat!(
            "SELECT ",
            summary_cols!(),
            ", c.bytes, i.model, i.report, i.ingest",
            summary_from!()
        )
    };
}

/// A summary row.
#[derive(FromRow)]
pub(crate) struct SummaryRow {
    snapshot_id: Uuid,
    reference: String,
    reference_key: String,
    metadata: JsonText<FetchMetadata>,
    digest: Text<Digest>,
    #[sqlx(try_from = "i64")]
    length: u64,
    ingester: String,
    ingest_key: String,
    valid: bool,
    #[sqlx(try_from = "i64")]
    error_count: u64,
    #[sqlx(try_from = "i64")]
    warning_count: u64,
    revision: Option<String>,
    #[sqlx(try_from = "Ts")]
    stored_at: DateTime<Utc>,
    #[sqlx(try_from = "Ts")]
    resolved_at: DateTime<Utc>,
    #[sqlx(try_from = "i64")]
    resolve_count: u64,
}

impl From<SummaryRow> for SnapshotSummary {
    fn from(r: SummaryRow) -> Self {
        SnapshotSummary {
            snapshot_id: r.snapshot_id,
            reference: r.reference,
            key: r.reference_key,
            metadata: r.metadata.0,
            digest: r.digest.0,
            length: r.length,
            ingester: r.ingester,
            ingest_key: r.ingest_key,
            status: if r.valid {
                SnapshotStatus::Valid
            } else {
                SnapshotStatus::Invalid
            },
            error_count: r.error_count,
            warning_count: r.warning_count,
            revision: r.revision,
            stored_at: r.stored_at,
            resolved_at: r.resolved_at,
            resolve_count: r.resolve_count,
        }
    }
}

/// A full snapshot row.
#[derive(FromRow)]
pub(crate) struct SnapshotRow {
    #[sqlx(flatten)]
    summary: SummaryRow,
    #[sqlx(try_from = "Vec<u8>")]
    bytes: Bytes,
    model: JsonText<SiteDesign>,
    report: JsonText<ValidationReport>,
    ingest: JsonText<IngestSummary>,
}

impl From<SnapshotRow> for Snapshot {
    fn from(r: SnapshotRow) -> Self {
        Snapshot {
            summary: r.summary.into(),
            bytes: r.bytes,
            model: r.model.0,
            report: r.report.0,
            ingest: r.ingest.0,
        }
    }
}
