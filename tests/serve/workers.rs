//! A worker killed mid-task under the server: the API alone
//! (`--worker-concurrency 0`), a `drydock worker` that claims the task and
//! is killed (SIGKILL) while its design's source stalls, and a second
//! worker that takes the task over once the claim lapses; the server shows
//! it complete, with the lapsed claim counted. And SIGTERM to the server
//! gives its in-process worker's running task back after `--shutdown-grace`.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use super::server::{Server, create_task, get};

/// A design source whose first connection stalls (the returned flag says
/// when it came); later ones get `design`.
async fn stall_once(design: Vec<u8>) -> (String, Arc<AtomicBool>, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let stalling = Arc::new(AtomicBool::new(false));
    let flag = stalling.clone();
    let served = tokio::spawn(async move {
        let mut stalled = Vec::new();
        while let Ok((mut socket, _)) = listener.accept().await {
            if stalled.is_empty() {
                stalled.push(socket);
                flag.store(true, Ordering::SeqCst);
                continue;
            }
            let design = design.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/x-yaml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    design.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&design).await;
            });
        }
    });
    (format!("http://{address}/site.yaml"), stalling, served)
}

fn worker(home: &std::path::Path, store: &str, log: &str) -> Child {
    let file = std::fs::File::create(home.join(log)).expect("log");
    Command::new(env!("CARGO_BIN_EXE_drydock"))
        .args([
            "-v",
            "worker",
            "--store",
            store,
            "--lease",
            "2s",
            "--leader-grace",
            "1s",
        ])
        .args(["--poll", "200ms", "--exit-when-idle"])
        .current_dir(home)
        .env_remove("DRYDOCK_STORE")
        .env_remove("DRYDOCK_CONFIG")
        .env("NO_PROXY", "127.0.0.1")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("DRYDOCK__FETCH__TIMEOUT", "120s")
        .env("DRYDOCK__FETCH__READ_TIMEOUT", "120s")
        .stdout(Stdio::null())
        .stderr(file)
        .spawn()
        .expect("drydock worker starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_task_is_replaced_under_the_server() {
    let home = tempfile::tempdir().expect("home");
    let url = format!("sqlite://{}", home.path().join("drydock.db").display());
    let server = Server::start(home.path(), &url, &["--worker-concurrency", "0"]);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let design =
        std::fs::read(root.join("fixtures/designs/valid/site-legacy.yaml")).expect("design");
    let (reference, stalling, source) = stall_once(design).await;
    let body = json!({"action": "validate_design", "design_ref": reference});
    let id = create_task(&server, &body).await;

    // The first worker claims the task and stalls on its design: kill it.
    let mut first = worker(home.path(), &url, "first.log");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let task = get(&server, &format!("/api/v1.0/tasks/{id}")).await;
        if task.json["status"] == "running" && stalling.load(Ordering::SeqCst) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never claimed and fetched: {}",
            task.text
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    first.kill().expect("SIGKILL");
    let _ = first.wait();

    // A second worker requeues the lapsed claim and runs the task.
    let mut second = worker(home.path(), &url, "second.log");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let done = loop {
        let task = get(&server, &format!("/api/v1.0/tasks/{id}")).await;
        if task.json["status"] == "complete" {
            break task.json;
        }
        if std::time::Instant::now() > deadline {
            let read =
                |name: &str| std::fs::read_to_string(home.path().join(name)).unwrap_or_default();
            panic!(
                "still {}:\n--- first\n{}\n--- second\n{}\n--- server\n{}",
                task.text,
                read("first.log"),
                read("second.log"),
                server.log()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(done["result"]["status"], "success", "{done}");
    assert_eq!(done["attempts"], 1, "{done}");
    // /metrics counts the lapsed claim as a requeue, and both claims.
    let metrics = super::server::client()
        .get(server.url("/metrics"))
        .send()
        .await
        .expect("GET /metrics")
        .text()
        .await
        .expect("body");
    for line in [
        "drydock_task_requeues 1",
        "drydock_task_claims 2",
        "drydock_queue_depth 0",
        "drydock_tasks_finished{action=\"validate_design\",result=\"success\"} 1",
    ] {
        assert!(metrics.lines().any(|l| l == line), "{line} in\n{metrics}");
    }
    let status = tokio::task::spawn_blocking(move || second.wait())
        .await
        .expect("join");
    let log = std::fs::read_to_string(home.path().join("second.log")).unwrap_or_default();
    assert!(status.expect("wait").success(), "{log}");
    source.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_gives_the_in_process_workers_running_task_back() {
    let home = tempfile::tempdir().expect("home");
    let url = format!("sqlite://{}", home.path().join("drydock.db").display());
    let (stalled, source) = super::lifecycle::stalling_source().await;
    // The fetch would wait two minutes; the grace is one second.
    let envs = [
        ("DRYDOCK__FETCH__TIMEOUT", "120s"),
        ("DRYDOCK__RETRY__ATTEMPTS", "1"),
    ];
    let mut server = Server::start_with(
        home.path(),
        &url,
        &["--auth", "none", "--shutdown-grace", "1s"],
        &envs,
    );
    let id = create_task(
        &server,
        &json!({"action": "validate_design", "design_ref": stalled}),
    )
    .await;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let task = get(&server, &format!("/api/v1.0/tasks/{id}")).await;
        if task.json["status"] == "running" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{}", task.text);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let stopping = std::time::Instant::now();
    let (code, log) = tokio::task::spawn_blocking(move || {
        let code = server.terminate();
        (code, server.log())
    })
    .await
    .expect("join");
    assert_eq!(code, Some(0), "{log}");
    assert!(
        stopping.elapsed() < Duration::from_secs(20),
        "stopped after the grace, not the fetch: {:?}",
        stopping.elapsed()
    );
    assert!(log.contains("released=1"), "{log}");
    // Back in the queue, unclaimed, for the next worker.
    let options = drydock::store::StoreOptions {
        create_missing: false,
        ..Default::default()
    };
    let store = drydock::store::Store::connect(&url, &options)
        .await
        .expect("store");
    let uuid = drydock::store::Uuid::parse_str(&id).expect("a task id");
    let task = store.get_task(uuid).await.expect("the task");
    assert_eq!(task.status, drydock::store::TaskStatus::Queued, "{task:?}");
    assert_eq!(task.claimed_by, None, "{task:?}");
    store.close().await;
    source.abort();
}
