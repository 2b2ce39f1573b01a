//! Tasks on PostgreSQL: every call is one statement, the task read back
//! with its messages in the same round trip.

use chrono::{DateTime, Utc};
use sqlx::FromRow as _;
use sqlx::postgres::PgRow;
use uuid::Uuid;

use super::PgStore;
use crate::enums::{SubtaskFilter, TaskAction, TaskStatus};
use crate::error::{Result, conflict, not_found};
use crate::model::{ResultMessage, now};
use crate::sql::{Bind, Ts, binds};
use crate::task::{NewTask, Task, TaskFilter};

/// Inserts a task (binds: [`binds::new_task`]) and returns it with its subtask ids.
const INSERT: &str = "INSERT INTO tasks AS t (task_id, parent_task_id, status, action, design_ref, \
    design_snapshot_id, node_filter, request_context, result_status, result_links, \
    created, created_by) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'unreported', '[]', $9, $10) \
    RETURNING t.task_id, t.parent_task_id, t.status, t.action, t.design_ref, \
    t.design_snapshot_id, t.node_filter, t.request_context, \
    t.result_status, t.result_message, t.result_reason, t.result_error_count, \
    t.result_successes, t.result_failures, t.result_links, \
    t.retry, t.created, t.created_by, t.updated, t.terminated, t.terminated_by, t.terminate, \
    t.claimed_by, t.lease_expires, t.attempts, t.version, \
    (SELECT coalesce(json_agg(c.task_id ORDER BY c.created, c.seq), '[]') \
      FROM tasks c WHERE c.parent_task_id = t.task_id) AS subtask_id_list";

/// Task `$1` with its subtask ids (oldest first) and its messages.
const SELECT_ONE: &str = "SELECT t.task_id, t.parent_task_id, t.status, t.action, t.design_ref, \
    t.design_snapshot_id, t.node_filter, t.request_context, \
    t.result_status, t.result_message, t.result_reason, t.result_error_count, \
    t.result_successes, t.result_failures, t.result_links, \
    t.retry, t.created, t.created_by, t.updated, t.terminated, t.terminated_by, t.terminate, \
    t.claimed_by, t.lease_expires, t.attempts, t.version, \
    (SELECT coalesce(json_agg(c.task_id ORDER BY c.created, c.seq), '[]') \
      FROM tasks c WHERE c.parent_task_id = t.task_id) AS subtask_id_list, \
    (SELECT json_agg(m ORDER BY m.sequence) \
      FROM result_message m WHERE m.task_id = t.task_id) AS messages \
    FROM tasks t WHERE t.task_id = $1";

/// Writes a task's mutable fields if its version is still `$2` (a task that stops
/// running loses its lease; binds: [`binds::task_update`]); returns it as [`SELECT_ONE`] does.
const UPDATE: &str = "UPDATE tasks AS t SET parent_task_id = $3, status = $4, design_ref = $5, \
    design_snapshot_id = $6, node_filter = $7, request_context = $8, \
    result_status = $9, result_message = $10, result_reason = $11, \
    result_successes = $12, result_failures = $13, result_links = $14, \
    retry = $15, updated = $16, terminated = $17, terminated_by = $18, terminate = $19, \
    version = t.version + 1, \
    lease_expires = CASE WHEN $4 = 'running' THEN t.lease_expires END \
    WHERE t.task_id = $1 AND t.version = $2 \
    RETURNING t.task_id, t.parent_task_id, t.status, t.action, t.design_ref, \
    t.design_snapshot_id, t.node_filter, t.request_context, \
    t.result_status, t.result_message, t.result_reason, t.result_error_count, \
    t.result_successes, t.result_failures, t.result_links, \
    t.retry, t.created, t.created_by, t.updated, t.terminated, t.terminated_by, t.terminate, \
    t.claimed_by, t.lease_expires, t.attempts, t.version, \
    (SELECT coalesce(json_agg(c.task_id ORDER BY c.created, c.seq), '[]') \
      FROM tasks c WHERE c.parent_task_id = t.task_id) AS subtask_id_list, \
    (SELECT json_agg(m ORDER BY m.sequence) \
      FROM result_message m WHERE m.task_id = t.task_id) AS messages";

/// Tasks of statuses `$1` and actions `$2` (empty: any), oldest first, at most `$3`.
const LIST: &str = "SELECT t.task_id, t.parent_task_id, t.status, t.action, t.design_ref, \
    t.design_snapshot_id, t.node_filter, t.request_context, \
    t.result_status, t.result_message, t.result_reason, t.result_error_count, \
    t.result_successes, t.result_failures, t.result_links, \
    t.retry, t.created, t.created_by, t.updated, t.terminated, t.terminated_by, t.terminate, \
    t.claimed_by, t.lease_expires, t.attempts, t.version, \
    (SELECT coalesce(json_agg(c.task_id ORDER BY c.created, c.seq), '[]') \
      FROM tasks c WHERE c.parent_task_id = t.task_id) AS subtask_id_list \
    FROM tasks t \
    WHERE (cardinality($1::text[]) = 0 OR t.status = ANY($1)) \
    AND (cardinality($2::text[]) = 0 OR t.action = ANY($2)) \
    ORDER BY t.created, t.seq LIMIT $3";

/// The subtasks of `$1` with statuses `$2` (NULL: any), oldest first.
const SUBTASKS: &str = "SELECT t.task_id, t.parent_task_id, t.status, t.action, t.design_ref, \
    t.design_snapshot_id, t.node_filter, t.request_context, \
    t.result_status, t.result_message, t.result_reason, t.result_error_count, \
    t.result_successes, t.result_failures, t.result_links, \
    t.retry, t.created, t.created_by, t.updated, t.terminated, t.terminated_by, t.terminate, \
    t.claimed_by, t.lease_expires, t.attempts, t.version, \
    (SELECT coalesce(json_agg(c.task_id ORDER BY c.created, c.seq), '[]') \
      FROM tasks c WHERE c.parent_task_id = t.task_id) AS subtask_id_list \
    FROM tasks t \
    WHERE t.parent_task_id = $1 AND ($2::text[] IS NULL OR t.status = ANY($2)) \
    ORDER BY t.created, t.seq";

/// A task row with its messages (as [`SELECT_ONE`] selects it).
pub(super) struct WithMessages {
    task: Task,
    messages: Option<Vec<ResultMessage>>,
}

crate::sql::from_rows!(WithMessages, |row| Ok(WithMessages {
    task: sqlx::FromRow::from_row(row)?,
    messages: row
        .try_get::<Option<sqlx::types::Json<Vec<ResultMessage>>>, _>("messages")?
        .map(|j| j.0),
}));

impl From<WithMessages> for Task {
    fn from(row: WithMessages) -> Task {
        Task {
            messages: row.messages.unwrap_or_default(),
            ..row.task
        }
    }
}

/// The string forms of statuses or actions, bound as a `text[]`.
pub(super) fn names<T>(items: &[T], name: fn(&T) -> &str) -> Vec<&str> {
    items.iter().map(name).collect()
}

impl PgStore {
    pub(crate) async fn create_task(&self, t: &NewTask) -> Result<Task> {
        binds::new_task(sqlx::query(INSERT), t)
            .try_map(|row: PgRow| Task::from_row(&row))
            .fetch_one(&self.pool)
            .await
            .map_err(|e| self.create_error(t, e))
    }

    pub(crate) async fn get_task(&self, task_id: Uuid) -> Result<Task> {
        let select = sqlx::query(SELECT_ONE).arg(task_id);
        let row: Option<WithMessages> = self.read_optional(select).await?;
        row.map(Task::from).ok_or_else(|| not_found(task_id))
    }

    pub(crate) async fn update_task(&self, t: &Task) -> Result<Task> {
        let query = binds::task_update(sqlx::query(UPDATE), t, Ts(now()));
        let row: Option<WithMessages> = self.read_optional(query).await?;
        if let Some(row) = row {
            return Ok(row.into());
        }
        let current: Option<i64> =
            sqlx::query_scalar("SELECT version FROM tasks WHERE task_id = $1")
                .bind(t.task_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| self.err(e))?;
        Err(match current {
            Some(v) => conflict(t.task_id, t.version, v),
            None => not_found(t.task_id),
        })
    }

    pub(crate) async fn list_tasks(&self, f: &TaskFilter) -> Result<Vec<Task>> {
        sqlx::query_as(LIST)
            .bind(names(&f.statuses, TaskStatus::as_str))
            .bind(names(&f.actions, TaskAction::as_str))
            .bind(f.limit.map(i64::from))
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.err(e))
    }

    pub(crate) async fn subtasks(&self, parent: Uuid, filter: SubtaskFilter) -> Result<Vec<Task>> {
        sqlx::query_as(SUBTASKS)
            .bind(parent)
            .bind(filter.statuses().map(|s| names(s, TaskStatus::as_str)))
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.err(e))
    }

    pub(crate) async fn delete_tasks_before(&self, cutoff: DateTime<Utc>) -> Result<u64> {
        // First lock the doomed tasks: appenders lock the task row too, so once
        // this returns no message can be added to them, and the delete below
        // (a new snapshot) sees every message already committed.
        let mut tx = self.pool.begin().await.map_err(|e| self.err(e))?;
        sqlx::query(
            "WITH RECURSIVE doomed(task_id) AS ( \
               SELECT task_id FROM tasks WHERE created < $1 \
               UNION SELECT c.task_id FROM tasks c JOIN doomed d ON c.parent_task_id = d.task_id) \
             SELECT 1 FROM tasks WHERE task_id IN (SELECT task_id FROM doomed) FOR UPDATE",
        )
        .bind(cutoff)
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(e))?;
        let deleted: i64 = sqlx::query_scalar(
            "WITH RECURSIVE doomed(task_id) AS ( \
               SELECT task_id FROM tasks WHERE created < $1 \
               UNION SELECT c.task_id FROM tasks c JOIN doomed d ON c.parent_task_id = d.task_id), \
             gone AS (DELETE FROM tasks WHERE task_id IN (SELECT task_id FROM doomed) RETURNING task_id), \
             messages AS (DELETE FROM result_message WHERE task_id IN (SELECT task_id FROM gone)) \
             SELECT count(*) FROM gone",
        )
        .bind(cutoff)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| self.err(e))?;
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok(deleted as u64)
    }
}
