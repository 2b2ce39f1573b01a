//! Claims on PostgreSQL: a batch taken in one statement with `SKIP LOCKED`
//! (one round trip, on a connection held for claims: a worker's claims take
//! turns on it), leases on the database clock (so workers on different
//! hosts agree).

use std::time::Duration;

use sqlx::postgres::PgListener;
use uuid::Uuid;

use super::PgStore;
use super::tasks::{WithMessages, names};
use crate::claim::{Claim, Requeued, gave_up};
use crate::enums::TaskAction;
use crate::error::Result;
use crate::model::now;
use crate::sql::{Bind, Ts};
use crate::task::Task;

/// The channel a trigger notifies when a task is queued (schema version 3).
const QUEUED_CHANNEL: &str = "drydock_task_queued";

/// Whether a claim of actions `$1` (empty: any) would find a task now.
const QUEUED_EXISTS: &str = "SELECT EXISTS (SELECT 1 FROM tasks \
    WHERE status = 'queued' AND NOT terminate \
    AND (cardinality($1::text[]) = 0 OR action = ANY($1)))";

/// Claims up to `$2` queued tasks of actions `$1` (empty: any), oldest first, for
/// owner `$4` with a lease of `$5` seconds on the database clock (`$3` is now);
/// returns them with their messages.
const CLAIM: &str = "WITH picked AS (SELECT q.task_id FROM tasks q \
      WHERE q.status = 'queued' AND NOT q.terminate \
      AND (cardinality($1::text[]) = 0 OR q.action = ANY($1)) \
      ORDER BY q.created, q.seq LIMIT $2 FOR UPDATE SKIP LOCKED), \
    claimed AS (UPDATE tasks AS t SET status = 'running', updated = $3, \
      version = t.version + 1, claimed_by = $4, \
      lease_expires = clock_timestamp() + make_interval(secs => $5) \
      FROM picked WHERE t.task_id = picked.task_id \
      RETURNING t.seq, t.task_id, t.parent_task_id, t.status, t.action, t.design_ref, \
      t.design_snapshot_id, t.node_filter, t.request_context, \
      t.result_status, t.result_message, t.result_reason, t.result_error_count, \
      t.result_successes, t.result_failures, t.result_links, \
      t.retry, t.created, t.created_by, t.updated, t.terminated, t.terminated_by, t.terminate, \
      t.claimed_by, t.lease_expires, t.attempts, t.version, \
      (SELECT coalesce(json_agg(c.task_id ORDER BY c.created, c.seq), '[]') \
        FROM tasks c WHERE c.parent_task_id = t.task_id) AS subtask_id_list, \
      (SELECT json_agg(m ORDER BY m.sequence) \
        FROM result_message m WHERE m.task_id = t.task_id) AS messages) \
    SELECT * FROM claimed ORDER BY created, seq";

/// Tasks whose lease lapsed go back to the queue, one attempt more, or after `$1`
/// attempts are complete and failed with reason `$2`; `$3` is now.
const REQUEUE: &str = "WITH lapsed AS (SELECT task_id FROM tasks \
      WHERE status = 'running' AND lease_expires < clock_timestamp() \
      FOR UPDATE SKIP LOCKED) \
    UPDATE tasks AS t SET attempts = t.attempts + 1, \
    lease_expires = NULL, updated = $3, version = t.version + 1, \
    status = CASE WHEN t.attempts + 1 >= $1 THEN 'complete' ELSE 'queued' END, \
    claimed_by = CASE WHEN t.attempts + 1 >= $1 THEN t.claimed_by END, \
    result_status = CASE WHEN t.attempts + 1 < $1 THEN t.result_status \
      WHEN t.result_status IN ('success', 'partial_success') THEN 'partial_success' \
      ELSE 'failure' END, \
    result_reason = CASE WHEN t.attempts + 1 >= $1 THEN $2 ELSE t.result_reason END \
    FROM lapsed WHERE t.task_id = lapsed.task_id \
    RETURNING t.task_id, t.status";

impl PgStore {
    pub(crate) async fn claim_tasks(&self, c: &Claim, limit: u32) -> Result<Vec<Task>> {
        let query = sqlx::query(CLAIM)
            .bind(names(&c.actions, TaskAction::as_str))
            .arg(i64::from(limit))
            .arg(Ts(now()))
            .arg(c.owner)
            .arg(c.lease.as_secs_f64());
        // One round trip on the connection held for claims.
        let rows: Vec<WithMessages> = self.read_all_held(query).await?;
        Ok(rows.into_iter().map(Task::from).collect())
    }

    pub(crate) async fn renew_claims(&self, owner: Uuid, lease: Duration) -> Result<u64> {
        let renew = sqlx::query(
            "UPDATE tasks SET lease_expires = clock_timestamp() + make_interval(secs => $2) \
             WHERE claimed_by = $1 AND status = 'running'",
        )
        .bind(owner)
        .bind(lease.as_secs_f64());
        let done = renew.execute(&self.pool).await.map_err(|e| self.err(e))?;
        Ok(done.rows_affected())
    }

    pub(crate) async fn requeue_expired(&self, max_attempts: u32) -> Result<Requeued> {
        let query = sqlx::query(REQUEUE)
            .arg(i32::try_from(max_attempts).unwrap_or(i32::MAX))
            .arg(gave_up(max_attempts))
            .arg(Ts(now()));
        let rows: Vec<(Uuid, String)> = self.read_all(query).await?;
        Ok(Requeued::from_rows(rows))
    }

    /// Waits until a task may be queued or `timeout` passes: LISTEN first,
    /// then look, so a task queued in between is not missed. A listening
    /// connection that is lost also ends the wait (with true: notifications
    /// may have been missed, so the caller should look).
    pub(crate) async fn wait_for_task(
        &self,
        actions: &[TaskAction],
        timeout: Duration,
    ) -> Result<bool> {
        let mut listener = PgListener::connect_with(&self.pool)
            .await
            .map_err(|e| self.err(e))?;
        listener
            .listen(QUEUED_CHANNEL)
            .await
            .map_err(|e| self.err(e))?;
        // On the listener's own connection: a wait holds one connection,
        // also in a pool of one.
        let queued: bool = sqlx::query_scalar(QUEUED_EXISTS)
            .bind(names(actions, TaskAction::as_str))
            .fetch_one(&mut listener)
            .await
            .map_err(|e| self.err(e))?;
        if queued {
            return Ok(true);
        }
        match tokio::time::timeout(timeout, listener.try_recv()).await {
            Ok(Ok(_)) => Ok(true),
            Ok(Err(e)) => Err(self.err(e)),
            Err(_) => Ok(false),
        }
    }
}
