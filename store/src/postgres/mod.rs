//! The PostgreSQL backend: row locks with `SKIP LOCKED` for claims, one
//! statement per message batch, the database clock for the lease.

#[macro_use]
mod tasks;
mod claims;
pub(crate) mod records;

use sqlx::Postgres;
use sqlx::postgres::PgConnectOptions;

use crate::error::Result;
use crate::options::StoreOptions;
use crate::sql::SqlStore;

/// A pool of PostgreSQL connections.
pub(crate) type PgStore = SqlStore<Postgres>;

impl PgStore {
    pub(crate) async fn connect(
        connect: PgConnectOptions,
        display: String,
        options: &StoreOptions,
    ) -> Result<Self> {
        let mut connect = connect.application_name("drydock");
        if !options.statement_timeout.is_zero() {
            let ms = options.statement_timeout.as_millis().to_string();
            connect = connect.options([("statement_timeout", ms.as_str())]);
        }
        if !options.durable_commits {
            connect = connect.options([("synchronous_commit", "off")]);
        }
        SqlStore::open(connect, display, options, false).await
    }
}
