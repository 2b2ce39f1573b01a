//! Operations whose SQL is the same on both backends: result messages read
//! back, subtask links, build data.

use uuid::Uuid;

use super::binds;
use super::db::{Bind, Db, SqlStore};
use super::types::Ts;
use crate::error::{Result, StoreError, not_found};
use crate::model::{BuildData, BuildDataScope, Leader, ResultMessage, now};
use crate::task::NewTask;

/// The messages of task `$1` in sequence order.
pub(crate) const MESSAGES: &str = "SELECT sequence, task_id, message, error, \
    context, context_type, ts, extra FROM result_message WHERE task_id = $1 ORDER BY sequence";

/// The messages of the tasks whose hex ids are the JSON array `$1`
/// (SQLite), by task and sequence.
pub(crate) const MESSAGES_OF_MANY: &str = "SELECT sequence, task_id, message, error, \
    context, context_type, ts, extra FROM result_message \
    WHERE task_id IN (SELECT unhex(value) FROM json_each($1)) \
    ORDER BY task_id, sequence";

/// All build data, newest first; `$1` true keeps only the newest per node and
/// generator.
const BUILD_DATA: &str = "SELECT node_name, task_id, collected_date, \
    generator, data_format, data_element \
    FROM ( SELECT b.*, ROW_NUMBER() OVER (PARTITION BY node_name, generator \
                                          ORDER BY collected_date DESC, id DESC) AS rn \
      FROM build_data b WHERE TRUE) x \
    WHERE ($1 = FALSE OR rn = 1) ORDER BY collected_date DESC, id DESC";

/// The build data of node `$2`, as [`BUILD_DATA`].
const BUILD_DATA_OF_NODE: &str = "SELECT node_name, task_id, collected_date, \
    generator, data_format, data_element \
    FROM ( SELECT b.*, ROW_NUMBER() OVER (PARTITION BY node_name, generator \
                                          ORDER BY collected_date DESC, id DESC) AS rn \
      FROM build_data b WHERE node_name = $2) x \
    WHERE ($1 = FALSE OR rn = 1) ORDER BY collected_date DESC, id DESC";

/// The build data of task `$2`, as [`BUILD_DATA`].
const BUILD_DATA_OF_TASK: &str = "SELECT node_name, task_id, collected_date, \
    generator, data_format, data_element \
    FROM ( SELECT b.*, ROW_NUMBER() OVER (PARTITION BY node_name, generator \
                                          ORDER BY collected_date DESC, id DESC) AS rn \
      FROM build_data b WHERE task_id = $2) x \
    WHERE ($1 = FALSE OR rn = 1) ORDER BY collected_date DESC, id DESC";

/// The build data of node `$2` in task `$3`, as [`BUILD_DATA`].
const BUILD_DATA_OF_NODE_IN_TASK: &str = "SELECT node_name, task_id, collected_date, \
    generator, data_format, data_element \
    FROM ( SELECT b.*, ROW_NUMBER() OVER (PARTITION BY node_name, generator \
                                          ORDER BY collected_date DESC, id DESC) AS rn \
      FROM build_data b WHERE node_name = $2 AND task_id = $3) x \
    WHERE ($1 = FALSE OR rn = 1) ORDER BY collected_date DESC, id DESC";

impl<DB: Db> SqlStore<DB> {
    pub(crate) async fn messages(&self, task_id: Uuid) -> Result<Vec<ResultMessage>> {
        self.read_all(sqlx::query(MESSAGES).arg(task_id)).await
    }

    pub(crate) async fn link_subtask(&self, parent: Uuid, child: Uuid) -> Result<()> {
        let mut tx = self.write().await?;
        let exists: Option<(Uuid,)> = DB::fetch_optional(
            &mut tx,
            sqlx::query("SELECT task_id FROM tasks WHERE task_id = $1").arg(parent),
        )
        .await
        .map_err(|e| self.err(e))?;
        if exists.is_none() {
            return Err(not_found(parent));
        }
        let done = DB::execute(
            &mut tx,
            sqlx::query(
                "UPDATE tasks SET parent_task_id = $1, version = version + 1, updated = $3 \
                 WHERE task_id = $2",
            )
            .arg(parent)
            .arg(child)
            .arg(Ts(now())),
        )
        .await
        .map_err(|e| self.err(e))?;
        if done == 0 {
            return Err(not_found(child));
        }
        tx.commit().await.map_err(|e| self.err(e))
    }

    pub(crate) async fn put_build_data(&self, d: &BuildData) -> Result<()> {
        let insert = sqlx::query(
            "INSERT INTO build_data (node_name, task_id, collected_date, generator, data_format, \
             data_element) VALUES ($1, $2, $3, $4, $5, $6)",
        );
        self.execute_write(binds::build_data(insert, d)).await?;
        Ok(())
    }

    pub(crate) async fn build_data(
        &self,
        scope: &BuildDataScope,
        latest_only: bool,
    ) -> Result<Vec<BuildData>> {
        let all = || sqlx::query(BUILD_DATA).arg(latest_only);
        let node = || sqlx::query(BUILD_DATA_OF_NODE).arg(latest_only);
        let task = || sqlx::query(BUILD_DATA_OF_TASK).arg(latest_only);
        let both = || sqlx::query(BUILD_DATA_OF_NODE_IN_TASK);
        let query = match scope {
            BuildDataScope::All => all(),
            BuildDataScope::Node(n) => node().arg(n.as_str()),
            BuildDataScope::Task(t) => task().arg(*t),
            BuildDataScope::NodeAndTask(n, t) => both().arg(latest_only).arg(n.as_str()).arg(*t),
        };
        self.read_all(query).await
    }
}

impl<DB: Db> SqlStore<DB> {
    /// The error of inserting `t`: a duplicate id or an unknown snapshot is named as such.
    pub(crate) fn create_error(&self, t: &NewTask, e: sqlx::Error) -> StoreError {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict {
                what: format!("task {}", t.task_id),
                reason: "a task with this id already exists".into(),
            },
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound {
                what: "snapshot",
                id: t
                    .design_snapshot_id
                    .map(|i| i.to_string())
                    .unwrap_or_default(),
            },
            _ => self.err(e),
        }
    }
}

impl<DB: Db> SqlStore<DB> {
    pub(crate) async fn abdicate_leadership(&self, instance: Uuid) -> Result<bool> {
        let delete = sqlx::query("DELETE FROM active_instance WHERE identity = $1").arg(instance);
        Ok(self.execute_write(delete).await? == 1)
    }

    pub(crate) async fn current_leader(&self) -> Result<Option<Leader>> {
        let select = "SELECT identity, last_ping, since FROM active_instance WHERE dummy_key = 1";
        self.read_optional(sqlx::query(select)).await
    }
}
