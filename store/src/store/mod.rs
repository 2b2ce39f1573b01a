//! [`Store`]: the one public handle, over a PostgreSQL or a SQLite backend.

use std::time::Duration;

use uuid::Uuid;

use crate::connect::{self, BackendOptions};
use crate::enums::SubtaskFilter;
use crate::error::Result;
use crate::model::{BuildData, BuildDataScope, NewResultMessage, ResultMessage};
use crate::options::StoreOptions;
use crate::postgres::PgStore;
use crate::sqlite::SqliteStore;
use crate::task::{NewTask, Task, TaskFilter};

/// Calls the same method on whichever backend the store has.
macro_rules! dispatch {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        match &$self.inner {
            $crate::store::Inner::Postgres(s) => s.$method($($arg),*).await,
            $crate::store::Inner::Sqlite(s) => s.$method($($arg),*).await,
        }
    };
}

mod boot;
mod import;
mod snapshots;
mod work;

/// The longest leadership grace period honoured (a century).
const MAX_GRACE: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// Retention periods are capped at this many days (about 2,700 years), within
/// both backends' timestamp range.
const MAX_RETENTION_DAYS: u32 = 1_000_000;

/// A store's connection pool at one moment ([`Store::pool_status`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoolStatus {
    /// Connections open, in use or idle.
    pub size: u32,
    /// Open connections not in use.
    pub idle: u32,
    /// Open connections in use (`size - idle`).
    pub in_use: u32,
    /// The most the pool opens (`max_connections`; 1 for in-memory SQLite).
    pub max: u32,
}

/// Which database a [`Store`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// PostgreSQL: production, shared by several orchestrator instances.
    Postgres,
    /// SQLite: one local file, no server.
    Sqlite,
}

#[derive(Clone)]
enum Inner {
    Postgres(PgStore),
    Sqlite(SqliteStore),
}

/// The persistence of drydock: tasks, result messages, build data, the
/// active-instance lease and design snapshots. Cheap to clone (a pool handle).
/// `Debug` shows the backend and the redacted URL only.
#[derive(Clone)]
pub struct Store {
    inner: Inner,
    persistent: bool,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend())
            .field("url", &self.url())
            .finish()
    }
}

impl Store {
    /// Connects to `postgres://…`, to a `sqlite:` URL (read as sqlx documents
    /// it: `sqlite:relative.db`, `sqlite:///abs.db`, `sqlite::memory:`, …) or
    /// to a SQLite file given as a plain path, and, unless `options.migrate`
    /// is false, applies the embedded migrations. A SQLite file and its
    /// directory are created if missing, unless `options.create_missing` is
    /// false. Every failure is typed and has a [`crate::StoreError::hint`]: a
    /// server that is down is `Unavailable` at once (not after a pool
    /// timeout), a missing database `MissingDatabase`, a refused role
    /// `AccessDenied`; URLs show their password as `***`.
    pub async fn connect(url: &str, options: &StoreOptions) -> Result<Store> {
        let target = connect::parse(url)?;
        let mut file_lock = None;
        let (inner, persistent) = match target.backend {
            BackendOptions::Postgres(connect) => {
                let store = PgStore::connect(*connect, target.display, options).await?;
                (Inner::Postgres(store), true)
            }
            BackendOptions::Sqlite {
                options: connect,
                file,
            } => {
                let (store, lock) =
                    SqliteStore::connect(*connect, file.as_deref(), target.display, options)
                        .await?;
                file_lock = lock;
                (Inner::Sqlite(store), file.is_some())
            }
        };
        let store = Store { inner, persistent };
        if options.migrate {
            store.migrate().await?;
        }
        drop(file_lock);
        Ok(store)
    }

    /// False for an in-memory SQLite database, which is gone when the store is.
    pub fn is_persistent(&self) -> bool {
        self.persistent
    }

    /// Applies the embedded migrations of this backend that are not applied yet.
    pub async fn migrate(&self) -> Result<()> {
        dispatch!(self.migrate())
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        match &self.inner {
            Inner::Postgres(_) => Backend::Postgres,
            Inner::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// The database URL, password redacted (a SQLite URL or path as given).
    pub fn url(&self) -> &str {
        match &self.inner {
            Inner::Postgres(s) => &s.url,
            Inner::Sqlite(s) => &s.url,
        }
    }

    /// The connection pool's figures now (for a server's metrics).
    pub fn pool_status(&self) -> PoolStatus {
        fn of<DB: sqlx::Database>(pool: &sqlx::Pool<DB>) -> PoolStatus {
            let size = pool.size();
            let idle = u32::try_from(pool.num_idle()).unwrap_or(u32::MAX).min(size);
            PoolStatus {
                size,
                idle,
                in_use: size - idle,
                max: pool.options().get_max_connections(),
            }
        }
        match &self.inner {
            Inner::Postgres(s) => of(&s.pool),
            Inner::Sqlite(s) => of(&s.pool),
        }
    }

    /// Closes every connection; later calls fail with [`crate::StoreError::Unavailable`].
    pub async fn close(&self) {
        match &self.inner {
            Inner::Postgres(s) => {
                s.close_held().await;
                s.pool.close().await
            }
            Inner::Sqlite(s) => s.pool.close().await,
        }
    }

    /// Creates a task (a subtask when `parent_task_id` is set).
    pub async fn create_task(&self, task: &NewTask) -> Result<Task> {
        task.validate()?;
        dispatch!(self.create_task(task))
    }

    /// The task with its result messages in sequence order;
    /// [`crate::StoreError::NotFound`] if none.
    pub async fn get_task(&self, task_id: Uuid) -> Result<Task> {
        dispatch!(self.get_task(task_id))
    }

    /// Writes the task's mutable fields if nobody else updated it since it was read
    /// (its `version` must be the stored one), else [`crate::StoreError::Conflict`].
    /// Returns the task as now stored (`version` bumped, `updated` set).
    pub async fn update_task(&self, task: &Task) -> Result<Task> {
        task.validate()?;
        dispatch!(self.update_task(task))
    }

    /// Tasks matching `filter`, oldest first, without their messages.
    pub async fn list_tasks(&self, filter: &TaskFilter) -> Result<Vec<Task>> {
        dispatch!(self.list_tasks(filter))
    }

    /// Makes `child` a subtask of `parent`.
    pub async fn link_subtask(&self, parent: Uuid, child: Uuid) -> Result<()> {
        dispatch!(self.link_subtask(parent, child))
    }

    /// Subtasks of `parent`: active (running, terminating), complete (complete,
    /// terminated) or all; oldest first, without their messages.
    pub async fn subtasks(&self, parent: Uuid, filter: SubtaskFilter) -> Result<Vec<Task>> {
        dispatch!(self.subtasks(parent, filter))
    }

    /// Deletes tasks created more than `days` days ago, their subtasks (at any
    /// depth) and their result messages; returns the number of tasks deleted.
    /// Build data and snapshots are kept.
    pub async fn delete_tasks_older_than(&self, days: u32) -> Result<u64> {
        let cutoff = crate::model::now()
            .checked_sub_signed(chrono::Duration::days(i64::from(
                days.min(MAX_RETENTION_DAYS),
            )))
            .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC);
        dispatch!(self.delete_tasks_before(cutoff))
    }

    /// Appends one result message; returns its sequence number.
    pub async fn append_message(&self, task_id: Uuid, message: &NewResultMessage) -> Result<i64> {
        let seqs = self
            .append_messages(task_id, std::slice::from_ref(message))
            .await?;
        Ok(seqs.first().copied().unwrap_or_default())
    }

    /// Appends messages in one round trip; returns their sequence numbers, which
    /// follow the task's last one without gaps even with concurrent writers.
    pub async fn append_messages(
        &self,
        task_id: Uuid,
        messages: &[NewResultMessage],
    ) -> Result<Vec<i64>> {
        messages.iter().try_for_each(NewResultMessage::validate)?;
        if messages.is_empty() {
            return Ok(Vec::new());
        }
        dispatch!(self.append_messages(task_id, messages))
    }

    /// The task's result messages in sequence order.
    pub async fn messages(&self, task_id: Uuid) -> Result<Vec<ResultMessage>> {
        dispatch!(self.messages(task_id))
    }

    /// Appends one element of build history.
    pub async fn put_build_data(&self, data: &BuildData) -> Result<()> {
        data.validate()?;
        dispatch!(self.put_build_data(data))
    }

    /// Build history of every node, a node, a task, or a node within a task,
    /// newest first; with `latest_only`, only the newest element per node and
    /// generator.
    pub async fn build_data(
        &self,
        scope: &BuildDataScope,
        latest_only: bool,
    ) -> Result<Vec<BuildData>> {
        if let BuildDataScope::Node(node) | BuildDataScope::NodeAndTask(node, _) = scope {
            crate::model::name("build_data.node_name", node)?;
        }
        dispatch!(self.build_data(scope, latest_only))
    }
}
