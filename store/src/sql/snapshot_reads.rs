//! Reading design snapshots back: each lookup is one query, the same on both backends.

use drydock_core::{DesignRef, Digest};
use sqlx::types::Text;
use uuid::Uuid;

use super::db::{Bind, Db, SqlStore};
use super::model_digest::model_digest;
use super::snapshot_rows::{SnapshotRow, SummaryRow};
use super::snapshots::snapshot_not_found;
use crate::error::{Result, StoreError};
use crate::snapshot::{Selection, Snapshot, SnapshotQuery, SnapshotSummary};

/// Snapshot `$1` with its content, model, report and ingest summary.
const SNAPSHOT: &str = "SELECT s.snapshot_id, s.reference, s.reference_key, \
    s.metadata, s.digest, c.length, i.ingester, s.ingest_key, \
    i.valid, i.error_count, i.warning_count, s.revision, \
    s.stored_at, s.resolved_at, s.resolve_count, c.bytes, i.model, i.report, i.ingest, \
    i.model_digest \
    FROM design_snapshot s JOIN design_content c ON c.digest = s.digest \
    JOIN design_ingest i ON i.digest = s.digest AND i.ingest_key = s.ingest_key \
    WHERE s.snapshot_id = $1";

/// The newest snapshot of key `$1`, of ingest key `$2` unless it is NULL.
const LATEST: &str = "SELECT s.snapshot_id, s.reference, s.reference_key, \
    s.metadata, s.digest, c.length, i.ingester, s.ingest_key, \
    i.valid, i.error_count, i.warning_count, s.revision, \
    s.stored_at, s.resolved_at, s.resolve_count, c.bytes, i.model, i.report, i.ingest, \
    i.model_digest \
    FROM design_snapshot s JOIN design_content c ON c.digest = s.digest \
    JOIN design_ingest i ON i.digest = s.digest AND i.ingest_key = s.ingest_key \
    WHERE s.reference_key = $1 AND ($2 IS NULL OR s.ingest_key = $2) \
    ORDER BY s.seq DESC LIMIT 1";

/// The newest snapshot of key `$1` (of ingest key `$2` unless it is NULL) whose
/// digest differs from the newest one's.
const PREVIOUS: &str = "SELECT s.snapshot_id, s.reference, s.reference_key, \
    s.metadata, s.digest, c.length, i.ingester, s.ingest_key, \
    i.valid, i.error_count, i.warning_count, s.revision, \
    s.stored_at, s.resolved_at, s.resolve_count, c.bytes, i.model, i.report, i.ingest, \
    i.model_digest \
    FROM design_snapshot s JOIN design_content c ON c.digest = s.digest \
    JOIN design_ingest i ON i.digest = s.digest AND i.ingest_key = s.ingest_key \
    WHERE s.reference_key = $1 AND ($2 IS NULL OR s.ingest_key = $2) \
    AND s.digest <> (SELECT l.digest FROM design_snapshot l \
      WHERE l.reference_key = $1 AND ($2 IS NULL OR l.ingest_key = $2) \
      ORDER BY l.seq DESC LIMIT 1) \
    ORDER BY s.seq DESC LIMIT 1";

/// The newest snapshot, of any key, with digest `$1` and ingest key `$2`.
const BY_DIGEST: &str = "SELECT s.snapshot_id, s.reference, s.reference_key, \
    s.metadata, s.digest, c.length, i.ingester, s.ingest_key, \
    i.valid, i.error_count, i.warning_count, s.revision, \
    s.stored_at, s.resolved_at, s.resolve_count, c.bytes, i.model, i.report, i.ingest, \
    i.model_digest \
    FROM design_snapshot s JOIN design_content c ON c.digest = s.digest \
    JOIN design_ingest i ON i.digest = s.digest AND i.ingest_key = s.ingest_key \
    WHERE s.digest = $1 AND s.ingest_key = $2 \
    ORDER BY s.seq DESC LIMIT 1";

/// Summaries of key `$1` and ingest key `$2` (NULL: any), stored before snapshot `$3`
/// (NULL: from the newest), newest first, at most `$4`.
const LIST: &str = "SELECT s.snapshot_id, s.reference, s.reference_key, \
    s.metadata, s.digest, c.length, i.ingester, s.ingest_key, \
    i.valid, i.error_count, i.warning_count, s.revision, \
    s.stored_at, s.resolved_at, s.resolve_count \
    FROM design_snapshot s JOIN design_content c ON c.digest = s.digest \
    JOIN design_ingest i ON i.digest = s.digest AND i.ingest_key = s.ingest_key \
    WHERE ($1 IS NULL OR s.reference_key = $1) AND ($2 IS NULL OR s.ingest_key = $2) \
    AND ($3 IS NULL OR s.seq < (SELECT b.seq FROM design_snapshot b WHERE b.snapshot_id = $3)) \
    ORDER BY s.seq DESC LIMIT $4";

impl<DB: Db> SqlStore<DB> {
    /// A row read back, its bytes hashed again and what was derived from
    /// them checked against its model digest: bytes that are not the digest
    /// they are stored under, or a model, report or ingest summary that is
    /// not what was stored with them, are a corrupt row, never served.
    fn verified(&self, row: SnapshotRow) -> Result<Snapshot> {
        let id = row.summary.snapshot_id;
        let stored = row.summary.digest.0;
        let actual = Digest::of(&row.bytes);
        if actual != stored || row.summary.metadata.0.digest != stored {
            return Err(self.corrupt(
                "design_content.bytes",
                format!("snapshot {id}: the bytes hash to {actual}, not to their digest {stored}"),
            ));
        }
        let derived = model_digest(
            &stored,
            &row.summary.ingest_key,
            &row.model,
            &row.report,
            &row.ingest,
        );
        match row.model_digest.as_deref() {
            Some(bound) if bound == derived => {}
            Some(_) => {
                return Err(self.corrupt(
                    "design_ingest.model",
                    format!(
                        "snapshot {id}: the stored model, report or ingest summary is not \
                         what was derived from its bytes (the model digest does not match)"
                    ),
                ));
            }
            None => {
                return Err(self.corrupt(
                    "design_ingest.model_digest",
                    format!(
                        "snapshot {id}: the row has no model digest (every row gets one \
                         when written or migrated), so its model cannot be checked against \
                         its bytes"
                    ),
                ));
            }
        }
        row.parse()
            .map_err(|(field, e)| self.corrupt(field, format!("snapshot {id}: {e}")))
    }

    pub(crate) async fn get_snapshot(&self, id: Uuid) -> Result<Snapshot> {
        let row: Option<SnapshotRow> = self.read_optional(sqlx::query(SNAPSHOT).arg(id)).await?;
        self.verified(row.ok_or_else(|| snapshot_not_found(id))?)
    }

    /// The stored model's JSON text, checked as [`Self::verified`] checks a row.
    pub(crate) async fn snapshot_model_json(&self, id: Uuid) -> Result<String> {
        let row: Option<SnapshotRow> = self.read_optional(sqlx::query(SNAPSHOT).arg(id)).await?;
        let row = row.ok_or_else(|| snapshot_not_found(id))?;
        let model = row.model.clone();
        self.verified(row)?;
        Ok(model)
    }

    pub(crate) async fn select_snapshot(
        &self,
        reference: &DesignRef,
        ingest_key: Option<&str>,
        selection: Selection,
    ) -> Result<Option<Snapshot>> {
        let select = match selection {
            Selection::Latest => LATEST,
            Selection::Previous => PREVIOUS,
        };
        let query = sqlx::query(select)
            .arg(reference.canonical_key())
            .arg(ingest_key);
        let row: Option<SnapshotRow> = self.read_optional(query).await?;
        row.map(|row| self.verified(row)).transpose()
    }

    pub(crate) async fn snapshot_by_digest(
        &self,
        digest: &Digest,
        ingest_key: &str,
    ) -> Result<Option<Snapshot>> {
        let query = sqlx::query(BY_DIGEST).arg(Text(*digest)).arg(ingest_key);
        let row: Option<SnapshotRow> = self.read_optional(query).await?;
        row.map(|row| self.verified(row)).transpose()
    }

    pub(crate) async fn list_snapshots(&self, q: &SnapshotQuery) -> Result<Vec<SnapshotSummary>> {
        let query = sqlx::query(LIST)
            .arg(q.reference.as_ref().map(DesignRef::canonical_key))
            .arg(q.ingest_key.as_deref())
            .arg(q.before)
            .arg(i64::from(q.limit.clamp(1, SnapshotQuery::MAX_LIMIT)));
        let rows: Vec<SummaryRow> = self.read_all(query).await?;
        if rows.is_empty()
            && let Some(before) = q.before
        {
            let exists: Option<(Uuid,)> = self
                .read_optional(
                    sqlx::query("SELECT snapshot_id FROM design_snapshot WHERE snapshot_id = $1")
                        .arg(before),
                )
                .await?;
            if exists.is_none() {
                return Err(StoreError::NotFound {
                    what: "snapshot to list from",
                    id: before.to_string(),
                });
            }
        }
        Ok(rows.into_iter().map(SnapshotSummary::from).collect())
    }
}
