//! Tasks on PostgreSQL.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::postgres::PgRow;
use uuid::Uuid;

use super::PgStore;
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
         ARRAY(SELECT c.task_id FROM tasks c WHERE c.parent_task_id = t.task_id ORDER BY c.created, c.seq) \
         AS subtask_id_list"
    };
}

/// The task's messages as one JSON array, in the same round trip.
macro_rules! messages_col {
    () => {
        ", (SELECT json_agg(m ORDER BY m.sequence) FROM result_message m WHERE m.task_id = t.task_id) \
         AS messages"
    };
}

fn raw(row: &PgRow) -> std::result::Result<RawTask, sqlx::Error> {
    Ok(RawTask {
        task_id: row.try_get("task_id")?,
        parent_task_id: row.try_get("parent_task_id")?,
        subtask_id_list: row.try_get("subtask_id_list")?,
        status: row.try_get("status")?,
        action: row.try_get("action")?,
        design_ref: row.try_get("design_ref")?,
        design_snapshot_id: row.try_get("design_snapshot_id")?,
        node_filter: row.try_get("node_filter")?,
        request_context: row.try_get("request_context")?,
        result_status: row.try_get("result_status")?,
        result_message: row.try_get("result_message")?,
        result_reason: row.try_get("result_reason")?,
        result_error_count: row.try_get("result_error_count")?,
        result_successes: row.try_get("result_successes")?,
        result_failures: row.try_get("result_failures")?,
        result_links: row.try_get("result_links")?,
        retry: row.try_get("retry")?,
        created: row.try_get("created")?,
        created_by: row.try_get("created_by")?,
        updated: row.try_get("updated")?,
        terminated: row.try_get("terminated")?,
        terminated_by: row.try_get("terminated_by")?,
        terminate: row.try_get("terminate")?,
        version: row.try_get("version")?,
    })
}

fn strs<T: Copy>(items: &[T], f: fn(T) -> &'static str) -> Vec<&'static str> {
    items.iter().map(|i| f(*i)).collect()
}

impl PgStore {
    pub(crate) fn task(&self, row: &PgRow) -> Result<Task> {
        raw(row).map_err(|e| self.err(e))?.into_task(&self.url)
    }

    /// A task row selected with `messages_col!()`, messages attached.
    fn task_with_messages(&self, row: &PgRow) -> Result<Task> {
        let mut task = self.task(row)?;
        let messages: Option<serde_json::Value> =
            row.try_get("messages").map_err(|e| self.err(e))?;
        if let Some(messages) = messages {
            task.messages = serde_json::from_value(messages).map_err(|e| StoreError::Corrupt {
                field: "result_message".into(),
                url: self.url.clone(),
                reason: e.to_string(),
            })?;
        }
        Ok(task)
    }

    fn tasks(&self, rows: &[PgRow]) -> Result<Vec<Task>> {
        rows.iter().map(|r| self.task(r)).collect()
    }

    pub(crate) async fn create_task(&self, t: &NewTask) -> Result<Task> {
        let sql = concat!(
            "INSERT INTO tasks AS t (task_id, parent_task_id, status, action, design_ref, design_snapshot_id, \
             node_filter, request_context, result_status, created, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'unreported', $9, $10) RETURNING ",
            cols!()
        );
        let row = sqlx::query(sql)
            .bind(t.task_id)
            .bind(t.parent_task_id)
            .bind(t.status.as_str())
            .bind(t.action.as_str())
            .bind(t.design_ref.as_deref())
            .bind(t.design_snapshot_id)
            .bind(t.node_filter.as_ref())
            .bind(t.request_context.as_ref())
            .bind(t.created)
            .bind(t.created_by.as_deref())
            .fetch_one(&self.pool)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict {
                    what: format!("task {}", t.task_id),
                    reason: "a task with this id already exists".into(),
                },
                sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                    StoreError::NotFound {
                        what: "snapshot",
                        id: t
                            .design_snapshot_id
                            .map(|i| i.to_string())
                            .unwrap_or_default(),
                    }
                }
                _ => self.err(e),
            })?;
        self.task(&row)
    }

    pub(crate) async fn get_task(&self, task_id: Uuid) -> Result<Task> {
        let sql = concat!(
            "SELECT ",
            cols!(),
            messages_col!(),
            " FROM tasks t WHERE t.task_id = $1"
        );
        let row = sqlx::query(sql)
            .bind(task_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.err(e))?
            .ok_or_else(|| not_found(task_id))?;
        self.task_with_messages(&row)
    }

    pub(crate) async fn update_task(&self, t: &Task) -> Result<Task> {
        let sql = concat!(
            "UPDATE tasks AS t SET parent_task_id = $3, status = $4, design_ref = $5, design_snapshot_id = $6, \
             node_filter = $7, request_context = $8, result_status = $9, result_message = $10, \
             result_reason = $11, result_successes = $12, result_failures = $13, result_links = $14, \
             retry = $15, updated = $16, terminated = $17, terminated_by = $18, terminate = $19, \
             version = t.version + 1 WHERE t.task_id = $1 AND t.version = $2 RETURNING ",
            cols!(),
            messages_col!()
        );
        let row = sqlx::query(sql)
            .bind(t.task_id)
            .bind(t.version)
            .bind(t.parent_task_id)
            .bind(t.status.as_str())
            .bind(t.design_ref.as_deref())
            .bind(t.design_snapshot_id)
            .bind(t.node_filter.as_ref())
            .bind(t.request_context.as_ref())
            .bind(t.result.status.as_str())
            .bind(t.result.message.as_deref())
            .bind(t.result.reason.as_deref())
            .bind(string_list(&t.result.successes))
            .bind(string_list(&t.result.failures))
            .bind(t.result.links.as_ref())
            .bind(t.retry)
            .bind(now())
            .bind(t.terminated)
            .bind(t.terminated_by.as_deref())
            .bind(t.terminate)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.err(e))?;
        match row {
            Some(row) => self.task_with_messages(&row),
            None => {
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
        }
    }

    pub(crate) async fn list_tasks(&self, f: &TaskFilter) -> Result<Vec<Task>> {
        let sql = concat!(
            "SELECT ",
            cols!(),
            " FROM tasks t WHERE (cardinality($1::text[]) = 0 OR t.status = ANY($1)) \
             AND (cardinality($2::text[]) = 0 OR t.action = ANY($2)) ORDER BY t.created, t.seq LIMIT $3"
        );
        let rows = sqlx::query(sql)
            .bind(strs(&f.statuses, TaskStatus::as_str))
            .bind(strs(&f.actions, TaskAction::as_str))
            .bind(f.limit.map(i64::from))
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.err(e))?;
        self.tasks(&rows)
    }

    pub(crate) async fn link_subtask(&self, parent: Uuid, child: Uuid) -> Result<()> {
        let exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM tasks WHERE task_id = $1)")
                .bind(parent)
                .fetch_one(&self.pool)
                .await
                .map_err(|e| self.err(e))?;
        if !exists {
            return Err(not_found(parent));
        }
        let done = sqlx::query(
            "UPDATE tasks SET parent_task_id = $1, version = version + 1, updated = $3 WHERE task_id = $2",
        )
        .bind(parent)
        .bind(child)
        .bind(now())
        .execute(&self.pool)
        .await
        .map_err(|e| self.err(e))?;
        if done.rows_affected() == 0 {
            return Err(not_found(child));
        }
        Ok(())
    }

    pub(crate) async fn subtasks(&self, parent: Uuid, filter: SubtaskFilter) -> Result<Vec<Task>> {
        let sql = concat!(
            "SELECT ",
            cols!(),
            " FROM tasks t WHERE t.parent_task_id = $1 AND ($2::text[] IS NULL OR t.status = ANY($2)) \
             ORDER BY t.created, t.seq"
        );
        let rows = sqlx::query(sql)
            .bind(parent)
            .bind(filter.statuses().map(|s| strs(s, TaskStatus::as_str)))
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.err(e))?;
        self.tasks(&rows)
    }

    pub(crate) async fn claim_next_task(&self, actions: &[TaskAction]) -> Result<Option<Task>> {
        let sql = concat!(
            "UPDATE tasks AS t SET status = 'running', updated = $2, version = t.version + 1 \
             WHERE t.task_id = (SELECT q.task_id FROM tasks q WHERE q.status = 'queued' \
             AND (cardinality($1::text[]) = 0 OR q.action = ANY($1)) \
             ORDER BY q.created, q.seq LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING ",
            cols!(),
            messages_col!()
        );
        let row = sqlx::query(sql)
            .bind(strs(actions, TaskAction::as_str))
            .bind(now())
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.err(e))?;
        match row {
            Some(row) => self.task_with_messages(&row).map(Some),
            None => Ok(None),
        }
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
