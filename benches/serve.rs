//! Whole-process benchmark of `drydock serve` on loopback: 64 concurrent
//! clients polling `GET /tasks/{id}` on SQLite and on PostgreSQL (req/s and
//! p99), `POST /validatedesign` of a 10,000-node site against `drydock
//! validate` of the same file, `/health` p99 while 16 validations of it run,
//! and the server's peak RSS (VmHWM).
//!
//! `cargo bench -p drydock --bench serve`; `DRYDOCK_BENCH_QUICK=1` shrinks
//! it (1,000 nodes, 2 s of polling) to check that it works in a debug build
//! (`cargo test -p drydock --bench serve`). PostgreSQL is
//! `DRYDOCK_TEST_PG` or the fixtures' default; skipped when it does not answer.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use drydock_fixtures::postgres::TempDatabase;
use drydock_fixtures::sitegen::{self, SiteSpec};
use serde_json::{Value, json};

const CLIENTS: usize = 64;

struct Server {
    child: Child,
    base: String,
}

impl Server {
    // The child is moved into the `Server`, whose `Drop` kills and waits for it.
    #[allow(clippy::zombie_processes)]
    fn start(home: &Path, store: &str) -> Server {
        let log = home.join(format!("serve-{}.log", std::process::id()));
        let file = std::fs::File::create(&log).expect("log");
        let mut child = Command::new(env!("CARGO_BIN_EXE_drydock"))
            .args(["serve", "--auth", "none", "--listen", "127.0.0.1:0"])
            .args(["--store", store, "--max-connections", "256"])
            .env("NO_PROXY", "127.0.0.1")
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .expect("drydock serve");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if let Some(rest) = text.split("serving http://").nth(1) {
                let address = rest.split('/').next().unwrap_or_default();
                return Server {
                    child,
                    base: format!("http://{address}"),
                };
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("did not start:\n{text}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn peak_rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn client() -> reqwest::Client {
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_root_certificates(rustls::RootCertStore::empty())
    .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .no_proxy()
        .pool_max_idle_per_host(CLIENTS)
        .timeout(Duration::from_secs(600))
        .build()
        .expect("client")
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// 64 clients polling one task for `length`; prints req/s and p50/p99.
async fn poll_tasks(label: &str, server: &Server, design: &str, length: Duration) {
    let client = client();
    let created: Value = client
        .post(format!("{}/api/v1.0/tasks", server.base))
        .json(&json!({"action": "validate_design", "design_ref": design}))
        .send()
        .await
        .expect("POST /tasks")
        .json()
        .await
        .expect("task JSON");
    let id = created["task_id"].as_str().expect("task_id").to_owned();
    let url = format!("{}/api/v1.0/tasks/{id}", server.base);
    let started = Instant::now();
    let mut clients = tokio::task::JoinSet::new();
    for _ in 0..CLIENTS {
        let (client, url) = (client.clone(), url.clone());
        clients.spawn(async move {
            let mut times = Vec::new();
            let mut failed = 0usize;
            while started.elapsed() < length {
                let t = Instant::now();
                let ok = match client.get(&url).send().await {
                    Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                    _ => false,
                };
                if ok {
                    times.push(t.elapsed());
                } else {
                    failed += 1;
                }
            }
            (times, failed)
        });
    }
    let (mut all, mut failed) = (Vec::new(), 0);
    while let Some(done) = clients.join_next().await {
        let (times, f) = done.expect("client");
        all.extend(times);
        failed += f;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort();
    println!(
        "{label}: GET /tasks/{{id}} x{CLIENTS} clients: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {} requests, {failed} failed",
        all.len() as f64 / elapsed,
        percentile(&all, 0.50),
        percentile(&all, 0.99),
        all.len()
    );
}

async fn validate(client: &reqwest::Client, base: &str, href: &str) -> (Duration, u16) {
    let t = Instant::now();
    let r = client
        .post(format!("{base}/api/v1.0/validatedesign"))
        .json(&json!({"rel": "design", "href": href, "type": "application/x-yaml"}))
        .send()
        .await
        .expect("POST /validatedesign");
    let status = r.status().as_u16();
    let _ = r.bytes().await;
    (t.elapsed(), status)
}

async fn validations(server: &Server, home: &Path, site: &Path) {
    let href = format!("file://{}", site.display());
    let client = client();
    let (served, status) = validate(&client, &server.base, &href).await;
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_drydock"))
        .args(["validate", &href])
        .env("HOME", home)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("drydock validate");
    let cli = t.elapsed();
    println!(
        "POST /validatedesign: {:.0} ms ({status}); drydock validate: {:.0} ms (exit {:?}); ratio {:.2}",
        served.as_secs_f64() * 1000.0,
        cli.as_secs_f64() * 1000.0,
        out.code(),
        served.as_secs_f64() / cli.as_secs_f64()
    );

    // /health while 16 validations run (4 at a time, 12 queued).
    let mut running = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let (client, base, href) = (client.clone(), server.base.clone(), href.clone());
        running.spawn(async move { validate(&client, &base, &href).await });
    }
    let health = format!("{}/api/v1.0/health", server.base);
    let mut times = Vec::new();
    while !running.is_empty() {
        let t = Instant::now();
        let ok = client
            .get(&health)
            .send()
            .await
            .is_ok_and(|r| r.status().as_u16() == 204);
        if ok {
            times.push(t.elapsed());
        }
        while let Some(done) = running.try_join_next() {
            let _ = done.expect("validation");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    times.sort();
    println!(
        "/health during 16 validations: {} probes, p50 {:.2} ms, p99 {:.2} ms",
        times.len(),
        percentile(&times, 0.50),
        percentile(&times, 0.99)
    );
    println!("server peak RSS {:.0} MiB", server.peak_rss_mib());
}

#[tokio::main]
async fn main() {
    let quick = std::env::var_os("DRYDOCK_BENCH_QUICK").is_some();
    let (nodes, length) = if quick {
        (1_000, Duration::from_secs(2))
    } else {
        (10_000, Duration::from_secs(10))
    };
    let home = tempfile::tempdir().expect("home");
    let design =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/designs/valid/site-legacy.yaml");
    let design = format!("file://{}", design.display());
    println!(
        "load average {}",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );

    let sqlite = format!("sqlite://{}", home.path().join("bench.db").display());
    let server = Server::start(home.path(), &sqlite);
    poll_tasks("SQLite", &server, &design, length).await;
    let site = home.path().join(format!("site-{nodes}.yaml"));
    std::fs::write(&site, sitegen::deckhand(&SiteSpec::new(nodes))).expect("site");
    println!("{nodes}-node site");
    validations(&server, home.path(), &site).await;
    drop(server);

    match TempDatabase::create("serve_bench").await {
        Some(db) => {
            let server = Server::start(home.path(), db.url());
            poll_tasks("PostgreSQL", &server, &design, length).await;
            drop(server);
            db.drop_database().await;
        }
        None => println!("PostgreSQL: not reachable, skipped"),
    }
}
