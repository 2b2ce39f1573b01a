//! Claims and liveness checks whose SQL is the same on both backends.

use uuid::Uuid;

use super::db::{Bind, Db, SqlStore};
use super::types::Ts;
use crate::enums::TaskAction;
use crate::error::Result;
use crate::model::now;

/// Writes a finished task's fields if its version is still `$2` and owner `$20`
/// still holds its claim; binds: [`binds::task_finish`](super::binds::task_finish).
const FINISH: &str = "UPDATE tasks AS t SET parent_task_id = $3, status = $4, design_ref = $5, \
    design_snapshot_id = $6, node_filter = $7, request_context = $8, \
    result_status = $9, result_message = $10, result_reason = $11, \
    result_successes = $12, result_failures = $13, result_links = $14, \
    retry = $15, updated = $16, terminated = $17, terminated_by = $18, terminate = $19, \
    version = t.version + 1, \
    lease_expires = CASE WHEN $4 = 'running' THEN t.lease_expires END \
    WHERE t.task_id = $1 AND t.version = $2 AND t.claimed_by = $20";

impl<DB: Db> SqlStore<DB> {
    pub(crate) async fn release_task(&self, task_id: Uuid, owner: Uuid) -> Result<bool> {
        let release = sqlx::query(
            "UPDATE tasks SET status = 'queued', claimed_by = NULL, lease_expires = NULL, \
             updated = $3, version = version + 1 \
             WHERE task_id = $1 AND claimed_by = $2 AND status = 'running'",
        )
        .arg(task_id)
        .arg(owner)
        .arg(Ts(now()));
        Ok(self.execute_write(release).await? == 1)
    }

    /// Whether a claim of `actions` (empty: any) would find a task now.
    pub(crate) async fn queued_exists(&self, actions: &[TaskAction]) -> Result<bool> {
        let any = "SELECT EXISTS (SELECT 1 FROM tasks WHERE status = 'queued' AND NOT terminate)";
        if actions.is_empty() {
            let found: Option<(bool,)> = self.read_optional(sqlx::query(any)).await?;
            return Ok(found.is_some_and(|(exists,)| exists));
        }
        let probe = "SELECT EXISTS (SELECT 1 FROM tasks WHERE status = 'queued' AND NOT terminate \
                     AND action = $1)";
        for action in actions {
            let query = sqlx::query(probe).arg(action.as_str());
            let found: Option<(bool,)> = self.read_optional(query).await?;
            if found.is_some_and(|(exists,)| exists) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    pub(crate) async fn ping(&self) -> Result<()> {
        let mut conn = self.conn().await?;
        DB::execute(&mut conn, sqlx::query("SELECT 1"))
            .await
            .map_err(|e| self.err(e))?;
        Ok(())
    }
}

impl<DB: Db> SqlStore<DB> {
    /// Appends `msgs` to a task's messages at once: their sequence numbers.
    pub(crate) async fn append_messages(
        &self,
        task_id: Uuid,
        msgs: &[crate::model::NewResultMessage],
    ) -> Result<Vec<i64>> {
        let n = msgs.len() as i64;
        let mut tx = self.write().await?;
        let base = DB::append_messages(&mut tx, task_id, msgs)
            .await
            .map_err(|e| self.err(e))?
            .ok_or_else(|| crate::error::not_found(task_id))?;
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok((base + 1..=base + n).collect())
    }

    /// Writes a claimed task's result and its messages at once, only while
    /// `owner` holds its claim; `false` (nothing written) otherwise.
    pub(crate) async fn finish_task(
        &self,
        t: &crate::task::Task,
        owner: Uuid,
        msgs: &[crate::model::NewResultMessage],
    ) -> Result<bool> {
        let Some(mut tx) = self.begin_finish(t, owner).await? else {
            return Ok(false);
        };
        DB::append_messages(&mut tx, t.task_id, msgs)
            .await
            .map_err(|e| self.err(e))?;
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok(true)
    }

    /// The first half of finishing a task: in a write transaction, writes
    /// `t` if its version is still the stored one and `owner` still holds its
    /// claim. Returns the transaction for the dialect to append the messages
    /// and commit, or `None` (nothing written) when the claim or the version
    /// moved on.
    pub(crate) async fn begin_finish(
        &self,
        t: &crate::task::Task,
        owner: Uuid,
    ) -> Result<Option<sqlx::Transaction<'static, DB>>> {
        let mut tx = self.write().await?;
        let update = super::binds::task_finish(sqlx::query(FINISH), t, Ts(now()), owner);
        let written = DB::execute(&mut tx, update)
            .await
            .map_err(|e| self.err(e))?;
        Ok((written == 1).then_some(tx))
    }
}
