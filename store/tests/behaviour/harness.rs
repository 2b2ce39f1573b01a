//! Runs one behaviour against a fresh database of each backend.
//!
//! PostgreSQL: a database `drydock_test_<uuid>` created on the server named by
//! `DRYDOCK_TEST_PG_URL`, else `DATABASE_URL`, else
//! `postgres://postgres@127.0.0.1:5432/test`, dropped afterwards. When the
//! server cannot be reached the test FAILS if `CI=true`, and otherwise says
//! loudly that it skipped. SQLite: a file in a fresh temporary directory.

use std::future::Future;
use std::io::Write;
use std::time::Duration;

use drydock_store::{Backend, Store, StoreOptions, redact_url};
use sqlx::Connection;

/// What a behaviour gets: a migrated store and the URL to open more.
pub struct Ctx {
    /// The database URL (no secrets in tests).
    pub url: String,
    /// A store connected with default options.
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
}

impl Ctx {
    /// Another store (a separate pool, as another instance would have) on the same database.
    pub async fn another(&self, options: &StoreOptions) -> Store {
        Store::connect(&self.url, options)
            .await
            .expect("second connection")
    }

    /// The backend under test.
    pub fn backend(&self) -> Backend {
        self.store.backend()
    }

    /// Counts rows of `table` with raw SQL (checks the store cannot answer by itself).
    pub async fn count(&self, table: &str) -> i64 {
        let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"));
        match self.backend() {
            Backend::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.url).await.expect("pg");
                sqlx::query_scalar(sql)
                    .fetch_one(&mut c)
                    .await
                    .expect("count")
            }
            Backend::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&self.url)
                    .await
                    .expect("sqlite");
                sqlx::query_scalar(sql)
                    .fetch_one(&mut c)
                    .await
                    .expect("count")
            }
        }
    }
}

fn loud(msg: &str) {
    // Straight to the process's stderr: the test harness does not capture it.
    let _ = writeln!(std::io::stderr().lock(), "\n*** {msg} ***\n");
}

/// The PostgreSQL server tests create their databases on.
pub fn pg_admin_url() -> String {
    std::env::var("DRYDOCK_TEST_PG_URL")
        .or_else(|_| std::env::var("DATABASE_URL"))
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

fn with_database(admin: &str, db: &str) -> String {
    let mut url = url::Url::parse(admin).expect("DRYDOCK_TEST_PG_URL is a URL");
    url.set_path(&format!("/{db}"));
    url.to_string()
}

/// Runs `behaviour` on a fresh PostgreSQL database.
pub async fn postgres<F, Fut>(name: &str, behaviour: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let admin_url = pg_admin_url();
    let admin = tokio::time::timeout(
        Duration::from_secs(5),
        sqlx::PgConnection::connect(&admin_url),
    )
    .await;
    let mut admin = match admin {
        Ok(Ok(c)) => c,
        failed => {
            let why = match failed {
                Ok(Err(e)) => e.to_string(),
                _ => "timed out after 5 s".into(),
            };
            let msg = format!(
                "PostgreSQL at {} is not reachable ({why}); set DRYDOCK_TEST_PG_URL",
                redact_url(&admin_url)
            );
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{msg} — CI=true, so the PostgreSQL tests fail instead of skipping");
            }
            loud(&format!("SKIPPED {name} on PostgreSQL: {msg}"));
            return;
        }
    };
    let db = format!("drydock_test_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
        .execute(&mut admin)
        .await
        .expect("CREATE DATABASE");
    let url = with_database(&admin_url, &db);
    let store = Store::connect(&url, &StoreOptions::default())
        .await
        .expect("connect to the test database");
    let ctx = Ctx {
        url,
        store,
        _dir: None,
    };
    let outcome = tokio::spawn(behaviour(ctx)).await;
    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {db} WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await;
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("{name} was cancelled: {e}"),
        }
    }
}

/// Runs `behaviour` on a fresh SQLite file.
pub async fn sqlite<F, Fut>(_name: &str, behaviour: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/store/drydock.db", dir.path().display());
    let store = Store::connect(&url, &StoreOptions::default())
        .await
        .expect("connect to the SQLite file");
    behaviour(Ctx {
        url,
        store,
        _dir: Some(dir),
    })
    .await;
}
