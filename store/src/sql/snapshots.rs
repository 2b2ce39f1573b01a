//! Storing design snapshots, the same on both backends.

use drydock_core::{DesignRef, FetchMetadata};
use sqlx::types::Text;
use uuid::Uuid;

use super::db::{Bind, Db, Q, SqlStore};
use super::model_digest::model_digest;
use super::snapshot_rows::SummaryRow;
use super::types::{JsonText, Ts};
use crate::error::{Result, StoreError};
use crate::model::now;
use crate::snapshot::{NewSnapshot, SnapshotSummary, Stored, report_counts};
use crate::store::Backend;

/// Updates a snapshot row for another resolution of the same content.
const RESOLVED_AGAIN: &str = "UPDATE design_snapshot SET reference = coalesce($2, reference), \
     driver = $3, revision = $4, etag = $5, last_modified = $6, fetched_at = $7, metadata = $8, \
     resolved_at = $9, resolve_count = resolve_count + 1 WHERE snapshot_id = $1";

/// Binds [`RESOLVED_AGAIN`].
fn resolved_again<'q, DB: Db>(
    q: Q<'q, DB>,
    id: Uuid,
    reference: Option<&str>,
    m: &FetchMetadata,
) -> Q<'q, DB> {
    fetch_columns(q.arg(id).arg(reference), m).arg(Ts(now()))
}

/// Binds the six columns a fetch sets: driver, revision, etag,
/// last_modified, fetched_at and the metadata itself.
fn fetch_columns<'q, DB: Db>(q: Q<'q, DB>, m: &FetchMetadata) -> Q<'q, DB> {
    q.arg(m.driver.as_str())
        .arg(m.revision.as_deref())
        .arg(m.etag.as_deref())
        .arg(m.last_modified.as_deref())
        .arg(Ts(m.fetched_at))
        .arg(JsonText(m))
}

/// `value` as the JSON text stored for `field`.
fn json_text<T: serde::Serialize>(field: &str, value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Invalid {
        field: field.to_owned(),
        reason: format!("cannot be written as JSON: {e}"),
    })
}

/// What the database already has for a snapshot about to be stored.
struct Known {
    content: bool,
    ingest: bool,
    /// The latest snapshot of the key and ingest key, when it has this digest.
    reusable: Option<Uuid>,
}

super::rows::from_rows!(Known, |row| Ok(Known {
    content: row.try_get("content")?,
    ingest: row.try_get("ingest")?,
    reusable: row.try_get("reusable")?,
}));

/// The summary of snapshot `$1`.
const SUMMARY: &str = "SELECT s.snapshot_id, s.reference, s.reference_key, \
    s.metadata, s.digest, c.length, i.ingester, s.ingest_key, \
    i.valid, i.error_count, i.warning_count, s.revision, \
    s.stored_at, s.resolved_at, s.resolve_count \
    FROM design_snapshot s JOIN design_content c ON c.digest = s.digest \
    JOIN design_ingest i ON i.digest = s.digest AND i.ingest_key = s.ingest_key \
    WHERE s.snapshot_id = $1";

impl<DB: Db> SqlStore<DB> {
    pub(crate) async fn put_snapshot(&self, s: &NewSnapshot) -> Result<Stored> {
        let digest = Text(s.digest());
        let at = Ts(now());
        let mut tx = self.write().await?;
        if DB::BACKEND == Backend::Postgres {
            // Concurrent puts of one key queue here, so only one adds a row.
            let lock = "SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))";
            let lock = sqlx::query(lock).arg(s.key()).arg(s.ingest_key.as_str());
            DB::execute(&mut tx, lock).await.map_err(|e| self.err(e))?;
        }
        let probe = sqlx::query(
            "SELECT EXISTS (SELECT 1 FROM design_content WHERE digest = $1) AS content, \
             EXISTS (SELECT 1 FROM design_ingest WHERE digest = $1 AND ingest_key = $3 \
               AND model_digest IS NOT NULL) AS ingest, \
             (SELECT CASE WHEN l.digest = $1 THEN l.snapshot_id END FROM ( \
                SELECT snapshot_id, digest FROM design_snapshot \
                WHERE reference_key = $2 AND ingest_key = $3 ORDER BY seq DESC LIMIT 1) l) AS reusable",
        )
        .arg(digest)
        .arg(s.key())
        .arg(s.ingest_key.as_str());
        let known: Known = DB::fetch_optional(&mut tx, probe)
            .await
            .map_err(|e| self.err(e))?
            .ok_or_else(|| self.corrupt("snapshot probe", "no row"))?;
        // Large values go over the wire only when the database lacks them.
        if !known.content {
            let insert = sqlx::query(
                "INSERT INTO design_content (digest, length, bytes, stored_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (digest) DO NOTHING",
            )
            .arg(digest)
            .arg(s.bytes.len() as i64)
            .arg(&s.bytes[..])
            .arg(at);
            DB::execute(&mut tx, insert)
                .await
                .map_err(|e| self.err(e))?;
        }
        if !known.ingest {
            let (valid, errors, warnings) = report_counts(&s.report);
            let report = json_text("snapshot.report", &s.report)?;
            let ingest = json_text("snapshot.ingest", &s.ingest)?;
            let bound = model_digest(&s.digest(), &s.ingest_key, s.model.get(), &report, &ingest);
            // A row whose digest was lost is written again, with one.
            let insert = sqlx::query(
                "INSERT INTO design_ingest (digest, ingest_key, ingester, model, report, ingest, \
                 valid, error_count, warning_count, stored_at, model_digest) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                 ON CONFLICT (digest, ingest_key) DO UPDATE SET ingester = excluded.ingester, \
                 model = excluded.model, report = excluded.report, ingest = excluded.ingest, \
                 valid = excluded.valid, error_count = excluded.error_count, \
                 warning_count = excluded.warning_count, model_digest = excluded.model_digest \
                 WHERE design_ingest.model_digest IS NULL",
            )
            .arg(digest)
            .arg(s.ingest_key.as_str())
            .arg(s.ingest.ingester.as_str())
            .arg(s.model.get())
            .arg(report)
            .arg(ingest)
            .arg(valid)
            .arg(errors)
            .arg(warnings)
            .arg(at)
            .arg(bound);
            DB::execute(&mut tx, insert)
                .await
                .map_err(|e| self.err(e))?;
        }
        let (id, reused) = match known.reusable.filter(|_| !s.always_new_row) {
            Some(id) => {
                let update = sqlx::query(RESOLVED_AGAIN);
                let update = resolved_again(update, id, Some(s.reference()), &s.metadata);
                DB::execute(&mut tx, update)
                    .await
                    .map_err(|e| self.err(e))?;
                (id, true)
            }
            None => {
                let id = Uuid::now_v7();
                let insert = sqlx::query(
                    "INSERT INTO design_snapshot (snapshot_id, reference, reference_key, digest, \
                     ingest_key, stored_at, resolved_at, resolve_count, driver, revision, etag, \
                     last_modified, fetched_at, metadata) \
                     VALUES ($1, $2, $3, $4, $5, $6, $6, 1, $7, $8, $9, $10, $11, $12)",
                )
                .arg(id)
                .arg(s.reference())
                .arg(s.key())
                .arg(digest)
                .arg(s.ingest_key.as_str())
                .arg(at);
                let insert = fetch_columns(insert, &s.metadata);
                DB::execute(&mut tx, insert)
                    .await
                    .map_err(|e| self.err(e))?;
                (id, false)
            }
        };
        let summary = self.summary_in(&mut tx, id).await?;
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok(Stored { summary, reused })
    }

    /// Records a revalidated fetch (e.g. HTTP 304) of snapshot `id`: its
    /// metadata, `resolved_at` and `resolve_count` change, its content not.
    pub(crate) async fn record_seen(
        &self,
        id: Uuid,
        seen: &FetchMetadata,
    ) -> Result<SnapshotSummary> {
        let mut tx = self.write().await?;
        let stored = self.summary_in(&mut tx, id).await?;
        if !seen.not_modified && seen.digest != stored.digest {
            return Err(StoreError::Invalid {
                field: "seen.digest".into(),
                reason: format!(
                    "the content changed ({} instead of {}): store a new snapshot",
                    seen.digest, stored.digest
                ),
            });
        }
        let mut metadata = seen.clone();
        metadata.digest = stored.digest;
        metadata.length = stored.length;
        metadata.not_modified = false;
        let update = resolved_again(sqlx::query(RESOLVED_AGAIN), id, None, &metadata);
        DB::execute(&mut tx, update)
            .await
            .map_err(|e| self.err(e))?;
        let summary = self.summary_in(&mut tx, id).await?;
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok(summary)
    }

    /// The summary of snapshot `id`, read in `tx`.
    async fn summary_in(
        &self,
        tx: &mut sqlx::Transaction<'static, DB>,
        id: Uuid,
    ) -> Result<SnapshotSummary> {
        let row: Option<SummaryRow> = DB::fetch_optional(tx, sqlx::query(SUMMARY).arg(id))
            .await
            .map_err(|e| self.err(e))?;
        row.map(SnapshotSummary::from)
            .ok_or_else(|| snapshot_not_found(id))
    }

    /// Recomputes the canonical key of snapshots stored before keys existed
    /// (listed by the migration in `snapshot_key_fixup`) from their reference.
    pub(crate) async fn fix_legacy_keys(&self) -> Result<()> {
        let pending: Vec<(Uuid, String)> = self
            .read_all(sqlx::query(
                "SELECT s.snapshot_id, s.reference FROM snapshot_key_fixup f \
                 JOIN design_snapshot s ON s.snapshot_id = f.snapshot_id",
            ))
            .await?;
        if pending.is_empty() {
            return Ok(());
        }
        let mut tx = self.write().await?;
        for (id, reference) in pending {
            let key = DesignRef::parse(&reference)
                .map(|r| r.canonical_key())
                .unwrap_or(reference);
            let update =
                sqlx::query("UPDATE design_snapshot SET reference_key = $1 WHERE snapshot_id = $2")
                    .arg(key)
                    .arg(id);
            DB::execute(&mut tx, update)
                .await
                .map_err(|e| self.err(e))?;
        }
        DB::execute(&mut tx, sqlx::query("DELETE FROM snapshot_key_fixup"))
            .await
            .map_err(|e| self.err(e))?;
        tx.commit().await.map_err(|e| self.err(e))
    }

    /// A store error for a value read back that makes no sense.
    pub(crate) fn corrupt(&self, field: &str, reason: impl ToString) -> StoreError {
        StoreError::Corrupt {
            field: field.to_owned(),
            url: self.url.clone(),
            reason: reason.to_string(),
        }
    }
}

/// No snapshot with this id.
pub(crate) fn snapshot_not_found(id: Uuid) -> StoreError {
    StoreError::NotFound {
        what: "snapshot",
        id: id.to_string(),
    }
}
