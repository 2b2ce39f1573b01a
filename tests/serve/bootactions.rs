//! A node's whole boot-action path against a real `drydock serve`: armed by
//! `drydock bootaction arm`, its units and files fetched with its key and
//! unpacked by `tar`, success and failure posted, both seen on the task.

use std::path::Path;

use drydock::store::{NewTask, Store, StoreOptions, TaskAction};
use drydock::{ResolveOptions, Resolver};
use serde_json::{Value, json};

use super::server::{Answer, Server, client_with, design, get};

/// A deploy task over the stored sample site, in the store at `url`.
async fn deploy_task(url: &str) -> String {
    let store = Store::connect(url, &StoreOptions::default())
        .await
        .expect("store");
    let resolved = Resolver::new()
        .resolve(
            &design("deckhand_fullsite.yaml"),
            &ResolveOptions::default(),
        )
        .await
        .expect("the sample resolves");
    let saved = store.save_resolved(&resolved).await.expect("stored");
    let mut new = NewTask::new(TaskAction::DeployNodes).with_design_ref(
        "deckhand+http://shipyard:pw@deckhand:9000/api/v1.0/revisions/3/rendered-documents",
    );
    new.design_snapshot_id = Some(saved.snapshot_id);
    let id = store.create_task(&new).await.expect("task").task_id;
    store.close().await;
    id.to_string()
}

/// `drydock bootaction arm`: the node's key.
fn arm(home: &Path, url: &str, task: &str, node: &str) -> String {
    let out = crate::common::drydock(
        &[
            "bootaction",
            "arm",
            "--task",
            task,
            "--node",
            node,
            "--store",
            url,
        ],
        home,
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim_end().to_owned()
}

/// A node's request: no token, only its key (if any).
async fn node_get(server: &Server, path: &str, key: Option<&str>) -> reqwest::Response {
    let mut request = client_with(None).get(server.url(path));
    if let Some(key) = key {
        request = request.header("X-Bootaction-Key", key);
    }
    request.send().await.expect("GET")
}

async fn node_post(server: &Server, path: &str, key: &str, body: &str) -> Answer {
    let sent = client_with(None)
        .post(server.url(path))
        .header("X-Bootaction-Key", key)
        .header("Content-Type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .expect("POST");
    Answer::of(sent).await
}

/// Fetches `/bootactions/nodes/{node}/{kind}` and unpacks it with `tar` into `dir`.
async fn fetch_and_unpack(server: &Server, node: &str, kind: &str, key: &str, dir: &Path) {
    let response = node_get(
        server,
        &format!("/api/v1.0/bootactions/nodes/{node}/{kind}"),
        Some(key),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/gzip");
    let what = kind.trim_end_matches('s');
    assert_eq!(
        response.headers()["content-disposition"],
        format!("attachment; filename=\"{node}-{what}.tar.gz\"").as_str()
    );
    let bytes = response.bytes().await.unwrap();
    let file = dir.join(format!("{node}-{kind}.tar.gz"));
    std::fs::write(&file, &bytes).unwrap();
    let out = std::process::Command::new("tar")
        .arg("-xzf")
        .arg(&file)
        .arg("-C")
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `drydock bootaction status --json --wait WAIT`.
fn report(home: &Path, url: &str, task: &str, wait: &str) -> Value {
    let out = crate::common::drydock(
        &[
            "bootaction",
            "status",
            "--task",
            task,
            "--store",
            url,
            "--wait",
            wait,
            "--json",
        ],
        home,
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The id of the `helloworld` action, read from the rendered designref file.
fn helloworld_id(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("var/tmp/designref.sh")).unwrap();
    text.lines().nth(1).expect("the action id line").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_fetches_its_assets_and_reports_back() {
    let home = tempfile::tempdir().expect("home");
    let url = format!("sqlite://{}", home.path().join("drydock.db").display());
    let task = deploy_task(&url).await;
    let server = Server::start(home.path(), &url, &["--worker-concurrency", "0"]);
    let key = arm(home.path(), &url, &task, "compute01");

    let dir = tempfile::tempdir().unwrap();
    fetch_and_unpack(&server, "compute01", "units", &key, dir.path()).await;
    assert!(
        dir.path()
            .join("lib/systemd/system/hello.service")
            .is_file()
    );
    fetch_and_unpack(&server, "compute01", "files", &key, dir.path()).await;
    assert_eq!(
        std::fs::read_to_string(dir.path().join("var/tmp/hello.sh")).unwrap(),
        "#!/bin/bash\n\necho 'Hello World! -from compute01'"
    );
    let designref = std::fs::read_to_string(dir.path().join("var/tmp/designref.sh")).unwrap();
    assert!(
        designref.starts_with("deckhand+http://deckhand:9000/"),
        "no credentials: {designref}"
    );
    assert!(designref.ends_with(&key), "{designref}");

    // Keys and nodes: 401 with a challenge, 403, 400, 404; never a 500.
    let units = "/api/v1.0/bootactions/nodes/compute01/units";
    let none = node_get(&server, units, None).await;
    assert_eq!(none.status(), 401);
    assert_eq!(none.headers()["www-authenticate"], "Bootaction-Key");
    assert_eq!(
        node_get(&server, units, Some(&"0".repeat(64)))
            .await
            .status(),
        403
    );
    assert_eq!(
        node_get(&server, units, Some("zz-not-hex")).await.status(),
        400
    );
    let unknown = "/api/v1.0/bootactions/nodes/compute99/units";
    assert_eq!(node_get(&server, unknown, Some(&key)).await.status(), 404);
    let hostile = format!("/api/v1.0/bootactions/nodes/{}/files", "n".repeat(5000));
    assert_eq!(node_get(&server, &hostile, Some(&key)).await.status(), 404);
    let nul = "/api/v1.0/bootactions/nodes/a%00b/files";
    assert_eq!(node_get(&server, nul, Some(&key)).await.status(), 404);

    // Success, with the node client's trailing slash and an extra key.
    let id = helloworld_id(dir.path());
    let body = json!({"status": "success", "details": [{"message": "hello ran", "error": false, "exit": 0}]});
    let answer = node_post(
        &server,
        &format!("/api/v1.0/bootactions/{id}/"),
        &key,
        &body.to_string(),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.json["action_status"], "success");
    assert_eq!(answer.json["action_name"], "helloworld");
    assert_eq!(answer.json["task_id"], task.as_str());
    let again = node_post(
        &server,
        &format!("/api/v1.0/bootactions/{id}"),
        &key,
        &body.to_string(),
    )
    .await;
    again.error(409);
    node_post(
        &server,
        &format!("/api/v1.0/bootactions/{id}"),
        &key,
        "{not json",
    )
    .await
    .error(400);
    node_post(
        &server,
        "/api/v1.0/bootactions/01BX5ZZKBKACTAV9WEVGEMMVRZ",
        &key,
        "{}",
    )
    .await
    .error(404);
    node_post(&server, "/api/v1.0/bootactions/garbage", &key, "{}")
        .await
        .error(404);

    // Failure from another node, without the trailing slash.
    let key2 = arm(home.path(), &url, &task, "compute02");
    let dir2 = tempfile::tempdir().unwrap();
    fetch_and_unpack(&server, "compute02", "files", &key2, dir2.path()).await;
    // hw_filtered2 writes its own designref.sh last (design_ref alone, as
    // the sample says): the id of compute02's helloworld from the report.
    assert!(dir2.path().join("var/tmp/designref.sh").is_file());
    let rows = report(home.path(), &url, &task, "0s");
    let id2 = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["node_name"] == "compute02" && r["action_name"] == "helloworld")
        .unwrap()["action_id"]
        .as_str()
        .unwrap()
        .to_owned();
    node_post(&server, &format!("/api/v1.0/bootactions/{id2}"), &key, "{}")
        .await
        .error(403);
    let failed =
        json!({"status": "Failure", "details": [{"message": "hello failed", "error": true}]});
    let answer = node_post(
        &server,
        &format!("/api/v1.0/bootactions/{id2}"),
        &key2,
        &failed.to_string(),
    )
    .await;
    assert_eq!(answer.json["action_status"], "failure", "{}", answer.text);

    // Both seen on the task, through the API.
    let shown = get(&server, &format!("/api/v1.0/tasks/{task}")).await;
    assert_eq!(shown.status, 200, "{}", shown.text);
    let messages: Vec<&Value> = shown.json["result"]["details"]["messageList"]
        .as_array()
        .expect("messages")
        .iter()
        .filter(|m| m["context_type"] == "bootaction")
        .collect();
    let texts: Vec<(&str, bool)> = messages
        .iter()
        .map(|m| {
            (
                m["message"].as_str().unwrap(),
                m["error"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        texts,
        [
            ("hello ran", false),
            ("Boot action helloworld on node compute01: success", false),
            ("hello failed", true),
            ("Boot action helloworld on node compute02: failure", true),
        ]
    );
    assert_eq!(messages[0]["context"], id.as_str());
    assert_eq!(messages[0]["extra"], json!({"exit": 0}));

    // And in the report.
    let rows = report(home.path(), &url, &task, "100ms");
    let outcomes: Vec<(&str, &str, &str)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["node_name"].as_str().unwrap(),
                r["action_name"].as_str().unwrap(),
                r["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("compute01", "hw_filtered", "unreported"),
            ("compute01", "helloworld", "success"),
            ("compute02", "helloworld", "failure"),
            ("compute02", "hw_filtered2", "timeout"),
        ]
    );
}
