//! The server's life: health probes write nothing; the API alone
//! (`--worker-concurrency 0`) queues tasks that a separate `drydock worker`
//! on the same store runs; SIGTERM ends it cleanly.

use std::process::Command;
use std::time::Duration;

use drydock::store::{BuildData, Store, StoreOptions, TaskFilter};
use serde_json::json;

use super::server::{Answer, Server, create_task, design, get, poll, post};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_probes_write_nothing_and_sigterm_stops_the_server() {
    let home = tempfile::tempdir().expect("home");
    let url = format!("sqlite://{}", home.path().join("drydock.db").display());
    let mut server = Server::start(home.path(), &url, &[]);
    for _ in 0..20 {
        let health = get(&server, "/api/v1.0/health").await;
        assert_eq!(health.status, 204);
        assert!(health.text.is_empty());
    }
    let extended = get(&server, "/api/v1.0/health/extended").await;
    assert_eq!(extended.status, 200, "{}", extended.text);
    assert_eq!(extended.json["status"], "Success");
    assert_eq!(extended.json["reason"], "HealthCheck");
    assert_eq!(extended.json["details"]["errorCount"], 0);
    let store = Store::connect(&url, &StoreOptions::existing_only())
        .await
        .expect("store");
    let tasks = store
        .list_tasks(&TaskFilter::default())
        .await
        .expect("tasks");
    assert!(tasks.is_empty(), "a health probe created {tasks:?}");
    store.close().await;

    assert_eq!(server.terminate(), Some(0));
    let log = server.log();
    assert!(log.contains("server stopped"), "{log}");
    assert!(log.contains("WARNING: --auth none"), "{log}");
    assert!(
        log.contains("route=\"/api/v1.0/health\" status=204"),
        "{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_alone_queues_and_a_separate_worker_runs() {
    let home = tempfile::tempdir().expect("home");
    let url = format!("sqlite://{}", home.path().join("drydock.db").display());
    let server = Server::start(home.path(), &url, &["--worker-concurrency", "0"]);
    // No design stored yet: no nodes.
    let nodes = get(&server, "/api/v1.0/nodes").await;
    assert_eq!(nodes.status, 200, "{}", nodes.text);
    assert_eq!(nodes.json, json!([]));
    let body = json!({"action": "validate_design", "design_ref": design("valid/site-legacy.yaml")});
    let id = create_task(&server, &body).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let still = get(&server, &format!("/api/v1.0/tasks/{id}")).await;
    assert_eq!(
        still.json["status"], "queued",
        "no worker runs in this server"
    );

    let worker = Command::new(env!("CARGO_BIN_EXE_drydock"))
        .args(["worker", "--exit-when-idle", "--store", &url])
        .current_dir(home.path())
        .env_remove("DRYDOCK_STORE")
        .env_remove("DRYDOCK_CONFIG")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .output()
        .expect("drydock worker runs");
    assert!(
        worker.status.success(),
        "{}",
        String::from_utf8_lossy(&worker.stderr)
    );
    let done = poll(&server, &id, Duration::from_secs(30)).await;
    assert_eq!(done["result"]["status"], "success", "{done}");

    // GET /nodes: the nodes of the design the task stored, in the original's shape.
    let store = Store::connect(&url, &StoreOptions::default())
        .await
        .expect("store");
    let task = drydock::store::Uuid::parse_str(&id).expect("uuid");
    let data = BuildData::new("node00001", task, "lshw", "text/plain", "<xml/>");
    store.put_build_data(&data).await.expect("build data");
    store.close().await;
    let nodes = get(&server, "/api/v1.0/nodes").await;
    assert_eq!(nodes.status, 200, "{}", nodes.text);
    let nodes = nodes.json.as_array().expect("a list").clone();
    let names: Vec<&str> = nodes
        .iter()
        .filter_map(|n| n["hostname"].as_str())
        .collect();
    assert_eq!(names.len(), 6, "{nodes:?}");
    assert!(
        names.contains(&"node00000") && names.contains(&"node00005"),
        "{names:?}"
    );
    for n in &nodes {
        for key in [
            "hostname",
            "memory",
            "cpu_count",
            "status_name",
            "boot_mac",
            "power_state",
            "power_address",
            "boot_ip",
        ] {
            assert!(n.get(key).is_some(), "{key} in {n}");
        }
        assert_eq!(n["power_state"], "unknown");
        let expected = if n["hostname"] == "node00001" {
            "BuildDataCollected"
        } else {
            "Declared"
        };
        assert_eq!(n["status_name"], expected, "{n}");
    }
    assert_eq!(nodes[0]["boot_mac"], "52:54:00:00:00:00", "{:?}", nodes[0]);
}

/// A loopback server that accepts connections and never answers: a design
/// source that stalls, so a validation holds its slot.
pub(super) async fn stalling_source() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    (format!("http://{address}/site.yaml"), held)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validations_are_admitted_a_few_at_a_time_and_metrics_count_requests() {
    let home = tempfile::tempdir().expect("home");
    let url = format!("sqlite://{}", home.path().join("drydock.db").display());
    let args = [
        "--auth",
        "none",
        "--worker-concurrency",
        "0",
        "--max-validations",
        "1",
        "--max-queued-validations",
        "1",
    ];
    let envs = [
        ("DRYDOCK__FETCH__TIMEOUT", "4s"),
        ("DRYDOCK__RETRY__ATTEMPTS", "1"),
    ];
    let server = Server::start_with(home.path(), &url, &args, &envs);
    let (stalled, source) = stalling_source().await;
    let body = json!({"href": stalled});
    // One runs (its source stalls), one waits, the third is refused at once.
    let running = tokio::spawn({
        let (url, body) = (server.url("/api/v1.0/validatedesign"), body.clone());
        async move { super::server::client().post(url).json(&body).send().await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let waiting = tokio::spawn({
        let (url, body) = (server.url("/api/v1.0/validatedesign"), body.clone());
        async move { super::server::client().post(url).json(&body).send().await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let refused = post(&server, "/api/v1.0/validatedesign", &body).await;
    assert_eq!(refused.status, 503, "{}", refused.text);
    assert_eq!(refused.json["retry"], true);
    assert_eq!(refused.headers["retry-after"], "5");
    // Health still answers while validations hold every slot.
    assert_eq!(get(&server, "/api/v1.0/health").await.status, 204);
    let metrics = get(&server, "/metrics").await;
    assert_eq!(metrics.status, 200);
    assert!(
        metrics.text.contains("drydock_validations_waiting 1"),
        "{}",
        metrics.text
    );
    assert!(
        metrics.text.contains("drydock_admission_refused_total 1"),
        "{}",
        metrics.text
    );
    // The stalled fetch times out: both end in 503 (the source did not
    // answer: try again), not a 500 and not a verdict on the design.
    for call in [running, waiting] {
        let answer = Answer::of(call.await.expect("join").expect("response")).await;
        let message = answer.error(503);
        assert!(message.contains("did not answer"), "{message}");
    }
    source.abort();

    let metrics = get(&server, "/metrics").await;
    let text = &metrics.text;
    assert!(
        text.contains(
            r#"http_requests_total{method="POST",route="/api/v1.0/validatedesign",status="503"} 3"#
        ),
        "{text}"
    );
    assert!(
        text.contains(
            r#"http_requests_total{method="GET",route="/api/v1.0/health",status="204"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains("http_request_duration_seconds_bucket{"),
        "{text}"
    );
    assert!(text.contains("drydock_build_info{name="), "{text}");
    assert!(text.contains("process_resident_memory_bytes "), "{text}");
    assert!(text.contains("drydock_validations_waiting 0"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_requests_in_flight() {
    let home = tempfile::tempdir().expect("home");
    let url = format!("sqlite://{}", home.path().join("drydock.db").display());
    let envs = [
        ("DRYDOCK__FETCH__TIMEOUT", "2s"),
        ("DRYDOCK__RETRY__ATTEMPTS", "1"),
    ];
    let mut server = Server::start_with(home.path(), &url, &["--auth", "none"], &envs);
    let (stalled, source) = stalling_source().await;
    let in_flight = tokio::spawn({
        let (url, body) = (
            server.url("/api/v1.0/validatedesign"),
            json!({"href": stalled}),
        );
        async move { super::server::client().post(url).json(&body).send().await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let code = tokio::task::spawn_blocking(move || {
        let code = server.terminate();
        (code, server.log())
    });
    let answer = in_flight
        .await
        .expect("join")
        .expect("answered, not cut off");
    let answer = Answer::of(answer).await;
    assert!(answer.error(503).contains("did not answer"));
    let (code, log) = code.await.expect("join");
    assert_eq!(code, Some(0), "{log}");
    assert!(log.contains("server stopped"), "{log}");
    source.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_says_503_when_the_database_is_gone() {
    let Some(db) =
        drydock_fixtures::postgres::TempDatabase::create("serve: health without a database").await
    else {
        return;
    };
    let home = tempfile::tempdir().expect("home");
    let server = Server::start(home.path(), db.url(), &["--worker-concurrency", "0"]);
    assert_eq!(get(&server, "/api/v1.0/health").await.status, 204);
    db.drop_database().await;
    let health = get(&server, "/api/v1.0/health").await;
    assert_eq!(health.status, 503, "{}", health.text);
    assert!(health.text.is_empty());
    let extended = get(&server, "/api/v1.0/health/extended").await;
    assert_eq!(extended.status, 503, "{}", extended.text);
    assert_eq!(extended.json["status"], "Failure");
    assert_eq!(extended.json["message"], "Drydock failed to respond");
    assert_eq!(
        extended.json["details"]["messageList"][0]["message"],
        "Unable to connect to database"
    );
    // A task read is a 503 worth retrying, not a 500.
    let answer = get(&server, "/api/v1.0/tasks").await;
    assert_eq!(answer.status, 503, "{}", answer.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_limit_wait_for_one_to_close() {
    let home = tempfile::tempdir().expect("home");
    let url = format!("sqlite://{}", home.path().join("drydock.db").display());
    let server = Server::start(
        home.path(),
        &url,
        &["--worker-concurrency", "0", "--max-connections", "2"],
    );
    let address = server.base.trim_start_matches("http://").to_owned();
    // Two idle connections take both slots.
    let first = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connect");
    let second = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connect");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let health = server.url("/api/v1.0/health");
    let waiting = tokio::spawn(async move { super::server::client().get(health).send().await });
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(!waiting.is_finished(), "a third connection was served");
    drop(first);
    let answer = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("served once a slot is free")
        .expect("join")
        .expect("response");
    assert_eq!(answer.status(), 204);
    drop(second);
}
