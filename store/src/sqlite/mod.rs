//! The SQLite backend: one file, writes in `BEGIN IMMEDIATE` transactions
//! (the file's write lock orders concurrent writers), JSON as text,
//! timestamps as fixed-width RFC 3339 text in UTC (so they sort as text).

mod records;
mod tasks;

use std::str::FromStr;

use sqlx::Sqlite;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};

use crate::error::{Result, StoreError};
use crate::options::StoreOptions;
use crate::sql::SqlStore;

/// A pool of connections to one SQLite file.
pub(crate) type SqliteStore = SqlStore<Sqlite>;

impl SqliteStore {
    pub(crate) async fn connect(
        url: &str,
        redacted: String,
        options: &StoreOptions,
    ) -> Result<Self> {
        let unsupported = |reason: String| StoreError::UnsupportedUrl {
            url: redacted.clone(),
            reason,
        };
        let connect =
            SqliteConnectOptions::from_str(url).map_err(|e| unsupported(e.to_string()))?;
        let file = connect.get_filename().to_path_buf();
        if file.as_os_str().is_empty() || file.as_os_str() == ":memory:" {
            return Err(unsupported(
                "give a file path, e.g. sqlite:///var/lib/drydock/drydock.db".into(),
            ));
        }
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(|e| StoreError::Unavailable {
                    url: redacted.clone(),
                    source: sqlx::Error::Io(e),
                })?;
        }
        let connect = connect
            .create_if_missing(true)
            .foreign_keys(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(if options.durable_commits {
                SqliteSynchronous::Full
            } else {
                SqliteSynchronous::Normal
            })
            .busy_timeout(options.busy_timeout);
        SqlStore::open(connect, redacted, options).await
    }
}
