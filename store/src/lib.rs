//! # drydock-store
//!
//! Persistence of everything drydock keeps: tasks (with an atomic claim of the
//! next queued one), their result messages, node build data, the
//! active-instance lease and design snapshots — on PostgreSQL (production,
//! several orchestrator instances sharing one database) or SQLite (the
//! embedded default: one file, no server), with the same API and behaviour.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), drydock_store::StoreError> {
//! use drydock_store::{NewResultMessage, NewTask, Store, StoreOptions, TaskAction};
//! let dir = tempfile::tempdir().expect("temp dir");
//! let url = format!("sqlite://{}/drydock.db", dir.path().display());
//! let store = Store::connect(&url, &StoreOptions::default()).await?;
//! let task = store.create_task(&NewTask::new(TaskAction::ValidateDesign)).await?;
//! store.append_message(task.task_id, &NewResultMessage::new("design is valid", false)).await?;
//! let claimed = store.claim_next_task(&[]).await?.expect("one queued task");
//! assert_eq!(claimed.task_id, task.task_id);
//! assert_eq!(store.get_task(task.task_id).await?.messages.len(), 1);
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

#[macro_use]
mod sql;
mod enums;
mod error;
mod model;
mod options;
mod postgres;
mod raw;
mod snapshot;
mod sqlite;
mod store;

pub use enums::{ResultStatus, SubtaskFilter, TaskAction, TaskStatus};
pub use error::{Result, StoreError};
pub use model::{
    BuildData, BuildDataScope, Leader, MAX_NAME_LEN, NewResultMessage, NewTask, ResultMessage,
    Task, TaskFilter, TaskResult, now,
};
pub use options::{StoreOptions, default_sqlite_path, default_sqlite_url, redact_url};
pub use snapshot::{NewSnapshot, Snapshot, SnapshotMetadata, SnapshotSummary, strip_credentials};
pub use store::{Backend, SCHEMES, Store};
pub use uuid::Uuid;
