//! A command against PostgreSQL opens one connection in all (the migrations
//! check and the work share it): counted by the server itself, as sessions
//! established to a database made for the test (`pg_stat_database.sessions`,
//! read from another database once the command's backends have ended).

use std::path::Path;
use std::time::{Duration, Instant};

use drydock_fixtures::postgres::{TempDatabase, admin_url};
use sqlx::Connection as _;

use crate::common::{drydock, printed};

/// Sessions established to `name` so far, once no backend uses it (each
/// flushes its counts as it ends).
async fn sessions(name: &str) -> i64 {
    let mut admin = sqlx::PgConnection::connect(&admin_url())
        .await
        .expect("the admin database");
    let started = Instant::now();
    loop {
        let (sessions, backends): (i64, i32) =
            sqlx::query_as("SELECT sessions, numbackends FROM pg_stat_database WHERE datname = $1")
                .bind(name)
                .fetch_one(&mut admin)
                .await
                .expect("pg_stat_database");
        if backends == 0 {
            return sessions;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{backends} backend(s) still on {name}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs `drydock args` off the runtime; panics with its output unless it exits `code`.
async fn run(home: &Path, args: Vec<String>, code: i32) -> String {
    let home = home.to_owned();
    let out = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        drydock(&args, &home, &[])
    })
    .await
    .expect("join");
    assert_eq!(out.status.code(), Some(code), "{}", printed(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_postgresql_command_opens_one_connection() {
    let Some(db) = TempDatabase::create("one connection per command").await else {
        return;
    };
    let name = url::Url::parse(db.url()).expect("a URL").path()[1..].to_owned();
    let home = tempfile::tempdir().unwrap();
    let design = format!(
        "file://{}",
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/designs/deckhand_fullsite.yaml")
            .display()
    );
    let store = db.url().to_owned();
    let args = |list: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        args.extend(["--store".to_string(), store.clone()]);
        args
    };
    let mut before = sessions(&name).await;
    // The first migrates the new database; the others check it is migrated.
    let mut count = async |list: &[&str], code: i32| {
        let out = run(home.path(), args(list), code).await;
        let after = sessions(&name).await;
        assert_eq!(after - before, 1, "`drydock {}` sessions", list.join(" "));
        before = after;
        out
    };
    count(&["store", "migrate"], 0).await;
    let create = [
        "task",
        "create",
        "-a",
        "validate_design",
        "-d",
        &design,
        "--json",
    ];
    let created = count(&create, 0).await;
    let task: serde_json::Value = serde_json::from_str(&created).expect("JSON");
    let id = task["task_id"].as_str().expect("a task id").to_owned();
    count(&["task", "list"], 0).await;
    count(&["task", "show", "-t", &id], 0).await;
    count(&["task", "delete", "--days", "0"], 0).await;
    count(&["store", "status"], 0).await;
    count(&["resolve", &design], 0).await;
    count(&["snapshots", "list"], 0).await;
    count(&["task", "show", "-t", &id], 5).await;
    db.drop_database().await;
}
