//! Snapshot rows as both backends return them.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use drydock_core::{Digest, FetchMetadata, IngestSummary, SiteDesign, ValidationReport};
use sqlx::FromRow;
use sqlx::types::Text;
use uuid::Uuid;

use super::types::{JsonText, Ts};
use crate::snapshot::{Snapshot, SnapshotStatus, SnapshotSummary};

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
