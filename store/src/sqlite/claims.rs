//! Claims on SQLite: a batch taken in one `BEGIN IMMEDIATE` transaction,
//! leases on this process's clock, waiting by polling.

use std::collections::HashMap;
use std::time::Duration;

use sqlx::types::Json;
use uuid::Uuid;

use super::SqliteStore;
use crate::claim::{Claim, Requeued, gave_up};
use crate::enums::TaskAction;
use crate::error::Result;
use crate::model::{ResultMessage, now};
use crate::sql::{Bind, MESSAGES_OF_MANY, Ts};
use crate::task::Task;

/// How often [`SqliteStore::wait_for_task`] looks for queued work.
const POLL: Duration = Duration::from_millis(100);

/// The tasks whose hex ids are the JSON array `$1`, with their subtask ids (as hex),
/// oldest first.
const CLAIMED: &str = "SELECT t.task_id, t.parent_task_id, t.status, t.action, t.design_ref, \
    t.design_snapshot_id, t.node_filter, t.request_context, \
    t.result_status, t.result_message, t.result_reason, t.result_error_count, \
    t.result_successes, t.result_failures, t.result_links, \
    t.retry, t.created, t.created_by, t.updated, t.terminated, t.terminated_by, t.terminate, \
    t.claimed_by, t.lease_expires, t.attempts, t.version, \
    (SELECT json_group_array(hex(c.task_id) ORDER BY c.created, c.rowid) \
      FROM tasks c WHERE c.parent_task_id = t.task_id) AS subtask_id_list \
    FROM tasks t WHERE t.task_id IN (SELECT unhex(value) FROM json_each($1)) \
    ORDER BY t.created, t.rowid";

/// Tasks whose lease lapsed before `$3` (now) go back to the queue, one attempt more,
/// or after `$1` attempts are complete and failed with reason `$2`.
const REQUEUE: &str = "UPDATE tasks AS t SET attempts = t.attempts + 1, \
    lease_expires = NULL, updated = $3, version = t.version + 1, \
    status = CASE WHEN t.attempts + 1 >= $1 THEN 'complete' ELSE 'queued' END, \
    claimed_by = CASE WHEN t.attempts + 1 >= $1 THEN t.claimed_by END, \
    result_status = CASE WHEN t.attempts + 1 < $1 THEN t.result_status \
      WHEN t.result_status IN ('success', 'partial_success') THEN 'partial_success' \
      ELSE 'failure' END, \
    result_reason = CASE WHEN t.attempts + 1 >= $1 THEN $2 ELSE t.result_reason END \
    WHERE t.status = 'running' AND t.lease_expires < $3 \
    RETURNING task_id, status";

/// Now plus `lease`, as far as time goes.
fn expiry(lease: Duration) -> Ts {
    let now = now();
    let later = chrono::Duration::from_std(lease)
        .ok()
        .and_then(|d| now.checked_add_signed(d))
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC);
    Ts(later)
}

impl SqliteStore {
    pub(crate) async fn claim_tasks(&self, c: &Claim, limit: u32) -> Result<Vec<Task>> {
        let mut tx = self.write().await?;
        let claimed: Vec<(Uuid,)> = sqlx::query_as(
            "UPDATE tasks AS t SET status = 'running', updated = $3, version = t.version + 1, \
             claimed_by = $4, lease_expires = $5 WHERE t.task_id IN ( \
               SELECT task_id FROM tasks WHERE status = 'queued' AND NOT terminate \
               AND ($1 = '[]' OR action IN (SELECT value FROM json_each($1))) \
               ORDER BY created, rowid LIMIT $2) RETURNING task_id",
        )
        .bind(Json(&c.actions))
        .bind(i64::from(limit))
        .bind(Ts(now()))
        .bind(c.owner)
        .bind(expiry(c.lease))
        .fetch_all(&mut *tx)
        .await
        .map_err(|e| self.err(e))?;
        if claimed.is_empty() {
            tx.commit().await.map_err(|e| self.err(e))?;
            return Ok(Vec::new());
        }
        let ids: Vec<String> = claimed
            .iter()
            .map(|(id,)| id.simple().to_string())
            .collect();
        let mut tasks: Vec<Task> = sqlx::query_as(CLAIMED)
            .bind(Json(&ids))
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| self.err(e))?;
        let messages: Vec<ResultMessage> = sqlx::query_as(MESSAGES_OF_MANY)
            .bind(Json(&ids))
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| self.err(e))?;
        tx.commit().await.map_err(|e| self.err(e))?;
        let mut by_task: HashMap<Uuid, Vec<ResultMessage>> = HashMap::new();
        for m in messages {
            by_task.entry(m.task_id).or_default().push(m);
        }
        for task in &mut tasks {
            task.messages = by_task.remove(&task.task_id).unwrap_or_default();
        }
        Ok(tasks)
    }

    pub(crate) async fn renew_claims(&self, owner: Uuid, lease: Duration) -> Result<u64> {
        let renew = sqlx::query(
            "UPDATE tasks SET lease_expires = $2 WHERE claimed_by = $1 AND status = 'running'",
        )
        .arg(owner)
        .arg(expiry(lease));
        self.execute_write(renew).await
    }

    pub(crate) async fn requeue_expired(&self, max_attempts: u32) -> Result<Requeued> {
        let mut tx = self.write().await?;
        let rows: Vec<(Uuid, String)> = sqlx::query_as(REQUEUE)
            .bind(i64::from(max_attempts))
            .bind(gave_up(max_attempts))
            .bind(Ts(now()))
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| self.err(e))?;
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok(Requeued::from_rows(rows))
    }

    /// Looks for queued work every [`POLL`] (SQLite cannot notify) until `timeout`.
    pub(crate) async fn wait_for_task(
        &self,
        actions: &[TaskAction],
        timeout: Duration,
    ) -> Result<bool> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if self.queued_exists(actions).await? {
                return Ok(true);
            }
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                return Ok(false);
            }
            tokio::time::sleep(left.min(POLL)).await;
        }
    }
}
