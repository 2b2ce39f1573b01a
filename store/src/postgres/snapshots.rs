//! Design snapshots on PostgreSQL.

use sqlx::Row;
use sqlx::postgres::PgRow;
use uuid::Uuid;

use super::PgStore;
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

fn summary(r: &PgRow) -> std::result::Result<SnapshotSummary, sqlx::Error> {
    Ok(SnapshotSummary {
        snapshot_id: r.try_get("snapshot_id")?,
        reference: r.try_get("reference")?,
        metadata: SnapshotMetadata {
            driver: r.try_get("driver")?,
            content_type: r.try_get("content_type")?,
            etag: r.try_get("etag")?,
            revision: r.try_get("revision")?,
            last_modified: r.try_get("last_modified")?,
            location: r.try_get("location")?,
            fetched_at: r.try_get("fetched_at")?,
        },
        digest: r.try_get("digest")?,
        length: r.try_get("length")?,
        stored_at: r.try_get("stored_at")?,
    })
}

impl PgStore {
    pub(crate) async fn put_snapshot(&self, s: &NewSnapshot) -> Result<SnapshotSummary> {
        let digest = s.digest();
        let mut tx = self.pool.begin().await.map_err(|e| self.err(e))?;
        // The content goes over the wire only when the database lacks it.
        let known: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM design_content WHERE digest = $1)")
                .bind(&digest)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| self.err(e))?;
        if !known {
            sqlx::query(
                "INSERT INTO design_content (digest, length, bytes, model, report, stored_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (digest) DO NOTHING",
            )
            .bind(&digest)
            .bind(s.bytes.len() as i64)
            .bind(&s.bytes[..])
            .bind(&s.model)
            .bind(&s.report)
            .bind(now())
            .execute(&mut *tx)
            .await
            .map_err(|e| self.err(e))?;
        }
        let m = &s.metadata;
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
        .bind(m.fetched_at)
        .bind(now())
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
        .bind(m.fetched_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| self.err(e))?;
        tx.commit().await.map_err(|e| self.err(e))?;
        summary(&row).map_err(|e| self.err(e))
    }

    async fn snapshot_where(
        &self,
        sql: &'static str,
        key: impl FnOnce(
            sqlx::query::Query<'_, sqlx::Postgres, sqlx::postgres::PgArguments>,
        ) -> sqlx::query::Query<'_, sqlx::Postgres, sqlx::postgres::PgArguments>,
    ) -> Result<Option<Snapshot>> {
        let row = key(sqlx::query(sql))
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.err(e))?;
        let Some(row) = row else { return Ok(None) };
        let full = || -> std::result::Result<Snapshot, sqlx::Error> {
            Ok(Snapshot {
                summary: summary(&row)?,
                bytes: bytes::Bytes::from(row.try_get::<Vec<u8>, _>("bytes")?),
                model: row.try_get("model")?,
                report: row.try_get("report")?,
            })
        };
        full().map(Some).map_err(|e| self.err(e))
    }

    pub(crate) async fn get_snapshot(&self, id: Uuid) -> Result<Snapshot> {
        let sql = concat!(
            "SELECT ",
            summary_cols!(),
            ", c.bytes, c.model, c.report FROM design_snapshot s JOIN design_content c ON c.digest = s.digest \
             WHERE s.snapshot_id = $1"
        );
        self.snapshot_where(sql, |q| q.bind(id))
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "snapshot",
                id: id.to_string(),
            })
    }

    pub(crate) async fn get_snapshot_by_digest(&self, digest: &str) -> Result<Snapshot> {
        let sql = concat!(
            "SELECT ",
            summary_cols!(),
            ", c.bytes, c.model, c.report FROM design_snapshot s JOIN design_content c ON c.digest = s.digest \
             WHERE s.digest = $1 ORDER BY s.stored_at DESC, s.seq DESC LIMIT 1"
        );
        let owned = digest.to_owned();
        self.snapshot_where(sql, |q| q.bind(owned))
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "snapshot with digest",
                id: digest.to_owned(),
            })
    }

    pub(crate) async fn list_snapshots(&self, reference: &str) -> Result<Vec<SnapshotSummary>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            summary_cols!(),
            " FROM design_snapshot s WHERE s.reference = $1 ORDER BY s.stored_at DESC, s.seq DESC"
        ))
        .bind(reference)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.err(e))?;
        rows.iter()
            .map(summary)
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| self.err(e))
    }

    pub(crate) async fn latest_snapshot(&self, reference: &str) -> Result<Option<Snapshot>> {
        let id: Option<Uuid> = sqlx::query_scalar(
            "SELECT s.snapshot_id FROM design_snapshot s WHERE s.reference = $1 \
             ORDER BY s.stored_at DESC, s.seq DESC LIMIT 1",
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
