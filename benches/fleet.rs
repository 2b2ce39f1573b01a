//! End-to-end benchmark: validate_design tasks per second through two real
//! `drydock worker` processes on one PostgreSQL database, every task over
//! the same generated 1,000-node design (file://), so resolution is a cache
//! hit after the first. Each round queues N tasks and times until all are
//! complete; the median round is reported.
//!
//! `cargo bench --features cli --bench fleet` (PostgreSQL at `DRYDOCK_TEST_PG_URL`, else
//! 127.0.0.1:5432). Knobs: `DRYDOCK_BENCH_TASKS` (per round, default 500),
//! `DRYDOCK_BENCH_ROUNDS` (5), `DRYDOCK_BENCH_NODES` (1000),
//! `DRYDOCK_BENCH_WORKERS` (2), `DRYDOCK_BENCH_CONCURRENCY` (per worker, 2);
//! `DRYDOCK_BENCH_LOG=PREFIX` writes each worker's `-v` log to `PREFIX.N`.
//!
//! To compare builds in one run, `DRYDOCK_BENCH_BINS=before=/path/a,after=/path/b`
//! names `drydock` binaries (`LABEL=PATH`, or a path labelled by itself):
//! each round runs every binary in turn (fresh worker processes, one warm-up
//! task each, then the timed tasks), alternating, and the median of each is
//! reported with the machine's load average. Without it, this build's binary.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use drydock::store::{
    NewTask, ResultStatus, Store, StoreOptions, TaskAction, TaskFilter, TaskStatus,
};
use drydock_fixtures::postgres::TempDatabase;
use drydock_fixtures::sitegen::{SiteSpec, deckhand};

fn knob(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The binaries to measure: `DRYDOCK_BENCH_BINS`, else this build's.
fn binaries() -> Vec<(String, String)> {
    match std::env::var("DRYDOCK_BENCH_BINS") {
        Ok(list) if !list.trim().is_empty() => list
            .split(',')
            .map(|item| match item.split_once('=') {
                Some((label, path)) => (label.to_owned(), path.to_owned()),
                None => (item.to_owned(), item.to_owned()),
            })
            .collect(),
        _ => vec![(
            "this build".to_owned(),
            env!("CARGO_BIN_EXE_drydock").to_owned(),
        )],
    }
}

/// The 1-minute load average, as /proc/loadavg says.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

fn worker(bin: &str, url: &str, home: &std::path::Path, concurrency: usize, n: usize) -> Child {
    let log = std::env::var("DRYDOCK_BENCH_LOG").ok();
    let stderr = match &log {
        Some(prefix) => Stdio::from(std::fs::File::create(format!("{prefix}.{n}")).expect("log")),
        None => Stdio::null(),
    };
    Command::new(bin)
        .args(["worker", "--store", url, "--poll", "1s"])
        .args(log.map(|_| "-v"))
        .args(["--concurrency", &concurrency.to_string()])
        .current_dir(home)
        .env_remove("DRYDOCK_CONFIG")
        .env_remove("RUST_LOG")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("the worker starts")
}

/// Stops the workers (SIGTERM) and waits for them.
fn stop(procs: &mut [Child]) {
    for p in procs.iter() {
        let _ = Command::new("kill")
            .args(["-TERM", &p.id().to_string()])
            .status();
    }
    for p in procs.iter_mut() {
        let _ = p.wait();
    }
}

/// Queues `n` tasks over `design` (from 8 connections at once, so that
/// queueing is not what is measured) and waits until none is queued or running.
async fn round(store: &Store, design: &str, n: usize) -> (Duration, Vec<drydock::store::Uuid>) {
    const QUEUERS: usize = 8;
    let started = Instant::now();
    let mut queueing = tokio::task::JoinSet::new();
    for q in 0..QUEUERS.min(n) {
        let (store, design) = (store.clone(), design.to_owned());
        let count = n / QUEUERS.min(n) + usize::from(q < n % QUEUERS.min(n));
        queueing.spawn(async move {
            let mut ids = Vec::with_capacity(count);
            for _ in 0..count {
                let task = NewTask::new(TaskAction::ValidateDesign).with_design_ref(&design);
                let created = store.create_task(&task).await.expect("queue a task");
                ids.push(created.task_id);
            }
            ids
        });
    }
    let ids: Vec<_> = queueing.join_all().await.into_iter().flatten().collect();
    assert_eq!(ids.len(), n);
    let pending = TaskFilter {
        statuses: vec![TaskStatus::Queued, TaskStatus::Running],
        limit: Some(1),
        ..TaskFilter::default()
    };
    while !store.list_tasks(&pending).await.expect("look").is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "the round takes too long"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    (started.elapsed(), ids)
}

#[tokio::main]
async fn main() {
    // `cargo test --benches` runs this too: only measure under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let tasks = knob("DRYDOCK_BENCH_TASKS", 500);
    let rounds = knob("DRYDOCK_BENCH_ROUNDS", 5).max(1);
    let nodes = knob("DRYDOCK_BENCH_NODES", 1000);
    let workers = knob("DRYDOCK_BENCH_WORKERS", 2).max(1);
    let concurrency = knob("DRYDOCK_BENCH_CONCURRENCY", 2).max(1);
    let Some(db) = TempDatabase::create("fleet benchmark").await else {
        eprintln!("fleet benchmark: no PostgreSQL, nothing measured");
        return;
    };
    let home = tempfile::tempdir().expect("a temporary directory");
    let path = home.path().join("site.yaml");
    std::fs::write(&path, deckhand(&SiteSpec::new(nodes))).expect("write the design");
    let design = format!("file://{}", path.display());
    let store = Store::connect(db.url(), &StoreOptions::default())
        .await
        .expect("connect");
    let bins = binaries();
    let mut rates: Vec<Vec<f64>> = vec![Vec::new(); bins.len()];
    let mut loads = vec![load()];
    for r in 0..rounds {
        for (b, (label, bin)) in bins.iter().enumerate() {
            let mut procs: Vec<Child> = (0..workers)
                .map(|n| worker(bin, db.url(), home.path(), concurrency, n))
                .collect();
            // Warm up: the first resolution fetches, ingests and stores the
            // design (later ones are cache hits, through the store or memory).
            let (first, _) = round(&store, &design, 1).await;
            if r == 0 {
                println!(
                    "fleet: {label}: first task ({nodes} nodes): {:.3} s",
                    first.as_secs_f64()
                );
            }
            let (took, ids) = round(&store, &design, tasks).await;
            let done = TaskFilter {
                statuses: vec![TaskStatus::Complete],
                ..TaskFilter::default()
            };
            let complete = store.list_tasks(&done).await.expect("list");
            let succeeded = complete
                .iter()
                .filter(|t| ids.contains(&t.task_id) && t.result.status == ResultStatus::Success)
                .count();
            assert_eq!(succeeded, tasks, "every task of the round succeeded");
            let rate = tasks as f64 / took.as_secs_f64();
            println!(
                "fleet: {label}: round {r}: {tasks} tasks in {:.3} s = {rate:.1} tasks/s (load {})",
                took.as_secs_f64(),
                load()
            );
            rates[b].push(rate);
            stop(&mut procs);
        }
        loads.push(load());
    }
    for ((label, _), mut rates) in bins.iter().zip(rates) {
        rates.sort_by(f64::total_cmp);
        println!(
            "fleet: {label}: median {:.1} validate_design tasks/s ({workers} workers x {concurrency}, \
             {nodes}-node design, {tasks} tasks per round, {rounds} rounds)",
            rates[rates.len() / 2]
        );
    }
    println!(
        "fleet: 1-minute load average during the run: {}",
        loads.join(", ")
    );
    store.close().await;
    db.drop_database().await;
}
