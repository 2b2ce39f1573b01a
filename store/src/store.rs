//! [`Store`]: the one public handle, over a PostgreSQL or a SQLite backend.

use std::time::Duration;

use drydock_core::{DesignRef, Digest, FetchMetadata};
use uuid::Uuid;

use crate::connect::{self, BackendOptions};
use crate::enums::{SubtaskFilter, TaskAction};
use crate::error::Result;
use crate::model::{
    BuildData, BuildDataScope, Leader, NewResultMessage, NewTask, ResultMessage, Task, TaskFilter,
};
use crate::options::StoreOptions;
use crate::postgres::PgStore;
use crate::snapshot::{NewSnapshot, Selection, Snapshot, SnapshotQuery, SnapshotSummary, Stored};
use crate::sqlite::SqliteStore;

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

macro_rules! dispatch {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        match &$self.inner {
            Inner::Postgres(s) => s.$method($($arg),*).await,
            Inner::Sqlite(s) => s.$method($($arg),*).await,
        }
    };
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
        let (inner, persistent) = match target.backend {
            BackendOptions::Postgres(connect) => {
                let store = PgStore::connect(*connect, target.display, options).await?;
                (Inner::Postgres(store), true)
            }
            BackendOptions::Sqlite {
                options: connect,
                file,
            } => {
                let store =
                    SqliteStore::connect(*connect, file.as_deref(), target.display, options)
                        .await?;
                (Inner::Sqlite(store), file.is_some())
            }
        };
        let store = Store { inner, persistent };
        if options.migrate {
            store.migrate().await?;
        }
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

    /// Stores a resolved design and says whether it reused a row: when the
    /// latest snapshot of the same key and ingest key has the same digest, that
    /// row's `resolved_at`, `resolve_count` and metadata are updated instead of
    /// a new row being added (unless `always_new_row`). The bytes are stored
    /// once per digest; model, report and ingest summary once per digest and
    /// ingest key.
    pub async fn put_snapshot(&self, snapshot: &NewSnapshot) -> Result<Stored> {
        snapshot.validate()?;
        dispatch!(self.put_snapshot(snapshot))
    }

    /// Records a revalidated fetch (e.g. an HTTP 304 to a conditional fetch)
    /// of snapshot `snapshot_id`: its metadata becomes `seen`'s (keeping the
    /// stored digest and length), `resolved_at` now, `resolve_count` one more.
    /// A `seen` that is not "not modified" and has another digest is refused.
    pub async fn record_seen(
        &self,
        snapshot_id: Uuid,
        seen: &FetchMetadata,
    ) -> Result<SnapshotSummary> {
        crate::snapshot::metadata_columns(seen)?;
        dispatch!(self.record_seen(snapshot_id, seen))
    }

    /// The snapshot with this id, read back typed.
    pub async fn get_snapshot(&self, snapshot_id: Uuid) -> Result<Snapshot> {
        dispatch!(self.get_snapshot(snapshot_id))
    }

    /// The stored model of snapshot `snapshot_id` as JSON text, not parsed (for printing).
    pub async fn snapshot_model_json(&self, snapshot_id: Uuid) -> Result<String> {
        dispatch!(self.snapshot_model_json(snapshot_id))
    }

    /// The newest snapshot of `reference` ingested as `ingest_key`, if any
    /// (looked up by the reference's canonical key: credentials do not matter).
    pub async fn latest_snapshot(
        &self,
        reference: &DesignRef,
        ingest_key: &str,
    ) -> Result<Option<Snapshot>> {
        ingest_key_arg(ingest_key)?;
        dispatch!(self.select_snapshot(reference, Some(ingest_key), Selection::Latest))
    }

    /// `REF@latest` or `REF@previous`: of the snapshots of `reference` (ingested
    /// as `ingest_key`, or any way if `None`), the newest, or the newest whose
    /// digest differs from the newest one's.
    pub async fn select_snapshot(
        &self,
        reference: &DesignRef,
        ingest_key: Option<&str>,
        selection: Selection,
    ) -> Result<Option<Snapshot>> {
        ingest_key.map_or(Ok(()), ingest_key_arg)?;
        dispatch!(self.select_snapshot(reference, ingest_key, selection))
    }

    /// The newest snapshot, of any reference, whose content has `digest` and
    /// was ingested as `ingest_key`: a content-addressed hit for a pinned digest.
    pub async fn snapshot_by_digest(
        &self,
        digest: &Digest,
        ingest_key: &str,
    ) -> Result<Option<Snapshot>> {
        ingest_key_arg(ingest_key)?;
        dispatch!(self.snapshot_by_digest(digest, ingest_key))
    }

    /// One page of snapshot summaries, newest first (see [`SnapshotQuery`]).
    pub async fn list_snapshots(&self, query: &SnapshotQuery) -> Result<Vec<SnapshotSummary>> {
        query.ingest_key.as_deref().map_or(Ok(()), ingest_key_arg)?;
        dispatch!(self.list_snapshots(query))
    }
}

/// An ingest key given to a lookup: the same rules as one stored.
fn ingest_key_arg(key: &str) -> Result<()> {
    crate::snapshot::ingest_key(key)
}
