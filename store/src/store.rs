//! [`Store`]: the one public handle, over a PostgreSQL or a SQLite backend.

use std::time::Duration;

use uuid::Uuid;

use crate::enums::{SubtaskFilter, TaskAction};
use crate::error::{Result, StoreError};
use crate::model::{
    BuildData, BuildDataScope, Leader, NewResultMessage, NewTask, ResultMessage, Task, TaskFilter,
};
use crate::options::{StoreOptions, redact_url};
use crate::postgres::PgStore;
use crate::snapshot::{NewSnapshot, Snapshot, SnapshotSummary};
use crate::sqlite::SqliteStore;

/// URL schemes [`Store::connect`] accepts.
pub const SCHEMES: &[&str] = &["postgres", "postgresql", "sqlite"];

/// The longest leadership grace period honoured (a century).
const MAX_GRACE: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// Retention periods are capped at this many days (about 2,700 years), within
/// both backends' timestamp range.
const MAX_RETENTION_DAYS: u32 = 1_000_000;

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
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend())
            .field("url", &self.url())
            .finish()
    }
}

macro_rules! dispatch {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        match &$self.inner {
            Inner::Postgres(s) => s.$method($($arg),*).await,
            Inner::Sqlite(s) => s.$method($($arg),*).await,
        }
    };
}

impl Store {
    /// Connects to `postgres://…` or `sqlite://path` (the SQLite file and its
    /// directory are created if missing) and, unless `options.migrate` is false,
    /// applies the embedded migrations. A database that cannot be reached is
    /// [`StoreError::Unavailable`] naming the redacted URL.
    pub async fn connect(url: &str, options: &StoreOptions) -> Result<Store> {
        let redacted = redact_url(url);
        let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        let inner = match scheme.as_deref() {
            Some("postgres" | "postgresql") => {
                Inner::Postgres(PgStore::connect(url, redacted, options).await?)
            }
            Some("sqlite") => Inner::Sqlite(SqliteStore::connect(url, redacted, options).await?),
            _ => {
                return Err(StoreError::UnsupportedUrl {
                    url: redacted,
                    reason: format!("the scheme must be one of {}", SCHEMES.join(", ")),
                });
            }
        };
        let store = Store { inner };
        if options.migrate {
            store.migrate().await?;
        }
        Ok(store)
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

    /// The database URL, password redacted.
    pub fn url(&self) -> &str {
        match &self.inner {
            Inner::Postgres(s) => &s.url,
            Inner::Sqlite(s) => &s.url,
        }
    }

    /// Closes every connection; later calls fail with [`StoreError::Unavailable`].
    pub async fn close(&self) {
        match &self.inner {
            Inner::Postgres(s) => s.pool.close().await,
            Inner::Sqlite(s) => s.pool.close().await,
        }
    }

    /// Creates a task (a subtask when `parent_task_id` is set).
    pub async fn create_task(&self, task: &NewTask) -> Result<Task> {
        task.validate()?;
        dispatch!(self.create_task(task))
    }

    /// The task with its result messages in sequence order; [`StoreError::NotFound`] if none.
    pub async fn get_task(&self, task_id: Uuid) -> Result<Task> {
        dispatch!(self.get_task(task_id))
    }

    /// Writes the task's mutable fields if nobody else updated it since it was read
    /// (its `version` must be the stored one), else [`StoreError::Conflict`].
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

    /// Atomically claims the oldest queued task (only of `actions`, unless empty),
    /// marking it running. No two callers, in any process, get the same task.
    pub async fn claim_next_task(&self, actions: &[TaskAction]) -> Result<Option<Task>> {
        dispatch!(self.claim_next_task(actions))
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

    /// Build history of a node or a task, newest first; with `latest_only`, only
    /// the newest element per node and generator.
    pub async fn build_data(
        &self,
        scope: &BuildDataScope,
        latest_only: bool,
    ) -> Result<Vec<BuildData>> {
        dispatch!(self.build_data(scope, latest_only))
    }

    /// Takes or renews leadership for `instance`: succeeds if nobody leads, if
    /// `instance` already does, or if the leader's last ping is older than `grace`.
    /// A grace period longer than a century counts as a century.
    pub async fn claim_leadership(&self, instance: Uuid, grace: Duration) -> Result<bool> {
        let grace = grace.min(MAX_GRACE);
        dispatch!(self.claim_leadership(instance, grace))
    }

    /// Pings the lease; false when `instance` is not the leader (any more).
    pub async fn maintain_leadership(&self, instance: Uuid) -> Result<bool> {
        dispatch!(self.maintain_leadership(instance))
    }

    /// Gives up the lease; false when `instance` was not the leader.
    pub async fn abdicate_leadership(&self, instance: Uuid) -> Result<bool> {
        dispatch!(self.abdicate_leadership(instance))
    }

    /// The current lease holder, if any (its lease may have expired: see `last_ping`).
    pub async fn current_leader(&self) -> Result<Option<Leader>> {
        dispatch!(self.current_leader())
    }

    /// Stores a resolved design. The bytes (with model and report) are stored once
    /// per digest; storing the same resolution again returns the existing snapshot.
    pub async fn put_snapshot(&self, snapshot: &NewSnapshot) -> Result<SnapshotSummary> {
        snapshot.validate()?;
        dispatch!(self.put_snapshot(snapshot))
    }

    /// The snapshot with this id.
    pub async fn get_snapshot(&self, snapshot_id: Uuid) -> Result<Snapshot> {
        dispatch!(self.get_snapshot(snapshot_id))
    }

    /// The newest snapshot whose bytes have this hex SHA-256 (`sha256:` prefix allowed).
    pub async fn get_snapshot_by_digest(&self, digest: &str) -> Result<Snapshot> {
        let hex = digest
            .strip_prefix("sha256:")
            .unwrap_or(digest)
            .to_ascii_lowercase();
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StoreError::Invalid {
                field: "digest".into(),
                reason: "a SHA-256 digest is 64 hex digits".into(),
            });
        }
        dispatch!(self.snapshot_by_digest(&hex))?.ok_or_else(|| StoreError::NotFound {
            what: "snapshot with digest",
            id: hex,
        })
    }

    /// Snapshots of `reference` (as stored: credentials removed), newest first.
    pub async fn list_snapshots(&self, reference: &str) -> Result<Vec<SnapshotSummary>> {
        dispatch!(self.list_snapshots(reference))
    }

    /// The newest snapshot of `reference`, if any.
    pub async fn latest_snapshot(&self, reference: &str) -> Result<Option<Snapshot>> {
        dispatch!(self.latest_snapshot(reference))
    }
}
