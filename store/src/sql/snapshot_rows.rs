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
    pub(crate) snapshot_id: Uuid,
    reference: String,
    reference_key: String,
    pub(crate) metadata: JsonText<FetchMetadata>,
    pub(crate) digest: Text<Digest>,
    #[sqlx(try_from = "i64")]
    length: u64,
    ingester: String,
    pub(crate) ingest_key: String,
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

/// A full snapshot row: what was derived from the bytes still as stored
/// text, to be checked against its `model_digest` before it is parsed.
#[derive(FromRow)]
pub(crate) struct SnapshotRow {
    #[sqlx(flatten)]
    pub(crate) summary: SummaryRow,
    #[sqlx(try_from = "Vec<u8>")]
    pub(crate) bytes: Bytes,
    pub(crate) model: String,
    pub(crate) report: String,
    pub(crate) ingest: String,
    pub(crate) model_digest: Option<String>,
}

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
