//! Tasks on SQLite.

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{Sqlite, Transaction};
use uuid::Uuid;

use super::{SqliteStore, json_text, ts};
use crate::enums::{SubtaskFilter, TaskAction, TaskStatus};
use crate::error::{Result, StoreError};
use crate::error::{conflict, not_found};
use crate::model::{NewTask, Task, TaskFilter, now};
use crate::raw::{RawTask, string_list};

macro_rules! cols {
    () => {
        "t.task_id, t.parent_task_id, t.status, t.action, t.design_ref, t.design_snapshot_id, \
         t.node_filter, t.request_context, t.result_status, t.result_message, t.result_reason, \
         t.result_error_count, t.result_successes, t.result_failures, t.result_links, t.retry, \
         t.created, t.created_by, t.updated, t.terminated, t.terminated_by, t.terminate, t.version, \
         (SELECT group_concat(hex(c.task_id), ',' ORDER BY c.created, c.rowid) FROM tasks c \
          WHERE c.parent_task_id = t.task_id) AS subtask_id_list"
    };
}

fn json_list<T: Copy>(items: &[T], f: fn(T) -> &'static str) -> String {
    serde_json::Value::Array(items.iter().map(|i| f(*i).into()).collect()).to_string()
}

impl SqliteStore {
    fn task(&self, row: &SqliteRow) -> Result<Task> {
        let subtasks: Option<String> = self.get(row, "subtask_id_list")?;
        let subtask_id_list = subtasks
            .as_deref()
            .unwrap_or("")
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| Uuid::parse_str(s).map_err(|e| self.corrupt_field("tasks.subtask_id_list", e)))
            .collect::<Result<Vec<_>>>()?;
        let list = |col: &str| -> Result<serde_json::Value> {
            Ok(self
                .get_json(row, col)?
                .unwrap_or_else(|| serde_json::Value::Array(Vec::new())))
        };
        RawTask {
            task_id: self.get(row, "task_id")?,
            parent_task_id: self.get(row, "parent_task_id")?,
            subtask_id_list,
            status: self.get(row, "status")?,
            action: self.get(row, "action")?,
            design_ref: self.get(row, "design_ref")?,
            design_snapshot_id: self.get(row, "design_snapshot_id")?,
            node_filter: self.get_json(row, "node_filter")?,
            request_context: self.get_json(row, "request_context")?,
            result_status: self.get(row, "result_status")?,
            result_message: self.get(row, "result_message")?,
            result_reason: self.get(row, "result_reason")?,
            result_error_count: self.get(row, "result_error_count")?,
            result_successes: list("result_successes")?,
            result_failures: list("result_failures")?,
            result_links: self.get_json(row, "result_links")?,
            retry: self.get(row, "retry")?,
            created: self.get_ts(row, "created")?,
            created_by: self.get(row, "created_by")?,
            updated: self.get_opt_ts(row, "updated")?,
            terminated: self.get_opt_ts(row, "terminated")?,
            terminated_by: self.get(row, "terminated_by")?,
            terminate: self.get(row, "terminate")?,
            version: self.get(row, "version")?,
        }
        .into_task(&self.url)
    }

    fn corrupt_field(&self, field: &str, reason: impl ToString) -> StoreError {
        StoreError::Corrupt {
            field: field.to_owned(),
            url: self.url.clone(),
            reason: reason.to_string(),
        }
    }

    async fn read_task(
        &self,
        tx: &mut Transaction<'static, Sqlite>,
        task_id: Uuid,
    ) -> Result<Option<Task>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            cols!(),
            " FROM tasks t WHERE t.task_id = $1"
        ))
        .bind(task_id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(|e| self.err(e))?;
        row.map(|r| self.task(&r)).transpose()
    }

    pub(crate) async fn create_task(&self, t: &NewTask) -> Result<Task> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO tasks (task_id, parent_task_id, status, action, design_ref, design_snapshot_id, \
             node_filter, request_context, result_status, created, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'unreported', $9, $10)",
        )
        .bind(t.task_id)
        .bind(t.parent_task_id)
        .bind(t.status.as_str())
        .bind(t.action.as_str())
        .bind(t.design_ref.as_deref())
        .bind(t.design_snapshot_id)
        .bind(json_text(t.node_filter.as_ref()))
        .bind(json_text(t.request_context.as_ref()))
        .bind(ts(t.created))
        .bind(t.created_by.as_deref())
        .execute(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict {
                what: format!("task {}", t.task_id),
                reason: "a task with this id already exists".into(),
            },
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound {
                what: "snapshot",
                id: t.design_snapshot_id.map(|i| i.to_string()).unwrap_or_default(),
            },
            _ => self.err(e),
        })?;
        let task = self
            .read_task(&mut tx, t.task_id)
            .await?
            .ok_or_else(|| not_found(t.task_id))?;
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok(task)
    }

    pub(crate) async fn get_task(&self, task_id: Uuid) -> Result<Task> {
        let mut tx = self.pool.begin().await.map_err(|e| self.err(e))?;
        let mut task = self
            .read_task(&mut tx, task_id)
            .await?
            .ok_or_else(|| not_found(task_id))?;
        task.messages = self.messages_in(&mut tx, task_id).await?;
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok(task)
    }

    pub(crate) async fn update_task(&self, t: &Task) -> Result<Task> {
        let mut tx = self.write().await?;
        let done = sqlx::query(
            "UPDATE tasks SET parent_task_id = $3, status = $4, design_ref = $5, design_snapshot_id = $6, \
             node_filter = $7, request_context = $8, result_status = $9, result_message = $10, \
             result_reason = $11, result_successes = $12, result_failures = $13, result_links = $14, \
             retry = $15, updated = $16, terminated = $17, terminated_by = $18, terminate = $19, \
             version = version + 1 WHERE task_id = $1 AND version = $2",
        )
        .bind(t.task_id)
        .bind(t.version)
        .bind(t.parent_task_id)
        .bind(t.status.as_str())
        .bind(t.design_ref.as_deref())
        .bind(t.design_snapshot_id)
        .bind(json_text(t.node_filter.as_ref()))
        .bind(json_text(t.request_context.as_ref()))
        .bind(t.result.status.as_str())
        .bind(t.result.message.as_deref())
        .bind(t.result.reason.as_deref())
        .bind(string_list(&t.result.successes).to_string())
        .bind(string_list(&t.result.failures).to_string())
        .bind(json_text(t.result.links.as_ref()))
        .bind(t.retry)
        .bind(ts(now()))
        .bind(t.terminated.map(ts))
        .bind(t.terminated_by.as_deref())
        .bind(t.terminate)
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(e))?;
        let task = self.read_task(&mut tx, t.task_id).await?;
        let mut task = match (done.rows_affected(), task) {
            (1, Some(task)) => task,
            (_, Some(current)) => return Err(conflict(t.task_id, t.version, current.version)),
            (_, None) => return Err(not_found(t.task_id)),
        };
        task.messages = self.messages_in(&mut tx, t.task_id).await?;
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok(task)
    }

    async fn select_tasks(
        &self,
        q: sqlx::query::Query<'_, Sqlite, sqlx::sqlite::SqliteArguments>,
    ) -> Result<Vec<Task>> {
        let rows = q.fetch_all(&self.pool).await.map_err(|e| self.err(e))?;
        rows.iter().map(|r| self.task(r)).collect()
    }

    pub(crate) async fn list_tasks(&self, f: &TaskFilter) -> Result<Vec<Task>> {
        let sql = concat!(
            "SELECT ",
            cols!(),
            " FROM tasks t WHERE ($1 = '[]' OR t.status IN (SELECT value FROM json_each($1))) \
             AND ($2 = '[]' OR t.action IN (SELECT value FROM json_each($2))) \
             ORDER BY t.created, t.rowid LIMIT coalesce($3, -1)"
        );
        let q = sqlx::query(sql)
            .bind(json_list(&f.statuses, TaskStatus::as_str))
            .bind(json_list(&f.actions, TaskAction::as_str))
            .bind(f.limit.map(i64::from));
        self.select_tasks(q).await
    }

    pub(crate) async fn link_subtask(&self, parent: Uuid, child: Uuid) -> Result<()> {
        let mut tx = self.write().await?;
        if self.read_task(&mut tx, parent).await?.is_none() {
            return Err(not_found(parent));
        }
        let done = sqlx::query(
            "UPDATE tasks SET parent_task_id = $1, version = version + 1, updated = $3 WHERE task_id = $2",
        )
        .bind(parent)
        .bind(child)
        .bind(ts(now()))
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(e))?;
        if done.rows_affected() == 0 {
            return Err(not_found(child));
        }
        tx.commit().await.map_err(|e| self.err(e))
    }

    pub(crate) async fn subtasks(&self, parent: Uuid, filter: SubtaskFilter) -> Result<Vec<Task>> {
        let sql = concat!(
            "SELECT ",
            cols!(),
            " FROM tasks t WHERE t.parent_task_id = $1 \
             AND ($2 = '[]' OR t.status IN (SELECT value FROM json_each($2))) ORDER BY t.created, t.rowid"
        );
        let statuses = filter.statuses().map(|s| json_list(s, TaskStatus::as_str));
        let q = sqlx::query(sql)
            .bind(parent)
            .bind(statuses.unwrap_or_else(|| "[]".into()));
        self.select_tasks(q).await
    }

    pub(crate) async fn claim_next_task(&self, actions: &[TaskAction]) -> Result<Option<Task>> {
        let mut tx = self.write().await?;
        let id: Option<Uuid> = sqlx::query_scalar(
            "SELECT task_id FROM tasks WHERE status = 'queued' \
             AND ($1 = '[]' OR action IN (SELECT value FROM json_each($1))) ORDER BY created, rowid LIMIT 1",
        )
        .bind(json_list(actions, TaskAction::as_str))
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| self.err(e))?;
        let Some(id) = id else { return Ok(None) };
        sqlx::query("UPDATE tasks SET status = 'running', updated = $2, version = version + 1 WHERE task_id = $1")
            .bind(id)
            .bind(ts(now()))
            .execute(&mut *tx)
            .await
            .map_err(|e| self.err(e))?;
        let mut task = self
            .read_task(&mut tx, id)
            .await?
            .ok_or_else(|| not_found(id))?;
        task.messages = self.messages_in(&mut tx, id).await?;
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok(Some(task))
    }

    pub(crate) async fn delete_tasks_before(&self, cutoff: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.write().await?;
        let done = sqlx::query(
            "WITH RECURSIVE doomed(task_id) AS ( \
               SELECT task_id FROM tasks WHERE created < $1 \
               UNION SELECT c.task_id FROM tasks c JOIN doomed d ON c.parent_task_id = d.task_id) \
             DELETE FROM tasks WHERE task_id IN (SELECT task_id FROM doomed)",
        )
        .bind(ts(cutoff))
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(e))?;
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok(done.rows_affected())
    }
}
