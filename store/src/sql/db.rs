//! What both backends share, written once: the [`Db`] trait that lets one
//! generic [`SqlStore`] bind values, decode rows, open the pool, migrate and
//! open write transactions on PostgreSQL and on SQLite alike.

use std::future::Future;
use std::time::Duration;

use sqlx::migrate::MigrateError;
use sqlx::pool::PoolOptions;
use sqlx::postgres::{PgConnection, PgRow};
use sqlx::query::Query;
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::{Connection, Database, Encode, FromRow, Pool, Postgres, Sqlite, Transaction, Type};

use crate::error::{Result, StoreError};
use crate::options::StoreOptions;
use crate::store::Backend;

use super::migrations::{PG_MIGRATOR, SQLITE_MIGRATOR};

/// A value both backends bind.
pub(crate) trait Arg<'t>:
    Encode<'t, Postgres> + Type<Postgres> + Encode<'t, Sqlite> + Type<Sqlite>
{
}

impl<'t, T> Arg<'t> for T where
    T: Encode<'t, Postgres> + Type<Postgres> + Encode<'t, Sqlite> + Type<Sqlite>
{
}

/// A row type both backends decode.
pub(crate) trait Decodes:
    for<'r> FromRow<'r, PgRow> + for<'r> FromRow<'r, SqliteRow> + Send + Unpin + 'static
{
}

impl<T> Decodes for T where
    T: for<'r> FromRow<'r, PgRow> + for<'r> FromRow<'r, SqliteRow> + Send + Unpin + 'static
{
}

/// A query of backend `DB`.
pub(crate) type Q<'q, DB> = Query<'q, DB, <DB as Database>::Arguments>;

/// A future the store can hand to any task.
pub(crate) trait SendFuture<T>: Future<Output = T> + Send {}

impl<T, F: Future<Output = T> + Send> SendFuture<T> for F {}

/// A backend: the few operations shared code needs, each forwarded to sqlx.
pub(crate) trait Db: Database {
    /// Which backend this is.
    const BACKEND: Backend;
    /// Applies the backend's embedded migrations.
    fn migrate(pool: &Pool<Self>) -> impl SendFuture<Result<(), MigrateError>>;
    /// A transaction that will write (SQLite: holding the file's write lock from its start).
    fn begin_write(pool: &Pool<Self>) -> impl SendFuture<sqlx::Result<Transaction<'static, Self>>>;
    /// Binds the next parameter.
    fn bind<'q, 't>(query: Q<'q, Self>, value: impl Arg<'t>) -> Q<'q, Self>;
    /// Runs a statement; the number of rows it changed.
    fn execute<'c>(
        conn: &'c mut Self::Connection,
        query: Q<'c, Self>,
    ) -> impl SendFuture<sqlx::Result<u64>> + 'c;
    /// The first row, decoded, if any.
    fn fetch_optional<'c, O: Decodes>(
        conn: &'c mut Self::Connection,
        query: Q<'c, Self>,
    ) -> impl SendFuture<sqlx::Result<Option<O>>> + 'c;
    /// Every row, decoded.
    fn fetch_all<'c, O: Decodes>(
        conn: &'c mut Self::Connection,
        query: Q<'c, Self>,
    ) -> impl SendFuture<sqlx::Result<Vec<O>>> + 'c;
    /// Appends `msgs` to a task's messages in the dialect's way, inside the
    /// caller's transaction; the sequence before them, `None` without a task.
    fn append_messages<'c>(
        conn: &'c mut Self::Connection,
        task_id: uuid::Uuid,
        msgs: &'c [crate::model::NewResultMessage],
    ) -> impl SendFuture<sqlx::Result<Option<i64>>> + 'c;
}

/// `query.arg(value)`: binding that reads like sqlx's own, for any [`Db`].
pub(crate) trait Bind: Sized {
    /// Binds the next parameter.
    fn arg<'t>(self, value: impl Arg<'t>) -> Self;
}

impl<DB: Db> Bind for Q<'_, DB> {
    fn arg<'t>(self, value: impl Arg<'t>) -> Self {
        DB::bind(self, value)
    }
}

macro_rules! forward_db {
    ($db:ident, $conn:ty, $row:ty, $migrator:ident, $begin_write:literal, $append:path) => {
        impl Db for $db {
            const BACKEND: Backend = Backend::$db;
            fn migrate(pool: &Pool<Self>) -> impl SendFuture<Result<(), MigrateError>> {
                $migrator.run(pool)
            }
            fn begin_write(
                pool: &Pool<Self>,
            ) -> impl SendFuture<sqlx::Result<Transaction<'static, Self>>> {
                pool.begin_with($begin_write)
            }
            fn bind<'q, 't>(query: Q<'q, Self>, value: impl Arg<'t>) -> Q<'q, Self> {
                query.bind(value)
            }
            async fn execute<'c>(conn: &'c mut $conn, query: Q<'c, Self>) -> sqlx::Result<u64> {
                Ok(query.execute(conn).await?.rows_affected())
            }
            fn fetch_optional<'c, O: Decodes>(
                conn: &'c mut $conn,
                query: Q<'c, Self>,
            ) -> impl SendFuture<sqlx::Result<Option<O>>> + 'c {
                query
                    .try_map(|row: $row| O::from_row(&row))
                    .fetch_optional(conn)
            }
            fn fetch_all<'c, O: Decodes>(
                conn: &'c mut $conn,
                query: Q<'c, Self>,
            ) -> impl SendFuture<sqlx::Result<Vec<O>>> + 'c {
                query.try_map(|row: $row| O::from_row(&row)).fetch_all(conn)
            }
            fn append_messages<'c>(
                conn: &'c mut $conn,
                task_id: uuid::Uuid,
                msgs: &'c [crate::model::NewResultMessage],
            ) -> impl SendFuture<sqlx::Result<Option<i64>>> + 'c {
                $append(conn, task_id, msgs)
            }
        }
    };
}

forward_db!(
    Postgres,
    PgConnection,
    PgRow,
    PG_MIGRATOR,
    "BEGIN",
    crate::postgres::records::append_in
);
// The file's write lock from the first statement: concurrent writers queue
// (busy timeout) instead of failing when a read lock cannot be upgraded.
forward_db!(
    Sqlite,
    SqliteConnection,
    SqliteRow,
    SQLITE_MIGRATOR,
    "BEGIN IMMEDIATE",
    crate::sqlite::records::append_in
);

/// How long a first connection may take before a refusal is looked for.
const REFUSAL_GRACE: Duration = Duration::from_millis(100);

/// No connection came within the acquire timeout.
fn timed_out(url: String, options: &StoreOptions) -> StoreError {
    StoreError::Unavailable {
        url,
        source: sqlx::Error::Io(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!("no connection within {:?}", options.acquire_timeout),
        )),
    }
}

/// A pool of connections to one database of backend `DB`, and its redacted URL.
pub(crate) struct SqlStore<DB: Db> {
    pub(crate) pool: Pool<DB>,
    pub(crate) url: String,
    /// A connection held out of the pool for claims ([`SqlStore::read_all_held`]).
    pub(crate) held: super::held::HeldSlot<DB>,
}

impl<DB: Db> Clone for SqlStore<DB> {
    fn clone(&self) -> Self {
        SqlStore {
            pool: self.pool.clone(),
            url: self.url.clone(),
            held: self.held.clone(),
        }
    }
}

impl<DB: Db> SqlStore<DB> {
    /// Opens the pool sized and timed by `options` (a single connection kept
    /// for ever for an in-memory database, which lives as long as it).
    ///
    /// The first connection is the pool's own, kept in it for the work: a
    /// command that does one thing at a time opens one connection in all.
    /// The pool retries a refused connection until its acquire timeout and
    /// then says only that it timed out, so when no connection has come
    /// within [`REFUSAL_GRACE`], `refused` (a bare socket connect, no
    /// session) finds out whether the server refuses: that error comes at
    /// once. After a timeout, one direct attempt names the reason when the
    /// server gives one (e.g. too many connections).
    pub(crate) async fn open(
        connect: <DB::Connection as Connection>::Options,
        display: String,
        options: &StoreOptions,
        in_memory: bool,
        refused: impl Future<Output = Option<std::io::Error>>,
    ) -> Result<Self> {
        let pool = if in_memory {
            PoolOptions::<DB>::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
        } else {
            PoolOptions::<DB>::new()
                .max_connections(options.max_connections.max(1))
                .min_connections(options.min_connections)
                .idle_timeout(Some(options.idle_timeout))
        };
        let pool = pool
            .acquire_timeout(options.acquire_timeout)
            .connect_lazy_with(connect.clone());
        let refusal = async {
            tokio::time::sleep(REFUSAL_GRACE).await;
            refused.await
        };
        let first = tokio::select! {
            first = pool.acquire() => first,
            Some(e) = refusal => Err(sqlx::Error::Io(e)),
        };
        match first {
            // Back to the pool, idle, for the work.
            Ok(conn) => drop(conn),
            Err(sqlx::Error::PoolTimedOut) => {
                pool.close().await;
                let reason = tokio::time::timeout(
                    REFUSAL_GRACE * 10,
                    DB::Connection::connect_with(&connect),
                );
                return Err(match reason.await {
                    Ok(Err(e)) => StoreError::from_sqlx(&display, e),
                    Ok(Ok(conn)) => {
                        let _ = conn.close().await;
                        timed_out(display, options)
                    }
                    Err(_) => timed_out(display, options),
                });
            }
            Err(e) => {
                pool.close().await;
                return Err(StoreError::from_sqlx(&display, e));
            }
        }
        Ok(SqlStore {
            pool,
            url: display,
            held: Default::default(),
        })
    }

    /// Applies the embedded migrations not applied yet, then the data
    /// migrations SQL cannot do.
    pub(crate) async fn migrate(&self) -> Result<()> {
        DB::migrate(&self.pool)
            .await
            .map_err(|source| match source {
                MigrateError::Execute(e) => self.err(e),
                source => StoreError::Migrate {
                    url: self.url.clone(),
                    source,
                },
            })?;
        self.fix_legacy_keys().await?;
        self.fill_model_digests().await
    }

    /// Folds a driver error into a store error naming this database.
    pub(crate) fn err(&self, e: sqlx::Error) -> StoreError {
        StoreError::from_sqlx(&self.url, e)
    }

    /// A write transaction.
    pub(crate) async fn write(&self) -> Result<Transaction<'static, DB>> {
        DB::begin_write(&self.pool).await.map_err(|e| self.err(e))
    }

    /// A connection from the pool, for reads.
    pub(crate) async fn conn(&self) -> Result<sqlx::pool::PoolConnection<DB>> {
        self.pool.acquire().await.map_err(|e| self.err(e))
    }

    /// Runs one statement in its own write transaction; rows changed.
    pub(crate) async fn execute_write(&self, query: Q<'_, DB>) -> Result<u64> {
        let mut tx = self.write().await?;
        let done = DB::execute(&mut tx, query).await.map_err(|e| self.err(e))?;
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok(done)
    }

    /// Every row of a read, decoded.
    pub(crate) async fn read_all<O: Decodes>(&self, query: Q<'_, DB>) -> Result<Vec<O>> {
        let mut conn = self.conn().await?;
        DB::fetch_all(&mut conn, query)
            .await
            .map_err(|e| self.err(e))
    }

    /// The first row of a read, decoded, if any.
    pub(crate) async fn read_optional<O: Decodes>(&self, query: Q<'_, DB>) -> Result<Option<O>> {
        let mut conn = self.conn().await?;
        DB::fetch_optional(&mut conn, query)
            .await
            .map_err(|e| self.err(e))
    }
}
