//! The SQLite backend: one file, writes in `BEGIN IMMEDIATE` transactions
//! (the file's write lock orders concurrent writers), JSON as text,
//! timestamps as fixed-width RFC 3339 text in UTC (so they sort as text).

mod records;
mod snapshots;
mod tasks;

use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};

use crate::error::{Result, StoreError};
use crate::options::StoreOptions;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

/// A pool of connections to one SQLite file.
#[derive(Clone)]
pub(crate) struct SqliteStore {
    pub(crate) pool: SqlitePool,
    pub(crate) url: String,
}

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
        let pool = SqlitePoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .min_connections(options.min_connections)
            .acquire_timeout(options.acquire_timeout)
            .idle_timeout(Some(options.idle_timeout))
            .connect_with(connect)
            .await
            .map_err(|source| StoreError::Unavailable {
                url: redacted.clone(),
                source,
            })?;
        Ok(SqliteStore {
            pool,
            url: redacted,
        })
    }

    pub(crate) async fn migrate(&self) -> Result<()> {
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|source| match source {
                sqlx::migrate::MigrateError::Execute(e) => self.err(e),
                source => StoreError::Migrate {
                    url: self.url.clone(),
                    source,
                },
            })
    }

    /// Folds a driver error into a store error naming this database.
    pub(crate) fn err(&self, e: sqlx::Error) -> StoreError {
        StoreError::from_sqlx(&self.url, e)
    }

    /// A write transaction holding the file's write lock from its first statement.
    pub(crate) async fn write(&self) -> Result<Transaction<'static, Sqlite>> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|e| self.err(e))
    }

    fn corrupt(&self, field: &str, reason: impl ToString) -> StoreError {
        StoreError::Corrupt {
            field: field.to_owned(),
            url: self.url.clone(),
            reason: reason.to_string(),
        }
    }

    pub(crate) fn get_ts(&self, row: &SqliteRow, col: &str) -> Result<DateTime<Utc>> {
        let text: String = row.try_get(col).map_err(|e| self.err(e))?;
        parse_ts(&text).map_err(|e| self.corrupt(col, e))
    }

    pub(crate) fn get_opt_ts(&self, row: &SqliteRow, col: &str) -> Result<Option<DateTime<Utc>>> {
        let text: Option<String> = row.try_get(col).map_err(|e| self.err(e))?;
        text.map(|t| parse_ts(&t).map_err(|e| self.corrupt(col, e)))
            .transpose()
    }

    pub(crate) fn get_json(&self, row: &SqliteRow, col: &str) -> Result<Option<Value>> {
        let text: Option<String> = row.try_get(col).map_err(|e| self.err(e))?;
        text.map(|t| serde_json::from_str(&t).map_err(|e| self.corrupt(col, e)))
            .transpose()
    }

    pub(crate) fn get<'r, T>(&self, row: &'r SqliteRow, col: &str) -> Result<T>
    where
        T: sqlx::Decode<'r, Sqlite> + sqlx::Type<Sqlite>,
    {
        row.try_get(col).map_err(|e| self.err(e))
    }
}

/// The text form of a timestamp: fixed width, UTC, microseconds.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

fn parse_ts(text: &str) -> std::result::Result<DateTime<Utc>, chrono::ParseError> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc))
}

/// The text form of an optional JSON value.
pub(crate) fn json_text(v: Option<&Value>) -> Option<String> {
    v.map(Value::to_string)
}
