//! The PostgreSQL backend: row locks with `SKIP LOCKED` for claims, one
//! statement per message batch, the database clock for the lease.

mod records;
mod tasks;

use std::str::FromStr;

use sqlx::Postgres;
use sqlx::postgres::PgConnectOptions;

use crate::error::{Result, StoreError};
use crate::options::StoreOptions;
use crate::sql::SqlStore;

/// A pool of PostgreSQL connections.
pub(crate) type PgStore = SqlStore<Postgres>;

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
        SqlStore::open(connect, redacted, options).await
    }
}
