//! Tasks on PostgreSQL: every call is one statement, the task read back
//! with its messages in the same round trip.

use chrono::{DateTime, Utc};
use sqlx::FromRow;
use sqlx::postgres::PgRow;
use uuid::Uuid;

use super::PgStore;
use crate::enums::{SubtaskFilter, TaskAction, TaskStatus};
use crate::error::{Result, conflict, not_found};
use crate::model::{ResultMessage, now};
use crate::sql::{Bind, Ts, binds};
use crate::task::{NewTask, Task, TaskFilter};

/// A task's columns and its subtask ids, oldest first.
macro_rules! pg_task_cols {
    () => {
        concat!(
            task_cols!(),
            ", (SELECT coalesce(json_agg(c.task_id ORDER BY c.created, c.seq), '[]') \
             FROM tasks c WHERE c.parent_task_id = t.task_id) AS subtask_id_list"
        )
    };
}

/// `pg_task_cols!` and the task's messages as one JSON array, in the same round trip.
macro_rules! pg_cols_and_messages {
    () => {
        concat!(
            pg_task_cols!(),
            ", (SELECT json_agg(m ORDER BY m.sequence) FROM result_message m \
             WHERE m.task_id = t.task_id) AS messages"
        )
    };
}

/// A task row selected with `pg_cols_and_messages!`.
#[derive(FromRow)]
pub(super) struct WithMessages {
    #[sqlx(flatten)]
    task: Task,
    #[sqlx(json(nullable))]
    messages: Option<Vec<ResultMessage>>,
}

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
        let sql = concat!(insert_task!(), " RETURNING ", pg_task_cols!());
        binds::new_task(sqlx::query(sql), t)
            .try_map(|row: PgRow| Task::from_row(&row))
            .fetch_one(&self.pool)
            .await
            .map_err(|e| self.create_error(t, e))
    }

    pub(crate) async fn get_task(&self, task_id: Uuid) -> Result<Task> {
        let sql = concat!(
            "SELECT ",
            pg_cols_and_messages!(),
            " FROM tasks t WHERE t.task_id = $1"
        );
        let row: Option<WithMessages> = self.read_optional(sqlx::query(sql).arg(task_id)).await?;
        row.map(Task::from).ok_or_else(|| not_found(task_id))
    }

    pub(crate) async fn update_task(&self, t: &Task) -> Result<Task> {
        let sql = concat!(update_task!(), " RETURNING ", pg_cols_and_messages!());
        let query = binds::task_update(sqlx::query(sql), t, Ts(now()));
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
        let sql = concat!(
            "SELECT ",
            pg_task_cols!(),
            " FROM tasks t WHERE (cardinality($1::text[]) = 0 OR t.status = ANY($1)) \
             AND (cardinality($2::text[]) = 0 OR t.action = ANY($2)) ORDER BY t.created, t.seq LIMIT $3"
        );
        sqlx::query_as(sql)
            .bind(names(&f.statuses, TaskStatus::as_str))
            .bind(names(&f.actions, TaskAction::as_str))
            .bind(f.limit.map(i64::from))
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.err(e))
    }

    pub(crate) async fn subtasks(&self, parent: Uuid, filter: SubtaskFilter) -> Result<Vec<Task>> {
        let sql = concat!(
            "SELECT ",
            pg_task_cols!(),
            " FROM tasks t WHERE t.parent_task_id = $1 AND ($2::text[] IS NULL OR t.status = ANY($2)) \
             ORDER BY t.created, t.seq"
        );
        sqlx::query_as(sql)
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
