//! [`StoreError`]: every way a store operation can fail.

use drydock_core::{Error as CoreError, ErrorKind};
use uuid::Uuid;

/// Result alias of this crate.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What went wrong in the store, and on which (redacted) database URL.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The URL names no supported backend, or cannot be parsed.
    #[error("unsupported database URL {url}: {reason}")]
    UnsupportedUrl {
        /// The URL, password redacted.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// The database is down, unreachable, or the pool timed out waiting for a connection.
    #[error("database {url} is unavailable: {source}")]
    Unavailable {
        /// The URL, password redacted.
        url: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// Applying the embedded migrations failed.
    #[error("migrating database {url} failed: {source}")]
    Migrate {
        /// The URL, password redacted.
        url: String,
        /// The migrator's error.
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    /// Another writer changed the record first; re-read it and try again.
    #[error("conflict on {what}: {reason}")]
    Conflict {
        /// The record, e.g. `task 0192…`.
        what: String,
        /// What differed.
        reason: String,
    },
    /// The record does not exist.
    #[error("{what} {id} not found")]
    NotFound {
        /// The kind of record (`task`, `snapshot`, …).
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// An input value is refused before it reaches the database.
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// The field, e.g. `result_message.message`.
        field: String,
        /// Why it is refused.
        reason: String,
    },
    /// A value read from the database is not what this version understands.
    #[error("corrupt {field} in database {url}: {reason}")]
    Corrupt {
        /// The column.
        field: String,
        /// The URL, password redacted.
        url: String,
        /// What was wrong.
        reason: String,
    },
    /// Any other database error (constraint, syntax, busy, …).
    #[error("database {url} failed: {source}")]
    Database {
        /// The URL, password redacted.
        url: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
}

impl StoreError {
    /// True when the same call may succeed later without changing anything:
    /// the database was unavailable, busy, or a transaction was chosen as a
    /// deadlock or serialization victim.
    pub fn is_retryable(&self) -> bool {
        match self {
            StoreError::Unavailable { .. } => true,
            StoreError::Database { source, .. } => is_transient(source),
            _ => false,
        }
    }

    /// Folds a driver error into a store error for the database at `url` (already redacted).
    pub(crate) fn from_sqlx(url: &str, source: sqlx::Error) -> Self {
        if let sqlx::Error::ColumnDecode { index, source } = &source {
            return StoreError::Corrupt {
                field: index.clone(),
                url: url.to_owned(),
                reason: source.to_string(),
            };
        }
        if is_unavailable(&source) {
            StoreError::Unavailable {
                url: url.to_owned(),
                source,
            }
        } else {
            StoreError::Database {
                url: url.to_owned(),
                source,
            }
        }
    }
}

/// Errors that mean "no usable connection", on either backend.
fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(db) => match db.code().as_deref() {
            // PostgreSQL: connection exceptions (08…), admin shutdown, crash shutdown,
            // cannot connect now, too many connections.
            Some(code) if code.starts_with("08") => true,
            Some("57P01" | "57P02" | "57P03" | "53300") => true,
            // SQLite: cannot open the file, disk I/O error (primary codes 14 and 10).
            Some(code) => matches!(sqlite_primary(code), Some(14 | 10)),
            None => false,
        },
        _ => false,
    }
}

/// Errors worth retrying as they are: deadlock / serialization victims, a busy or locked SQLite file.
fn is_transient(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => match db.code().as_deref() {
            Some("40001" | "40P01" | "55P03") => true,
            Some(code) => matches!(sqlite_primary(code), Some(5 | 6)),
            None => false,
        },
        _ => is_unavailable(e),
    }
}

/// SQLite's extended result codes carry the primary code in the low byte.
fn sqlite_primary(code: &str) -> Option<i64> {
    code.parse::<i64>().ok().map(|c| c & 0xff)
}

pub(crate) fn not_found(task_id: Uuid) -> StoreError {
    StoreError::NotFound {
        what: "task",
        id: task_id.to_string(),
    }
}

pub(crate) fn conflict(task_id: Uuid, expected: i64, found: i64) -> StoreError {
    StoreError::Conflict {
        what: format!("task {task_id}"),
        reason: format!(
            "it was updated by another writer (read at version {expected}, now at version {found})"
        ),
    }
}

impl From<StoreError> for CoreError {
    fn from(e: StoreError) -> Self {
        let kind = match &e {
            StoreError::UnsupportedUrl { .. } => ErrorKind::InvalidReference,
            StoreError::Unavailable { .. } => ErrorKind::Unavailable,
            StoreError::NotFound { .. } => ErrorKind::NotFound,
            StoreError::Invalid { .. } | StoreError::Conflict { .. } => ErrorKind::Rejected,
            _ => ErrorKind::Other,
        };
        let url = match &e {
            StoreError::UnsupportedUrl { url, .. }
            | StoreError::Unavailable { url, .. }
            | StoreError::Migrate { url, .. }
            | StoreError::Corrupt { url, .. }
            | StoreError::Database { url, .. } => url.clone(),
            _ => String::new(),
        };
        CoreError::fetch(kind, "store", url, e)
    }
}
