//! The server's life: health probes write nothing; the API alone
//! (`--worker-concurrency 0`) queues tasks that a separate `drydock worker`
//! on the same store runs; SIGTERM ends it cleanly.

use std::process::Command;
use std::time::Duration;

use drydock::store::{BuildData, Store, StoreOptions, TaskFilter};
use serde_json::json;

use super::server::{Server, design, get, poll, post};

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
    let created = post(&server, "/api/v1.0/tasks", &body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.json["task_id"]
        .as_str()
        .expect("task_id")
        .to_owned();
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
