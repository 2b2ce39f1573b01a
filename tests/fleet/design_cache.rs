//! The worker's design cache through real `drydock worker` processes on
//! PostgreSQL: tasks over one design load it from the store once, then take
//! it from memory; a stored row edited behind the store's back is still
//! refused by a worker that had not kept it (each task resolves afresh, and
//! nothing refused is kept).

use crate::common;

use std::time::Duration;

use common::fleet::{WorkerProc, create_tasks, open, show};
use drydock::store::{ResultStatus, Store, TaskStatus, Uuid};
use drydock_fixtures::sitegen::{SiteSpec, deckhand};
use sqlx::Connection as _;

/// Runs one worker (one task at a time) until nothing is left; its log.
fn work(home: &std::path::Path, url: &str, name: &str) -> String {
    let mut worker =
        WorkerProc::start(home, url, name, &["--exit-when-idle", "--concurrency", "1"]);
    assert_eq!(
        worker.wait(Duration::from_secs(120)),
        Some(0),
        "{}",
        worker.log()
    );
    worker.log()
}

/// Every task succeeded.
async fn succeeded(store: &Store, ids: &[Uuid]) {
    for id in ids {
        let task = show(store, *id).await;
        assert_eq!(task.status, TaskStatus::Complete, "{task:?}");
        assert_eq!(task.result.status, ResultStatus::Success, "{task:?}");
        assert!(task.design_snapshot_id.is_some(), "{task:?}");
    }
}

fn count(log: &str, what: &str) -> usize {
    log.lines().filter(|l| l.contains(what)).count()
}

const IN_MEMORY: &str = "in memory: not loaded again";
const REFUSED: &str = "a stored resolution was refused";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_loads_a_design_once_and_still_refuses_an_edited_row() {
    let Some(db) = drydock_fixtures::postgres::TempDatabase::create("design cache").await else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let url = db.url().to_owned();
    let site = format!("{}# marker-AAAAAAAAAAAAAAAA\n", deckhand(&SiteSpec::new(5)));
    let path = home.join("site.yaml");
    std::fs::write(&path, &site).unwrap();
    let design = format!("file://{}", path.display());
    let observer = open(&url).await;

    // Five tasks, one at a time: fetched and stored, loaded once, then memory.
    let ids = create_tasks(&observer, &vec![design.clone(); 5]).await;
    let log = work(home, &url, "a");
    succeeded(&observer, &ids).await;
    assert_eq!(count(&log, "served from the cache"), 0, "{log}");
    assert_eq!(count(&log, REFUSED), 0, "{log}");
    assert_eq!(count(&log, IN_MEMORY), 3, "{log}");

    // The stored bytes edited behind the store's back.
    let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");
    let edited = sqlx::query(
        "UPDATE design_content SET bytes = overlay(bytes placing $2 \
         from position($1 in bytes))",
    )
    .bind(&b"marker-AAAAAAAAAAAAAAAA"[..])
    .bind(&b"marker-BBBBBBBBBBBBBBBB"[..])
    .execute(&mut conn)
    .await
    .expect("edit the stored bytes");
    assert_eq!(edited.rows_affected(), 1);
    conn.close().await.expect("close");

    // A new worker never serves the edited row: every task refuses it and
    // resolves afresh (the source's bytes), and nothing refused is kept.
    let ids = create_tasks(&observer, &vec![design.clone(); 3]).await;
    let log = work(home, &url, "b");
    succeeded(&observer, &ids).await;
    assert_eq!(count(&log, REFUSED), 3, "{log}");
    assert_eq!(count(&log, IN_MEMORY), 0, "{log}");
    observer.close().await;
    db.drop_database().await;
}
