//! Snapshot rows as both backends return them.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use drydock_core::{Digest, FetchMetadata, IngestSummary, SiteDesign, ValidationReport};
use sqlx::types::Text;
use uuid::Uuid;

use super::rows::{converted, from_rows};
use super::types::{JsonText, Ts};
use crate::snapshot::{Snapshot, SnapshotStatus, SnapshotSummary};

/// A summary row.
pub(crate) struct SummaryRow {
    snapshot_id: Uuid,
    reference: String,
    reference_key: String,
    metadata: JsonText<FetchMetadata>,
    digest: Text<Digest>,
    length: u64,
    ingester: String,
    ingest_key: String,
    valid: bool,
    error_count: u64,
    warning_count: u64,
    revision: Option<String>,
    stored_at: DateTime<Utc>,
    resolved_at: DateTime<Utc>,
    resolve_count: u64,
}

from_rows!(SummaryRow, |row| Ok(SummaryRow {
    snapshot_id: row.try_get("snapshot_id")?,
    reference: row.try_get("reference")?,
    reference_key: row.try_get("reference_key")?,
    metadata: row.try_get("metadata")?,
    digest: row.try_get("digest")?,
    length: converted::<_, i64, _>(row, "length")?,
    ingester: row.try_get("ingester")?,
    ingest_key: row.try_get("ingest_key")?,
    valid: row.try_get("valid")?,
    error_count: converted::<_, i64, _>(row, "error_count")?,
    warning_count: converted::<_, i64, _>(row, "warning_count")?,
    revision: row.try_get("revision")?,
    stored_at: converted::<_, Ts, _>(row, "stored_at")?,
    resolved_at: converted::<_, Ts, _>(row, "resolved_at")?,
    resolve_count: converted::<_, i64, _>(row, "resolve_count")?,
}));

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
pub(crate) struct SnapshotRow {
    summary: SummaryRow,
    bytes: Bytes,
    model: JsonText<SiteDesign>,
    report: JsonText<ValidationReport>,
    ingest: JsonText<IngestSummary>,
}

from_rows!(SnapshotRow, |row| Ok(SnapshotRow {
    summary: sqlx::FromRow::from_row(row)?,
    bytes: converted::<_, Vec<u8>, _>(row, "bytes")?,
    model: row.try_get("model")?,
    report: row.try_get("report")?,
    ingest: row.try_get("ingest")?,
}));

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
