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
    pub(crate) snapshot_id: Uuid,
    reference: String,
    reference_key: String,
    pub(crate) metadata: JsonText<FetchMetadata>,
    pub(crate) digest: Text<Digest>,
    length: u64,
    ingester: String,
    pub(crate) ingest_key: String,
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

/// A full snapshot row: what was derived from the bytes still as stored
/// text, to be checked against its `model_digest` before it is parsed.
pub(crate) struct SnapshotRow {
    pub(crate) summary: SummaryRow,
    pub(crate) bytes: Bytes,
    pub(crate) model: String,
    pub(crate) report: String,
    pub(crate) ingest: String,
    pub(crate) model_digest: Option<String>,
}

from_rows!(SnapshotRow, |row| Ok(SnapshotRow {
    summary: sqlx::FromRow::from_row(row)?,
    bytes: converted::<_, Vec<u8>, _>(row, "bytes")?,
    model: row.try_get("model")?,
    report: row.try_get("report")?,
    ingest: row.try_get("ingest")?,
    model_digest: row.try_get("model_digest")?,
}));

impl SnapshotRow {
    /// The snapshot, its JSON parsed; `Err` names the column that does not parse.
    pub(crate) fn parse(self) -> Result<Snapshot, (&'static str, serde_json::Error)> {
        Ok(Snapshot {
            summary: self.summary.into(),
            bytes: self.bytes,
            model: serde_json::from_str::<SiteDesign>(&self.model)
                .map_err(|e| ("design_ingest.model", e))?,
            report: serde_json::from_str::<ValidationReport>(&self.report)
                .map_err(|e| ("design_ingest.report", e))?,
            ingest: serde_json::from_str::<IngestSummary>(&self.ingest)
                .map_err(|e| ("design_ingest.ingest", e))?,
        })
    }
}
