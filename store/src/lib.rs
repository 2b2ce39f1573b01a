#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

#[macro_use]
mod sql;
mod boot;
mod cache;
mod claim;
mod connect;
mod enums;
mod error;
mod import;
mod model;
mod options;
mod postgres;
mod snapshot;
mod sqlite;
mod store;
mod task;

pub use boot::{BootAction, BootActionContext, MAX_IDENTITY_KEY_LEN, MIN_IDENTITY_KEY_LEN};
pub use cache::StoreCache;
pub use claim::{Claim, MAX_CLAIM_BATCH, MAX_LEASE, Requeued};
pub use connect::SCHEMES;
pub use drydock_core::SnapshotId;
pub use enums::{ResultStatus, SubtaskFilter, TaskAction, TaskStatus};
pub use error::{Result, StoreError};
pub use import::{
    ImportBatch, ImportWritten, ImportedBootAction, ImportedBootContext, ImportedTask,
};
pub use model::{
    BuildData, BuildDataScope, Leader, MAX_NAME_LEN, NewResultMessage, ResultMessage, now,
};
pub use options::{StoreOptions, default_sqlite_path, default_sqlite_url, redact_url};
pub use snapshot::{
    MAX_INGEST_KEY_LEN, NewSnapshot, Saved, Selection, Snapshot, SnapshotQuery, SnapshotStatus,
    SnapshotSummary, Stored,
};
pub use store::{Backend, PoolStatus, Store};
pub use task::{NewTask, Task, TaskFilter, TaskLink, TaskResult, stored_design_ref};
pub use uuid::Uuid;
