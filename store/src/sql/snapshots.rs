//! Design snapshots: storing one and reading one by id, the same on both backends.

use uuid::Uuid;

use super::binds;
use super::db::{Bind, Db, SqlStore};
use super::ts::Ts;
use crate::error::{Result, StoreError};
use crate::model::now;
use crate::snapshot::{NewSnapshot, Snapshot, SnapshotSummary};

impl<DB: Db> SqlStore<DB> {
    pub(crate) async fn put_snapshot(&self, s: &NewSnapshot) -> Result<SnapshotSummary> {
        let digest = s.digest();
        let stored_at = Ts(now());
        let mut tx = self.write().await?;
        // The content goes over the wire only when the database lacks it.
        let known: Option<(String,)> = DB::fetch_optional(
            &mut tx,
            sqlx::query("SELECT digest FROM design_content WHERE digest = $1").arg(digest.as_str()),
        )
        .await
        .map_err(|e| self.err(e))?;
        if known.is_none() {
            let insert = sqlx::query(
                "INSERT INTO design_content (digest, length, bytes, model, report, stored_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (digest) DO NOTHING",
            );
            DB::execute(&mut tx, binds::content(insert, s, &digest, stored_at))
                .await
                .map_err(|e| self.err(e))?;
        }
        let insert = sqlx::query(
            "INSERT INTO design_snapshot (snapshot_id, reference, digest, driver, content_type, \
             etag, revision, last_modified, location, fetched_at, stored_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (reference, digest, fetched_at) DO NOTHING",
        );
        let snapshot = binds::snapshot(insert, Uuid::now_v7(), s, &digest, stored_at);
        DB::execute(&mut tx, snapshot)
            .await
            .map_err(|e| self.err(e))?;
        let select = concat!(
            "SELECT ",
            summary_cols!(),
            " FROM design_snapshot s WHERE s.reference = $1 AND s.digest = $2 AND s.fetched_at = $3"
        );
        let select = sqlx::query(select)
            .arg(s.reference.as_str())
            .arg(digest.as_str())
            .arg(Ts(s.metadata.fetched_at));
        let summary = DB::fetch_optional(&mut tx, select)
            .await
            .map_err(|e| self.err(e))?
            .ok_or_else(|| StoreError::NotFound {
                what: "snapshot just stored",
                id: s.reference.clone(),
            })?;
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok(summary)
    }

    pub(crate) async fn snapshot_by_digest(&self, digest: &str) -> Result<Option<Snapshot>> {
        let sql = DB::dialect(
            snapshot_where!("s.digest = $1", "seq"),
            snapshot_where!("s.digest = $1", "rowid"),
        );
        self.read_optional(sqlx::query(sql).arg(digest)).await
    }

    pub(crate) async fn list_snapshots(&self, reference: &str) -> Result<Vec<SnapshotSummary>> {
        let sql = DB::dialect(
            concat!(
                "SELECT ",
                summary_cols!(),
                " FROM design_snapshot s WHERE s.reference = $1 ORDER BY s.stored_at DESC, s.seq DESC"
            ),
            concat!(
                "SELECT ",
                summary_cols!(),
                " FROM design_snapshot s WHERE s.reference = $1 ORDER BY s.stored_at DESC, s.rowid DESC"
            ),
        );
        self.read_all(sqlx::query(sql).arg(reference)).await
    }

    pub(crate) async fn latest_snapshot(&self, reference: &str) -> Result<Option<Snapshot>> {
        let sql = DB::dialect(
            snapshot_where!("s.reference = $1", "seq"),
            snapshot_where!("s.reference = $1", "rowid"),
        );
        self.read_optional(sqlx::query(sql).arg(reference)).await
    }

    pub(crate) async fn get_snapshot(&self, id: Uuid) -> Result<Snapshot> {
        let select = sqlx::query(snapshot_where!("s.snapshot_id = $1", "snapshot_id")).arg(id);
        self.read_optional(select)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "snapshot",
                id: id.to_string(),
            })
    }
}
