//! `/metrics`: design fetch and cache outcomes, counted once by the server's
//! resolver (the handlers' resolutions and the in-process worker's), fetch
//! durations, and the store's connection pool.

use std::time::Duration;

use serde_json::json;

use super::server::{Server, client, create_task, design, poll, post};

/// The text `/metrics` answers.
async fn scrape(server: &Server) -> String {
    let response = client()
        .get(server.url("/metrics"))
        .send()
        .await
        .expect("GET /metrics");
    assert_eq!(response.status(), 200);
    response.text().await.expect("body")
}

/// The value of the sample `name` (with its labels), if present.
fn sample(metrics: &str, name: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|v| v.parse().ok())
}

/// `drydock_design_resolutions_total{scheme,outcome}`, 0 when absent.
fn resolutions(metrics: &str, scheme: &str, outcome: &str) -> f64 {
    let name =
        format!("drydock_design_resolutions_total{{scheme=\"{scheme}\",outcome=\"{outcome}\"}}");
    sample(metrics, &name).unwrap_or(0.0)
}

/// The number of fetches `drydock_design_fetch_duration_seconds` observed.
fn fetches(metrics: &str, scheme: &str, result: &str) -> f64 {
    let name = format!(
        "drydock_design_fetch_duration_seconds_count{{scheme=\"{scheme}\",result=\"{result}\"}}"
    );
    sample(metrics, &name).unwrap_or(0.0)
}

/// A loopback port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("address").port()
}

/// A server with `config` (a drydock.toml) on a SQLite store in `home`.
fn start(home: &std::path::Path, config: &str, args: &[&str]) -> Server {
    let path = home.join("drydock.toml");
    std::fs::write(&path, config).expect("config");
    let url = format!("sqlite://{}", home.join("drydock.db").display());
    let mut all = vec!["--auth", "none"];
    all.extend_from_slice(args);
    let config = path.display().to_string();
    Server::start_with(home, &url, &all, &[("DRYDOCK_CONFIG", config.as_str())])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validations_count_fetches_hits_refusals_and_errors() {
    let home = tempfile::tempdir().expect("home");
    // Within the TTL, the same design again is served without asking the source.
    let server = start(
        home.path(),
        "[cache]\nttl = \"1h\"\n[retry]\nattempts = 1\n",
        &["--worker-concurrency", "0"],
    );
    let before = scrape(&server).await;
    assert!(
        !before.contains("drydock_design_resolutions_total{"),
        "nothing resolved yet:\n{before}"
    );
    let valid = design("valid/site-legacy.yaml");
    for _ in 0..2 {
        let answer = post(&server, "/api/v1.0/validatedesign", &json!({"href": valid})).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
    }
    let unreachable = format!("http://127.0.0.1:{}/site.yaml", closed_port());
    let answer = post(
        &server,
        "/api/v1.0/validatedesign",
        &json!({"href": unreachable}),
    )
    .await;
    assert_eq!(answer.status, 503, "{}", answer.text);
    // A scheme no driver serves is refused, and counted under `other`
    // (callers cannot grow the label set).
    let answer = post(
        &server,
        "/api/v1.0/validatedesign",
        &json!({"href": "gopher://127.0.0.1/site.yaml"}),
    )
    .await;
    assert_eq!(answer.status, 400, "{}", answer.text);
    let answer = post(
        &server,
        "/api/v1.0/nodefilter",
        &json!({"design_ref": valid}),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);

    let metrics = scrape(&server).await;
    assert_eq!(resolutions(&metrics, "file", "fetched"), 1.0, "{metrics}");
    // The second validation and the node filter: hits.
    assert_eq!(resolutions(&metrics, "file", "hit"), 2.0, "{metrics}");
    assert_eq!(resolutions(&metrics, "http", "error"), 1.0, "{metrics}");
    assert_eq!(resolutions(&metrics, "other", "refused"), 1.0, "{metrics}");
    assert!(!metrics.contains("gopher"), "{metrics}");
    assert_eq!(resolutions(&metrics, "file", "revalidated"), 0.0);
    // One fetch each from a source: the hits asked none.
    assert_eq!(fetches(&metrics, "file", "ok"), 1.0, "{metrics}");
    assert_eq!(fetches(&metrics, "http", "error"), 1.0, "{metrics}");
    let file_seconds = sample(
        &metrics,
        "drydock_design_fetch_duration_seconds_sum{scheme=\"file\",result=\"ok\"}",
    )
    .expect("the file fetch's duration");
    assert!(file_seconds > 0.0 && file_seconds < 60.0, "{file_seconds}");
    // The process figures.
    let threads = sample(&metrics, "process_threads").expect("threads");
    assert!(threads >= 2.0, "{metrics}");
    let cpu = sample(&metrics, "process_cpu_seconds").expect("CPU time");
    assert!(cpu > 0.0 && cpu < 600.0, "{metrics}");
    let started = sample(&metrics, "process_start_time_seconds").expect("start time");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs_f64();
    assert!(
        started <= now + 1.0 && started > now - 600.0,
        "{started} vs {now}"
    );
    assert!(sample(&metrics, "process_resident_memory_bytes").is_some_and(|b| b > 1e6));
    // Validation results are counted as before.
    assert_eq!(
        sample(&metrics, "drydock_validations_total{name=\"success\"}"),
        Some(2.0),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_workers_resolutions_are_counted_and_a_stored_design_is_revalidated() {
    let home = tempfile::tempdir().expect("home");
    let server = start(home.path(), "", &[]);
    let valid = design("valid/site-legacy.yaml");
    // The in-process worker resolves (fetched) and stores the resolution.
    let id = create_task(
        &server,
        &json!({"action": "validate_design", "design_ref": valid}),
    )
    .await;
    let done = poll(&server, &id, Duration::from_secs(60)).await;
    assert_eq!(done["result"]["status"], "success", "{done}");
    let metrics = scrape(&server).await;
    assert_eq!(resolutions(&metrics, "file", "fetched"), 1.0, "{metrics}");
    // Without a TTL the handler asks the source again (the file driver
    // answers a conditional fetch: not modified), so the stored resolution
    // is served, not ingested again.
    let answer = post(&server, "/api/v1.0/validatedesign", &json!({"href": valid})).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let metrics = scrape(&server).await;
    assert_eq!(
        resolutions(&metrics, "file", "revalidated"),
        1.0,
        "{metrics}"
    );
    assert_eq!(resolutions(&metrics, "file", "fetched"), 1.0, "{metrics}");
    assert_eq!(resolutions(&metrics, "file", "hit"), 0.0, "{metrics}");
    assert_eq!(fetches(&metrics, "file", "ok"), 1.0, "{metrics}");
    assert_eq!(fetches(&metrics, "file", "not_modified"), 1.0, "{metrics}");
}

/// The pool's figures: `in_use + idle = open <= max`, `max` the store's.
fn assert_pool(metrics: &str, max: f64) {
    let state = |s: &str| {
        sample(
            metrics,
            &format!("drydock_store_pool_connections{{state=\"{s}\"}}"),
        )
        .unwrap_or_else(|| panic!("pool state {s} in\n{metrics}"))
    };
    let (in_use, idle, open) = (state("in_use"), state("idle"), state("open"));
    assert_eq!(state("max"), max, "{metrics}");
    assert_eq!(in_use + idle, open, "{metrics}");
    assert!(open >= 1.0 && open <= max, "{metrics}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_pool_is_reported_on_sqlite_and_postgres() {
    let home = tempfile::tempdir().expect("home");
    let server = start(home.path(), "", &["--worker-concurrency", "0"]);
    // The first scrape reads the store; the second sees its connection.
    scrape(&server).await;
    assert_pool(&scrape(&server).await, 10.0);
    drop(server);

    let Some(db) = drydock_fixtures::postgres::TempDatabase::create("serve: pool metrics").await
    else {
        return;
    };
    let pg = Server::start(home.path(), db.url(), &[]);
    scrape(&pg).await;
    assert_pool(&scrape(&pg).await, 10.0);
    drop(pg);
    db.drop_database().await;
}
