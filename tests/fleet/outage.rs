//! A `drydock worker` outlives its database going away: while PostgreSQL
//! cannot be reached (a proxy in between is cut) it keeps retrying instead
//! of exiting, and once the database is back it runs what was queued
//! meanwhile; SIGTERM still ends it cleanly.

use crate::common;

use std::net::ToSocketAddrs;
use std::time::Duration;

use common::designs::Designs;
use common::fleet::{WorkerProc, check_results, complete, create_tasks, open};
use drydock_fixtures::proxy::Proxy;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_rides_out_a_database_outage() {
    let Some(db) = drydock_fixtures::postgres::TempDatabase::create("worker outage").await else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let direct = db.url().to_owned();
    let server = url::Url::parse(&direct).expect("the database URL");
    let upstream = (
        server.host_str().unwrap_or("127.0.0.1"),
        server.port().unwrap_or(5432),
    )
        .to_socket_addrs()
        .expect("the server's address")
        .next()
        .expect("an address");
    let proxy = Proxy::start(upstream).await;
    let mut through = server.clone();
    through.set_port(Some(proxy.addr.port())).expect("port");
    through.set_host(Some("127.0.0.1")).expect("host");
    let through = through.to_string();

    let designs = Designs::start(home, 4).await;
    // Valid and invalid designs, file:// and http://, none of them slow.
    let picks: Vec<usize> = (0..10).map(|i| i % designs.slow).collect();
    let refs: Vec<String> = picks.iter().map(|&d| designs.refs[d].0.clone()).collect();
    let observer = open(&direct).await;
    let before = create_tasks(&observer, &refs).await;
    let mut worker = WorkerProc::start(home, &through, "w", &[]);
    wait_for(&worker, "the first tasks", async || {
        complete(&observer, &before).await == before.len()
    })
    .await;

    proxy.cut().await;
    // Work queued while the worker cannot see the database.
    let during = create_tasks(&observer, &refs).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(
        worker.child.try_wait().expect("try_wait").is_none(),
        "the worker exited when the database went away:\n{}",
        worker.log()
    );
    assert_eq!(complete(&observer, &during).await, 0, "nothing ran unseen");
    proxy.restore();

    wait_for(&worker, "the tasks queued during the outage", async || {
        complete(&observer, &during).await == during.len()
    })
    .await;
    let log = worker.log();
    assert!(
        log.contains("the store did not answer; retrying"),
        "the outage is logged:\n{log}"
    );
    let all: Vec<_> = before.iter().chain(&during).copied().collect();
    check_results(&observer, &all, &picks.repeat(2), &designs.refs).await;
    worker.terminate();
    assert_eq!(
        worker.wait(Duration::from_secs(30)),
        Some(0),
        "{}",
        worker.log()
    );
    drop(proxy);
    observer.close().await;
    db.drop_database().await;
}

/// Polls `done` every 100 ms for a minute; fails with the worker's log.
async fn wait_for(worker: &WorkerProc, what: &str, mut done: impl AsyncFnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !done().await {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}; the worker's log:\n{}",
            worker.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
