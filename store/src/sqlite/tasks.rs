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

/// A task's columns and its subtask ids (as hex), oldest first.
macro_rules! sqlite_task_cols {
    () => {
        concat!(
            task_cols!(),
            ", (SELECT json_group_array(hex(c.task_id) ORDER BY c.created, c.rowid) FROM tasks c \
             WHERE c.parent_task_id = t.task_id) AS subtask_id_list"
        )
    };
}

const SELECT_ONE: &str = concat!(
    "SELECT ",
    sqlite_task_cols!(),
    " FROM tasks t WHERE t.task_id = $1"
);

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
        binds::new_task(sqlx::query(insert_task!()), t)
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
        let done = binds::task_update(sqlx::query(update_task!()), t, Ts(now()))
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
        let sql = concat!(
            "SELECT ",
            sqlite_task_cols!(),
            " FROM tasks t WHERE ($1 = '[]' OR t.status IN (SELECT value FROM json_each($1))) \
             AND ($2 = '[]' OR t.action IN (SELECT value FROM json_each($2))) \
             ORDER BY t.created, t.rowid LIMIT coalesce($3, -1)"
        );
        let query = sqlx::query(sql)
            .arg(Json(&f.statuses))
            .arg(Json(&f.actions))
            .arg(f.limit.map(i64::from));
        self.read_all(query).await
    }

    pub(crate) async fn subtasks(&self, parent: Uuid, filter: SubtaskFilter) -> Result<Vec<Task>> {
        let sql = concat!(
            "SELECT ",
            sqlite_task_cols!(),
            " FROM tasks t WHERE t.parent_task_id = $1 \
             AND ($2 = '[]' OR t.status IN (SELECT value FROM json_each($2))) ORDER BY t.created, t.rowid"
        );
        let statuses: &[TaskStatus] = filter.statuses().unwrap_or(&[]);
        self.read_all(sqlx::query(sql).arg(parent).arg(Json(statuses)))
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
