//! [`StoreError`]: every way a store operation can fail, each with a hint
//! that fits it, and its conversion into drydock-core's error.

use drydock_core::{Error as CoreError, ErrorKind};
use sqlx::migrate::MigrateError;
use uuid::Uuid;

/// Result alias of this crate.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What went wrong in the store, and on which database (its URL with the
/// password redacted, or the SQLite file's path as given).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The URL names no supported backend.
    #[error("unsupported store URL {url}: {reason}")]
    UnsupportedUrl {
        /// The URL, secrets redacted.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// The URL's scheme is supported but the URL cannot be used as written.
    #[error("store URL {url} cannot be used: {reason}")]
    InvalidUrl {
        /// The URL or path, secrets redacted.
        url: String,
        /// What is wrong with it.
        reason: String,
        /// What to do about it.
        hint: &'static str,
    },
    /// The database server is down or unreachable, or the pool timed out
    /// waiting for a connection.
    #[error("database {url} is unavailable: {source}")]
    Unavailable {
        /// The URL, password redacted.
        url: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// The database (PostgreSQL) or database file (SQLite) does not exist.
    #[error("database {url} does not exist{}", detail(.source.as_ref()))]
    MissingDatabase {
        /// The URL or path.
        url: String,
        /// The server's answer, if there was one.
        #[source]
        source: Option<sqlx::Error>,
    },
    /// The server refused the role or its password, or the file cannot be opened.
    #[error("access to database {url} was refused: {source}")]
    AccessDenied {
        /// The URL, password redacted.
        url: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// The TLS connection to the server could not be set up.
    #[error("TLS to database {url} failed: {source}")]
    Tls {
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

fn detail(source: Option<&sqlx::Error>) -> String {
    source.map(|s| format!(": {s}")).unwrap_or_default()
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

    /// A one-line suggestion of what to do about this error.
    pub fn hint(&self) -> &'static str {
        match self {
            StoreError::UnsupportedUrl { .. } => {
                "give postgres://user@host/database, sqlite:///absolute/file.db, \
                 sqlite:relative.db, sqlite::memory: or a file path"
            }
            StoreError::InvalidUrl { hint, .. } => hint,
            StoreError::Unavailable { url, .. } if !url.starts_with("postgres") => {
                "check that the database file is readable and not locked by another program, then retry"
            }
            StoreError::Unavailable { .. } => {
                "check that the database server runs and listens at the URL's host and port, then retry"
            }
            StoreError::MissingDatabase {
                source: Some(_), ..
            } => {
                "create the database (createdb NAME, or CREATE DATABASE NAME) or fix its name in the URL"
            }
            StoreError::MissingDatabase { source: None, .. } => {
                "check the path; a command that writes (e.g. drydock resolve --store) creates the file"
            }
            StoreError::AccessDenied { source, .. } if is_postgres(source) => {
                "check the role (user name) and password in the URL: the role must exist and the \
                 server must let it connect to this database (pg_hba.conf)"
            }
            StoreError::AccessDenied { .. } => {
                "check that the database file and its directory are readable and writable by this user"
            }
            StoreError::Tls { .. } => {
                "check the URL's sslmode and sslrootcert against the server's certificate"
            }
            StoreError::Migrate {
                source: MigrateError::ExecuteMigration(..) | MigrateError::Execute(_),
                ..
            } => {
                "a migration failed: see the database's message; if another process was migrating \
                  the same store at once, retry"
            }
            StoreError::Migrate { .. } => {
                "the database holds migrations this version does not know: use the newer drydock, \
                 or another database"
            }
            StoreError::Conflict { .. } => "read the record again and reapply the change",
            StoreError::NotFound { .. } => "check the id",
            StoreError::Invalid { .. } => "change the value named in the message",
            StoreError::Corrupt { .. } => {
                "the database holds a value this version does not understand: check what wrote it"
            }
            StoreError::Database { source, .. } if is_missing_table(source) => {
                "the database holds no drydock tables yet: run `drydock store migrate` first"
            }
            StoreError::Database { .. } if self.is_retryable() => "the database was busy: retry",
            StoreError::Database { .. } => "see the database's message above",
        }
    }

    /// The matchable kind of this error, as drydock-core names it.
    pub fn kind(&self) -> ErrorKind {
        match self {
            StoreError::Unavailable { .. } => ErrorKind::Unavailable,
            StoreError::MissingDatabase { .. } | StoreError::NotFound { .. } => ErrorKind::NotFound,
            StoreError::AccessDenied { .. } => ErrorKind::PermissionDenied,
            StoreError::UnsupportedUrl { .. }
            | StoreError::InvalidUrl { .. }
            | StoreError::Invalid { .. }
            | StoreError::Conflict { .. } => ErrorKind::Rejected,
            StoreError::Database { .. } if self.is_retryable() => ErrorKind::Unavailable,
            StoreError::Tls { .. }
            | StoreError::Migrate { .. }
            | StoreError::Corrupt { .. }
            | StoreError::Database { .. } => ErrorKind::Other,
        }
    }

    /// Folds a driver error into a store error for the database at `url` (already redacted).
    pub(crate) fn from_sqlx(url: &str, source: sqlx::Error) -> Self {
        let url = url.to_owned();
        if let sqlx::Error::ColumnDecode { index, source } = &source {
            return StoreError::Corrupt {
                field: index.trim_matches('"').to_owned(),
                reason: source.to_string(),
                url,
            };
        }
        if is_tls(&source) {
            return StoreError::Tls { url, source };
        }
        match code(&source).as_deref() {
            // PostgreSQL: invalid_catalog_name.
            Some("3D000") => {
                return StoreError::MissingDatabase {
                    url,
                    source: Some(source),
                };
            }
            // PostgreSQL: invalid authorization (no such role, not allowed), bad password.
            Some("28000" | "28P01") => return StoreError::AccessDenied { url, source },
            // SQLite: cannot open the file, read-only, not authorised.
            Some(c) if matches!(sqlite_primary(c), Some(8 | 14 | 23)) && is_sqlite(&source) => {
                return StoreError::AccessDenied { url, source };
            }
            Some(c) if sqlite_primary(c) == Some(26) && is_sqlite(&source) => {
                return StoreError::InvalidUrl {
                    url,
                    reason: format!("the file is not a SQLite database ({source})"),
                    hint: "point the store at a SQLite database file, or at a path where one can be created",
                };
            }
            _ => {}
        }
        if is_unavailable(&source) {
            StoreError::Unavailable { url, source }
        } else {
            StoreError::Database { url, source }
        }
    }
}

/// A TLS failure: sqlx's own, or rustls's inside an I/O error (a handshake
/// that failed, e.g. on an unknown certificate issuer).
fn is_tls(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Tls(_) => true,
        sqlx::Error::Io(io) => io
            .get_ref()
            .is_some_and(|inner| inner.is::<rustls::Error>()),
        _ => false,
    }
}

/// The database error code, if the error is the database's.
fn code(e: &sqlx::Error) -> Option<String> {
    match e {
        sqlx::Error::Database(db) => db.code().map(|c| c.into_owned()),
        _ => None,
    }
}

/// Whether a database error comes from PostgreSQL.
fn is_postgres(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>().is_some())
}

/// Whether a database error comes from SQLite.
fn is_sqlite(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some())
}

/// Errors that mean "no usable connection", on either backend.
fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(db) => match db.code().as_deref() {
            // PostgreSQL: connection exceptions (08…), admin shutdown, crash shutdown,
            // cannot connect now, too many connections.
            Some(code) if code.starts_with("08") => true,
            Some("57P01" | "57P02" | "57P03" | "53300") => true,
            // SQLite: disk I/O error (primary code 10).
            Some(code) => is_sqlite(e) && sqlite_primary(code) == Some(10),
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
            Some(code) => is_sqlite(e) && matches!(sqlite_primary(code), Some(5 | 6)),
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
    /// The store's error inside drydock-core's, with its kind, retryability
    /// and hint; its message is the store's own.
    fn from(e: StoreError) -> Self {
        CoreError::Store {
            kind: e.kind(),
            retryable: e.is_retryable(),
            hint: e.hint(),
            source: Box::new(e),
        }
    }
}

/// Whether the database said a table does not exist (PostgreSQL
/// `undefined_table`, SQLite "no such table"): a store never migrated.
fn is_missing_table(source: &sqlx::Error) -> bool {
    code(source).as_deref() == Some("42P01")
        || matches!(source, sqlx::Error::Database(db) if db.message().starts_with("no such table"))
}
