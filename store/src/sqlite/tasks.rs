//! Tasks on SQLite: writes in one `BEGIN IMMEDIATE` transaction each, the
//! task and its messages read back inside it.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{Sqlite, Transaction};
use uuid::Uuid;

use super::SqliteStore;
use crate::enums::{SubtaskFilter, TaskStatus};
use crate::error::{Result, conflict, not_found};
use crate::model::now;
use crate::sql::{Bind, Ts, binds};
use crate::task::{NewTask, Task, TaskFilter};

/// Task `$1` with its subtask ids (as hex, oldest first).
const SELECT_ONE: &str = "SELECT t.task_id, t.parent_task_id, t.status, t.action, t.design_ref, \
    t.design_snapshot_id, t.node_filter, t.request_context, \
    t.result_status, t.result_message, t.result_reason, t.result_error_count, \
    t.result_successes, t.result_failures, t.result_links, \
    t.retry, t.created, t.created_by, t.updated, t.terminated, t.terminated_by, t.terminate, \
    t.claimed_by, t.lease_expires, t.attempts, t.version, \
    (SELECT json_group_array(hex(c.task_id) ORDER BY c.created, c.rowid) \
      FROM tasks c WHERE c.parent_task_id = t.task_id) AS subtask_id_list \
    FROM tasks t WHERE t.task_id = $1";

/// Inserts a task; binds: [`binds::new_task`].
const INSERT: &str = "INSERT INTO tasks AS t (task_id, parent_task_id, status, action, design_ref, \
    design_snapshot_id, node_filter, request_context, result_status, result_links, \
    created, created_by) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'unreported', '[]', $9, $10)";

/// Writes a task's mutable fields if its version is still `$2` (a task that stops
/// running loses its lease); binds: [`binds::task_update`].
const UPDATE: &str = "UPDATE tasks AS t SET parent_task_id = $3, status = $4, design_ref = $5, \
    design_snapshot_id = $6, node_filter = $7, request_context = $8, \
    result_status = $9, result_message = $10, result_reason = $11, \
    result_successes = $12, result_failures = $13, result_links = $14, \
    retry = $15, updated = $16, terminated = $17, terminated_by = $18, terminate = $19, \
    version = t.version + 1, \
    lease_expires = CASE WHEN $4 = 'running' THEN t.lease_expires END \
    WHERE t.task_id = $1 AND t.version = $2";

/// Tasks of statuses `$1` and actions `$2` (JSON arrays, empty: any), oldest first,
/// at most `$3` (NULL: all).
const LIST: &str = "SELECT t.task_id, t.parent_task_id, t.status, t.action, t.design_ref, \
    t.design_snapshot_id, t.node_filter, t.request_context, \
    t.result_status, t.result_message, t.result_reason, t.result_error_count, \
    t.result_successes, t.result_failures, t.result_links, \
    t.retry, t.created, t.created_by, t.updated, t.terminated, t.terminated_by, t.terminate, \
    t.claimed_by, t.lease_expires, t.attempts, t.version, \
    (SELECT json_group_array(hex(c.task_id) ORDER BY c.created, c.rowid) \
      FROM tasks c WHERE c.parent_task_id = t.task_id) AS subtask_id_list \
    FROM tasks t \
    WHERE ($1 = '[]' OR t.status IN (SELECT value FROM json_each($1))) \
    AND ($2 = '[]' OR t.action IN (SELECT value FROM json_each($2))) \
    ORDER BY t.created, t.rowid LIMIT coalesce($3, -1)";

/// The subtasks of `$1` with statuses `$2` (a JSON array, empty: any), oldest first.
const SUBTASKS: &str = "SELECT t.task_id, t.parent_task_id, t.status, t.action, t.design_ref, \
    t.design_snapshot_id, t.node_filter, t.request_context, \
    t.result_status, t.result_message, t.result_reason, t.result_error_count, \
    t.result_successes, t.result_failures, t.result_links, \
    t.retry, t.created, t.created_by, t.updated, t.terminated, t.terminated_by, t.terminate, \
    t.claimed_by, t.lease_expires, t.attempts, t.version, \
    (SELECT json_group_array(hex(c.task_id) ORDER BY c.created, c.rowid) \
      FROM tasks c WHERE c.parent_task_id = t.task_id) AS subtask_id_list \
    FROM tasks t \
    WHERE t.parent_task_id = $1 \
    AND ($2 = '[]' OR t.status IN (SELECT value FROM json_each($2))) \
    ORDER BY t.created, t.rowid";

impl SqliteStore {
    /// The task with its messages, read in `tx`.
    pub(super) async fn read_task(
        &self,
        tx: &mut Transaction<'static, Sqlite>,
        task_id: Uuid,
    ) -> Result<Option<Task>> {
        let task: Option<Task> = sqlx::query_as(SELECT_ONE)
            .bind(task_id)
            .fetch_optional(&mut **tx)
            .await
            .map_err(|e| self.err(e))?;
        let Some(mut task) = task else {
            return Ok(None);
        };
        task.messages = sqlx::query_as(crate::sql::MESSAGES)
            .bind(task_id)
            .fetch_all(&mut **tx)
            .await
            .map_err(|e| self.err(e))?;
        Ok(Some(task))
    }

    pub(crate) async fn create_task(&self, t: &NewTask) -> Result<Task> {
        let mut tx = self.write().await?;
        binds::new_task(sqlx::query(INSERT), t)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.create_error(t, e))?;
        let task = self.read_task(&mut tx, t.task_id).await?;
        tx.commit().await.map_err(|e| self.err(e))?;
        task.ok_or_else(|| not_found(t.task_id))
    }

    pub(crate) async fn get_task(&self, task_id: Uuid) -> Result<Task> {
        let mut tx = self.pool.begin().await.map_err(|e| self.err(e))?;
        let task = self.read_task(&mut tx, task_id).await?;
        tx.commit().await.map_err(|e| self.err(e))?;
        task.ok_or_else(|| not_found(task_id))
    }

    pub(crate) async fn update_task(&self, t: &Task) -> Result<Task> {
        let mut tx = self.write().await?;
        let done = binds::task_update(sqlx::query(UPDATE), t, Ts(now()))
            .execute(&mut *tx)
            .await
            .map_err(|e| self.err(e))?;
        let task = match (
            done.rows_affected(),
            self.read_task(&mut tx, t.task_id).await?,
        ) {
            (1, Some(task)) => task,
            (_, Some(current)) => return Err(conflict(t.task_id, t.version, current.version)),
            (_, None) => return Err(not_found(t.task_id)),
        };
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok(task)
    }

    pub(crate) async fn list_tasks(&self, f: &TaskFilter) -> Result<Vec<Task>> {
        let query = sqlx::query(LIST)
            .arg(Json(&f.statuses))
            .arg(Json(&f.actions))
            .arg(f.limit.map(i64::from));
        self.read_all(query).await
    }

    pub(crate) async fn subtasks(&self, parent: Uuid, filter: SubtaskFilter) -> Result<Vec<Task>> {
        let statuses: &[TaskStatus] = filter.statuses().unwrap_or(&[]);
        self.read_all(sqlx::query(SUBTASKS).arg(parent).arg(Json(statuses)))
            .await
    }

    pub(crate) async fn delete_tasks_before(&self, cutoff: DateTime<Utc>) -> Result<u64> {
        let delete = sqlx::query(
            "WITH RECURSIVE doomed(task_id) AS ( \
               SELECT task_id FROM tasks WHERE created < $1 \
               UNION SELECT c.task_id FROM tasks c JOIN doomed d ON c.parent_task_id = d.task_id) \
             DELETE FROM tasks WHERE task_id IN (SELECT task_id FROM doomed)",
        );
        self.execute_write(delete.arg(Ts(cutoff))).await
    }
}
