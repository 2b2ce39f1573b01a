#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

#[macro_use]
mod sql;
mod cache;
mod connect;
mod enums;
mod error;
mod model;
mod options;
mod postgres;
mod snapshot;
mod sqlite;
mod store;

pub use cache::StoreCache;
pub use connect::SCHEMES;
pub use enums::{ResultStatus, SubtaskFilter, TaskAction, TaskStatus};
pub use error::{Result, StoreError};
pub use model::{
    BuildData, BuildDataScope, Leader, MAX_NAME_LEN, NewResultMessage, NewTask, ResultMessage,
    Task, TaskFilter, TaskResult, now,
};
pub use options::{StoreOptions, default_sqlite_path, default_sqlite_url, redact_url};
pub use snapshot::{
    MAX_INGEST_KEY_LEN, NewSnapshot, Selection, Snapshot, SnapshotQuery, SnapshotStatus,
    SnapshotSummary, Stored,
};
pub use store::{Backend, Store};
pub use uuid::Uuid;
