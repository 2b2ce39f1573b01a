//! Store benchmark, on SQLite and (when reachable) PostgreSQL:
//! claims per second with 8 workers over 10,000 queued tasks, one at a time
//! and in batches of 100 (`claim_tasks`); result messages
//! per second appended in batches of 100; storing and reading back the
//! snapshot of a 10,000-node site. Each figure is the median of `RUNS` runs,
//! each on a fresh database.
//!
//! `cargo bench -p drydock-store --bench store` (PostgreSQL from
//! `DRYDOCK_TEST_PG_URL`, else `postgres://postgres@127.0.0.1:5432/test`).
//!
//! The `-relaxed` runs use `StoreOptions { durable_commits: false }`
//! (PostgreSQL `synchronous_commit=off`, SQLite `synchronous=NORMAL`), to
//! show how much of the time is the flush of each commit to disk.
//! Arguments choose what runs (default: everything): backends `sqlite`,
//! `sqlite-relaxed`, `postgres`, `postgres-relaxed` (exact names), parts
//! `claims`, `messages`, `snapshot`; e.g. `-- postgres snapshot`.
//!
//! The 10,000-node design is the fixtures' generated site in Deckhand format,
//! ingested for real: its raw bytes, model JSON and report are stored.

use std::time::{Duration, Instant};

use bytes::Bytes;
use drydock_store::{
    Claim, NewResultMessage, NewSnapshot, NewTask, Store, StoreOptions, TaskAction, Uuid,
};
use serde_json::json;
use sqlx::Connection;

const RUNS: usize = 3;
const TASKS: usize = 10_000;
const WORKERS: usize = 8;
const BATCH: usize = 100;
/// Tasks per batch claim.
const CLAIM_BATCH: u32 = 100;
const BATCHES: usize = 200;
const NODES: usize = 10_000;
/// Concurrent message writers.
const WRITERS: usize = 4;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let site = generated_site();
        println!(
            "generated {NODES}-node site: {:.1} MB bytes, {:.1} MB model JSON",
            site.bytes.len() as f64 / 1e6,
            site.model.get().len() as f64 / 1e6
        );
        let args: Vec<String> = std::env::args()
            .skip(1)
            .filter(|a| !a.starts_with("--"))
            .collect();
        let parts = Parts::from_args(&args);
        let backends: Vec<&String> = args
            .iter()
            .filter(|a| !Parts::NAMES.contains(&a.as_str()))
            .collect();
        let wanted = |name: &str| backends.is_empty() || backends.iter().any(|a| *a == name);
        let admin_url = std::env::var("DRYDOCK_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let pg_up = match sqlx::PgConnection::connect(&admin_url).await {
            Ok(_) => true,
            Err(e) => {
                println!(
                    "postgres: SKIPPED, {} unreachable: {e}",
                    drydock_store::redact_url(&admin_url)
                );
                false
            }
        };
        for (label, durable) in [
            ("sqlite", true),
            ("sqlite-relaxed", false),
            ("postgres", true),
            ("postgres-relaxed", false),
        ] {
            if !wanted(label) || (label.starts_with("postgres") && !pg_up) {
                continue;
            }
            let options = StoreOptions {
                durable_commits: durable,
                ..Default::default()
            };
            let admin_url = admin_url.clone();
            bench(label, &site, &options, &parts, move || {
                let admin_url = admin_url.clone();
                async move {
                    if label.starts_with("sqlite") {
                        let dir = tempfile::tempdir().expect("temp dir");
                        let url = format!("sqlite://{}/bench.db", dir.path().display());
                        return (url, Cleanup::Dir(dir));
                    }
                    let mut admin = sqlx::PgConnection::connect(&admin_url)
                        .await
                        .expect("admin");
                    let db = format!("drydock_bench_{}", uuid::Uuid::new_v4().simple());
                    let sql = format!("CREATE DATABASE {db}");
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .execute(&mut admin)
                        .await
                        .expect("create database");
                    let mut url = url::Url::parse(&admin_url).expect("url");
                    url.set_path(&db);
                    (url.to_string(), Cleanup::Db(admin_url, db))
                }
            })
            .await;
        }
    });
}

/// Which parts of the benchmark run.
struct Parts {
    claims: bool,
    messages: bool,
    snapshot: bool,
}

impl Parts {
    const NAMES: [&str; 3] = ["claims", "messages", "snapshot"];

    fn from_args(args: &[String]) -> Parts {
        let named = |part: &str| args.iter().any(|a| a == part);
        let any = Parts::NAMES.iter().any(|p| named(p));
        Parts {
            claims: !any || named("claims"),
            messages: !any || named("messages"),
            snapshot: !any || named("snapshot"),
        }
    }
}

enum Cleanup {
    Dir(#[allow(dead_code)] tempfile::TempDir),
    Db(String, String),
}

impl Cleanup {
    async fn run(self) {
        if let Cleanup::Db(admin, db) = self
            && let Ok(mut c) = sqlx::PgConnection::connect(&admin).await
        {
            let sql = format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)");
            let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut c).await;
        }
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

async fn bench<F, Fut>(
    name: &str,
    site: &NewSnapshot,
    options: &StoreOptions,
    parts: &Parts,
    fresh: F,
) where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = (String, Cleanup)>,
{
    let (mut claims, mut msgs, mut put, mut get) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut msgs4, mut batches) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let (url, cleanup) = fresh().await;
        let store = Store::connect(&url, options).await.expect("connect");
        if parts.claims {
            claims.push(claim_rate(&store, &url, options, 1).await);
            batches.push(claim_rate(&store, &url, options, CLAIM_BATCH).await);
        }
        if parts.messages {
            msgs.push(message_rate(&store).await);
            msgs4.push(concurrent_message_rate(&store).await);
        }
        if parts.snapshot {
            let (p, g) = snapshot_times(&store, site).await;
            put.push(p.as_secs_f64());
            get.push(g.as_secs_f64());
        }
        store.close().await;
        cleanup.run().await;
    }
    if parts.claims {
        println!(
            "{name}: claims/s with {WORKERS} workers over {TASKS} tasks, one at a time (median of {RUNS}): {:.0}",
            median(claims)
        );
        println!(
            "{name}: claims/s with {WORKERS} workers over {TASKS} tasks, batches of {CLAIM_BATCH} (median of {RUNS}): {:.0}",
            median(batches)
        );
    }
    if parts.messages {
        println!(
            "{name}: messages/s in batches of {BATCH} (median of {RUNS}): {:.0}",
            median(msgs)
        );
        println!(
            "{name}: messages/s in batches of {BATCH}, {WRITERS} writers on their own tasks (median of {RUNS}): {:.0}",
            median(msgs4)
        );
    }
    if parts.snapshot {
        println!(
            "{name}: {NODES}-node snapshot put: {:.3} s, get: {:.3} s (medians of {RUNS})",
            median(put),
            median(get)
        );
    }
}

/// Claims per second: `WORKERS` workers, each its own one-connection pool,
/// take `TASKS` queued tasks `batch` at a time until none is left.
async fn claim_rate(store: &Store, url: &str, options: &StoreOptions, batch: u32) -> f64 {
    let mut set = tokio::task::JoinSet::new();
    for w in 0..WORKERS {
        let s = store.clone();
        set.spawn(async move {
            for _ in 0..TASKS / WORKERS {
                s.create_task(&NewTask::new(if w % 2 == 0 {
                    TaskAction::DeployNode
                } else {
                    TaskAction::PrepareNodes
                }))
                .await
                .expect("create");
            }
        });
    }
    set.join_all().await;
    let mut workers = Vec::new();
    for _ in 0..WORKERS {
        let options = StoreOptions {
            max_connections: 1,
            migrate: false,
            ..options.clone()
        };
        workers.push(Store::connect(url, &options).await.expect("worker connect"));
    }
    let start = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for s in workers {
        set.spawn(async move {
            let claim = Claim::new(Uuid::new_v4(), Duration::from_secs(300));
            let mut n = 0usize;
            loop {
                let got = s.claim_tasks(&claim, batch).await.expect("claim").len();
                if got == 0 {
                    break n;
                }
                n += got;
            }
        });
    }
    let claimed: usize = set.join_all().await.into_iter().sum();
    let elapsed = start.elapsed();
    assert_eq!(claimed, TASKS);
    TASKS as f64 / elapsed.as_secs_f64()
}

async fn message_rate(store: &Store) -> f64 {
    let task = store
        .create_task(&NewTask::new(TaskAction::DeployNodes))
        .await
        .expect("task");
    let batch = message_batch();
    let start = Instant::now();
    for _ in 0..BATCHES {
        store
            .append_messages(task.task_id, &batch)
            .await
            .expect("append");
    }
    let elapsed = start.elapsed();
    (BATCH * BATCHES) as f64 / elapsed.as_secs_f64()
}

fn message_batch() -> Vec<NewResultMessage> {
    (0..BATCH)
        .map(|i| {
            let mut m = NewResultMessage::new(format!("node n{i:05} step applied"), i % 17 == 0)
                .with_context(format!("n{i:05}"), "node");
            m.extra = Some(json!({ "step": i }));
            m
        })
        .collect()
}

async fn concurrent_message_rate(store: &Store) -> f64 {
    let batch = std::sync::Arc::new(message_batch());
    let mut tasks = Vec::new();
    for _ in 0..WRITERS {
        tasks.push(
            store
                .create_task(&NewTask::new(TaskAction::DeployNodes))
                .await
                .expect("task")
                .task_id,
        );
    }
    let start = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for task in tasks {
        let (s, batch) = (store.clone(), batch.clone());
        set.spawn(async move {
            for _ in 0..BATCHES / WRITERS * 2 {
                s.append_messages(task, &batch).await.expect("append");
            }
        });
    }
    set.join_all().await;
    (BATCH * (BATCHES / WRITERS * 2) * WRITERS) as f64 / start.elapsed().as_secs_f64()
}

async fn snapshot_times(store: &Store, site: &NewSnapshot) -> (Duration, Duration) {
    let start = Instant::now();
    let stored = store.put_snapshot(site).await.expect("put snapshot");
    let put = start.elapsed();
    assert!(!stored.reused, "a fresh database");
    let start = Instant::now();
    let back = store
        .get_snapshot(stored.summary.snapshot_id)
        .await
        .expect("get snapshot");
    let get = start.elapsed();
    assert_eq!(back.bytes.len(), site.bytes.len());
    (put, get)
}

/// The generated `NODES`-node site (drydock_fixtures::sitegen), ingested by
/// the Deckhand ingester: real bytes, model and report, as the CLI stores them.
/// The model is serialised here, once, as a caller does before `put_snapshot`.
fn generated_site() -> NewSnapshot {
    use drydock_core::{DesignRef, Fetched, IngestOptions, Ingester};
    let yaml =
        drydock_fixtures::sitegen::deckhand(&drydock_fixtures::sitegen::SiteSpec::new(NODES));
    let bytes = Bytes::from(yaml);
    let ingested = drydock_ingester_deckhand::DeckhandIngester::default()
        .ingest(&bytes, &IngestOptions::for_source("bench"))
        .expect("the generated site ingests");
    assert!(ingested.report.is_success(), "the generated site is valid");
    let reference = DesignRef::parse("https://designs.local/bench/site.yaml").expect("reference");
    let fetched = Fetched::new("http", &reference, bytes).with_etag("\"bench\"");
    let model = serde_json::value::to_raw_value(&ingested.design).expect("model JSON");
    NewSnapshot::new(
        &reference,
        &fetched,
        "deckhand",
        model.into(),
        ingested.report,
        ingested.summary,
    )
}
