//! Design snapshots on SQLite.

use sqlx::sqlite::SqliteRow;
use uuid::Uuid;

use super::{SqliteStore, ts};
use crate::error::{Result, StoreError};
use crate::model::now;
use crate::snapshot::{NewSnapshot, Snapshot, SnapshotMetadata, SnapshotSummary};

macro_rules! summary_cols {
    () => {
        "s.snapshot_id, s.reference, s.digest, s.driver, s.content_type, s.etag, s.revision, \
         s.last_modified, s.location, s.fetched_at, s.stored_at, \
         (SELECT c.length FROM design_content c WHERE c.digest = s.digest) AS length"
    };
}

impl SqliteStore {
    fn summary(&self, r: &SqliteRow) -> Result<SnapshotSummary> {
        Ok(SnapshotSummary {
            snapshot_id: self.get(r, "snapshot_id")?,
            reference: self.get(r, "reference")?,
            metadata: SnapshotMetadata {
                driver: self.get(r, "driver")?,
                content_type: self.get(r, "content_type")?,
                etag: self.get(r, "etag")?,
                revision: self.get(r, "revision")?,
                last_modified: self.get(r, "last_modified")?,
                location: self.get(r, "location")?,
                fetched_at: self.get_ts(r, "fetched_at")?,
            },
            digest: self.get(r, "digest")?,
            length: self.get(r, "length")?,
            stored_at: self.get_ts(r, "stored_at")?,
        })
    }

    fn full(&self, r: &SqliteRow) -> Result<Snapshot> {
        Ok(Snapshot {
            summary: self.summary(r)?,
            bytes: bytes::Bytes::from(self.get::<Vec<u8>>(r, "bytes")?),
            model: self.get_json(r, "model")?.unwrap_or_default(),
            report: self.get_json(r, "report")?.unwrap_or_default(),
        })
    }

    pub(crate) async fn put_snapshot(&self, s: &NewSnapshot) -> Result<SnapshotSummary> {
        let digest = s.digest();
        let m = &s.metadata;
        let mut tx = self.write().await?;
        let known: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM design_content WHERE digest = $1)")
                .bind(&digest)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| self.err(e))?;
        if !known {
            sqlx::query(
                "INSERT INTO design_content (digest, length, bytes, model, report, stored_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&digest)
            .bind(s.bytes.len() as i64)
            .bind(&s.bytes[..])
            .bind(s.model.to_string())
            .bind(s.report.to_string())
            .bind(ts(now()))
            .execute(&mut *tx)
            .await
            .map_err(|e| self.err(e))?;
        }
        sqlx::query(
            "INSERT INTO design_snapshot (snapshot_id, reference, digest, driver, content_type, etag, revision, \
             last_modified, location, fetched_at, stored_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (reference, digest, fetched_at) DO NOTHING",
        )
        .bind(Uuid::now_v7())
        .bind(&s.reference)
        .bind(&digest)
        .bind(&m.driver)
        .bind(m.content_type.as_deref())
        .bind(m.etag.as_deref())
        .bind(m.revision.as_deref())
        .bind(m.last_modified.as_deref())
        .bind(&m.location)
        .bind(ts(m.fetched_at))
        .bind(ts(now()))
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(e))?;
        let row = sqlx::query(concat!(
            "SELECT ",
            summary_cols!(),
            " FROM design_snapshot s WHERE s.reference = $1 AND s.digest = $2 AND s.fetched_at = $3"
        ))
        .bind(&s.reference)
        .bind(&digest)
        .bind(ts(m.fetched_at))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| self.err(e))?;
        let summary = self.summary(&row)?;
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok(summary)
    }

    pub(crate) async fn get_snapshot(&self, id: Uuid) -> Result<Snapshot> {
        let row = sqlx::query(concat!(
            "SELECT ",
            summary_cols!(),
            ", c.bytes, c.model, c.report FROM design_snapshot s JOIN design_content c ON c.digest = s.digest \
             WHERE s.snapshot_id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.err(e))?;
        match row {
            Some(r) => self.full(&r),
            None => Err(StoreError::NotFound {
                what: "snapshot",
                id: id.to_string(),
            }),
        }
    }

    pub(crate) async fn get_snapshot_by_digest(&self, digest: &str) -> Result<Snapshot> {
        let row = sqlx::query(concat!(
            "SELECT ",
            summary_cols!(),
            ", c.bytes, c.model, c.report FROM design_snapshot s JOIN design_content c ON c.digest = s.digest \
             WHERE s.digest = $1 ORDER BY s.stored_at DESC, s.rowid DESC LIMIT 1"
        ))
        .bind(digest)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.err(e))?;
        match row {
            Some(r) => self.full(&r),
            None => Err(StoreError::NotFound {
                what: "snapshot with digest",
                id: digest.to_owned(),
            }),
        }
    }

    pub(crate) async fn list_snapshots(&self, reference: &str) -> Result<Vec<SnapshotSummary>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            summary_cols!(),
            " FROM design_snapshot s WHERE s.reference = $1 ORDER BY s.stored_at DESC, s.rowid DESC"
        ))
        .bind(reference)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.err(e))?;
        rows.iter().map(|r| self.summary(r)).collect()
    }

    pub(crate) async fn latest_snapshot(&self, reference: &str) -> Result<Option<Snapshot>> {
        let id: Option<Uuid> = sqlx::query_scalar(
            "SELECT s.snapshot_id FROM design_snapshot s WHERE s.reference = $1 \
             ORDER BY s.stored_at DESC, s.rowid DESC LIMIT 1",
        )
        .bind(reference)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.err(e))?;
        match id {
            Some(id) => self.get_snapshot(id).await.map(Some),
            None => Ok(None),
        }
    }
}
