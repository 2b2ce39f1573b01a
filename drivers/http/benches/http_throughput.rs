//! Loopback throughput of the http driver.
//!
//! Run: `cargo bench -p drydock-driver-http --bench http_throughput`
//!
//! 1. one 64 MiB body, through `HttpClient::fetch_url` and through the driver:
//!    median MB/s of 7 runs. Both hash the body with SHA-256 as it streams in
//!    (`LimitedBody`), so SHA-256 alone (also printed) bounds both;
//! 2. 1,000 fetches of distinct 100 KiB documents with 64 in flight: median
//!    total time of 5 runs, p50 and p99 latency, TCP connections opened.

use std::sync::Arc;
use std::time::{Duration, Instant};

use drydock_core::{DesignRef, Driver, FetchOptions};
use drydock_driver_http::{HttpClient, HttpDriver, HttpOptions, HttpRequest};
use drydock_fixtures::HttpFixture;
use tokio::sync::Semaphore;

const BIG: usize = 64 * 1024 * 1024;
const DOCS: usize = 1000;
const DOC_SIZE: usize = 100 * 1024;
const IN_FLIGHT: usize = 64;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

async fn big_body(server: &HttpFixture, driver: &HttpDriver, client: &HttpClient) {
    server.put("/big", vec![b'y'; BIG]);
    let url = server.url("/big");
    let opts = FetchOptions::default().with_max_size(BIG as u64);
    let request = HttpRequest::new(&url, url.as_str()).expect("request");
    let reference = DesignRef::parse(url.as_str()).expect("reference");
    // Warm the connection.
    client.fetch_url(&request, &opts).await.expect("warm-up");
    let mut transport = Vec::new();
    let mut with_digest = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let r = client.fetch_url(&request, &opts).await.expect("fetch");
        assert_eq!(r.bytes.len(), BIG);
        transport.push(BIG as f64 / 1e6 / t.elapsed().as_secs_f64());
        let t = Instant::now();
        let f = driver.fetch(&reference, &opts).await.expect("fetch");
        assert_eq!(f.bytes.len(), BIG);
        with_digest.push(BIG as f64 / 1e6 / t.elapsed().as_secs_f64());
    }
    let body = vec![b'y'; BIG];
    let mut hashing = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        std::hint::black_box(drydock_core::Digest::of(&body));
        hashing.push(BIG as f64 / 1e6 / t.elapsed().as_secs_f64());
    }
    println!(
        "64 MiB body: HttpClient {:.0} MB/s, driver {:.0} MB/s, both hashing as they stream (SHA-256 alone {:.0} MB/s; median of 7)",
        median(transport),
        median(with_digest),
        median(hashing)
    );
}

async fn many_documents(server: &HttpFixture, driver: Arc<HttpDriver>) {
    for i in 0..DOCS {
        let mut doc = vec![b'd'; DOC_SIZE];
        doc[..8].copy_from_slice(&(i as u64).to_le_bytes());
        server.put(&format!("/doc/{i}"), doc);
    }
    let refs: Arc<Vec<DesignRef>> = Arc::new(
        (0..DOCS)
            .map(|i| DesignRef::parse(server.url(&format!("/doc/{i}")).as_str()).expect("ref"))
            .collect(),
    );
    let mut totals = Vec::new();
    let mut last = (Vec::new(), 0);
    let mut opened_per_run = Vec::new();
    for _ in 0..5 {
        let connections_before = server.connections();
        let limit = Arc::new(Semaphore::new(IN_FLIGHT));
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..DOCS {
            let (driver, refs, limit) = (driver.clone(), refs.clone(), limit.clone());
            tasks.spawn(async move {
                let _permit = limit.acquire_owned().await.expect("semaphore");
                let t = Instant::now();
                let f = driver
                    .fetch(&refs[i], &FetchOptions::default())
                    .await
                    .expect("fetch");
                assert_eq!(f.bytes.len(), DOC_SIZE);
                t.elapsed()
            });
        }
        let mut latencies = Vec::with_capacity(DOCS);
        while let Some(latency) = tasks.join_next().await {
            latencies.push(latency.expect("task"));
        }
        totals.push(started.elapsed().as_secs_f64());
        latencies.sort();
        let opened = server.connections() - connections_before;
        opened_per_run.push(opened);
        last = (latencies, opened);
    }
    let (latencies, _) = last;
    println!(
        "1,000 x 100 KiB, 64 in flight: total {:.0} ms (median of 5), last run p50 {:.2} ms, p99 {:.2} ms; connections opened per run: {:?} (pool of 64 idle per host)",
        median(totals) * 1e3,
        percentile(&latencies, 0.5).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        opened_per_run
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let server = HttpFixture::start().await.expect("fixture");
        let options = HttpOptions::default()
            .with_env_proxy(false)
            .with_bearer_token_env(None);
        let driver = Arc::new(HttpDriver::new(options).expect("driver"));
        let client = driver.client().clone();
        big_body(&server, &driver, &client).await;
        many_documents(&server, driver).await;
    });
}
