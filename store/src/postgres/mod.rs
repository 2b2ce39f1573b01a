//! The PostgreSQL backend: row locks with `SKIP LOCKED` for claims, one
//! statement per message batch, the database clock for the lease.

mod records;
mod snapshots;
mod tasks;

use std::str::FromStr;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use crate::error::{Result, StoreError};
use crate::options::StoreOptions;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// A pool of PostgreSQL connections.
#[derive(Clone)]
pub(crate) struct PgStore {
    pub(crate) pool: PgPool,
    pub(crate) url: String,
}

impl PgStore {
    pub(crate) async fn connect(
        url: &str,
        redacted: String,
        options: &StoreOptions,
    ) -> Result<Self> {
        let mut connect =
            PgConnectOptions::from_str(url).map_err(|e| StoreError::UnsupportedUrl {
                url: redacted.clone(),
                reason: match url::Url::parse(url) {
                    Ok(parsed) => {
                        let text = format!("not a valid PostgreSQL URL: {e}");
                        match parsed.password().filter(|p| !p.is_empty()) {
                            Some(pw) => text.replace(pw, drydock_core::REDACTED),
                            None => text,
                        }
                    }
                    // Unparseable: the driver's message could quote a secret.
                    Err(_) => "not a valid PostgreSQL URL".into(),
                },
            })?;
        connect = connect.application_name("drydock");
        if !options.statement_timeout.is_zero() {
            let ms = options.statement_timeout.as_millis().to_string();
            connect = connect.options([("statement_timeout", ms.as_str())]);
        }
        if !options.durable_commits {
            connect = connect.options([("synchronous_commit", "off")]);
        }
        let pool = PgPoolOptions::new()
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
        Ok(PgStore {
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
}
