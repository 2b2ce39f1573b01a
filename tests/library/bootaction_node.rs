//! Boot actions over a real store (SQLite, and PostgreSQL when reachable):
//! arm a node, fetch its tarballs with its key (unpacked by `tar`), every
//! key check, signals (schema, 409, extras), the task's report, re-arming,
//! and two services on one PostgreSQL serving the same node.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use drydock::bootaction::{BootActions, Locations, Outcome, ulid};
use drydock::design::AssetType;
use drydock::store::{NewTask, ResultStatus, Store, StoreOptions, TaskAction, Uuid};
use drydock::{FetchOptions, ResolveOptions, Resolver};
use serde_json::json;

const DESIGN_REF: &str =
    "deckhand+http://admin:secret@deckhand:9000/api/v1.0/revisions/1/rendered-documents";

async fn service(url: &str) -> BootActions {
    let store = Store::connect(url, &StoreOptions::default())
        .await
        .expect("store");
    let locations = Locations::new(Arc::new(Resolver::new()), FetchOptions::default());
    BootActions::new(store, locations).with_report_url("http://127.0.0.1:9/api/v1.0/bootactions/")
}

/// A deploy task over the stored sample site.
async fn task(store: &Store) -> Uuid {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/designs/deckhand_fullsite.yaml");
    let resolved = Resolver::new()
        .resolve(
            &format!("file://{}", path.display()),
            &ResolveOptions::default().schema_only(),
        )
        .await
        .expect("the sample resolves");
    let saved = store.save_resolved(&resolved).await.expect("stored");
    let mut new = NewTask::new(TaskAction::DeployNodes).with_design_ref(DESIGN_REF);
    new.design_snapshot_id = Some(saved.snapshot_id);
    store.create_task(&new).await.expect("task").task_id
}

/// Unpacks a tarball with `tar` under a fresh directory.
fn unpack(tarball: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.tar.gz");
    std::fs::write(&file, tarball).unwrap();
    let out = std::process::Command::new("tar")
        .arg("-xzf")
        .arg(&file)
        .arg("-C")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

async fn whole_path(url: &str) {
    let boot = service(url).await;
    let task_id = task(boot.store()).await;
    let armed = boot.arm(task_id, "compute01").await.expect("armed");
    let key = armed.key_hex();
    assert_eq!(key.len(), 64);
    let names: Vec<(&str, &ResultStatus)> = armed
        .actions
        .iter()
        .map(|a| (a.action_name.as_str(), &a.status))
        .collect();
    assert_eq!(
        names,
        [
            ("hw_filtered", &ResultStatus::Unreported),
            ("helloworld", &ResultStatus::Incomplete)
        ]
    );
    let hello = armed.actions[1].action_id;

    // Units and files, with the key.
    let units = boot
        .node_tarball("compute01", Some(&key), AssetType::Unit)
        .await
        .expect("units");
    let dir = unpack(&units);
    assert!(
        dir.path()
            .join("lib/systemd/system/hello.service")
            .is_file()
    );
    assert!(!dir.path().join("var/tmp/hello.sh").exists(), "units only");
    let files = boot
        .node_tarball("compute01", Some(&key), AssetType::File)
        .await
        .expect("files");
    let dir = unpack(&files);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("var/tmp/designref.sh")).unwrap(),
        format!(
            "deckhand+http://deckhand:9000/api/v1.0/revisions/1/rendered-documents\n{}\n{key}",
            ulid::to_text(hello)
        )
    );
    assert_eq!(
        boot.node_tarball("compute01", Some(&key.to_uppercase()), AssetType::File)
            .await,
        Ok(files.clone()),
        "the same bytes each time, the key's case aside"
    );

    // Key checks.
    let refused = |r: Result<Vec<u8>, drydock::bootaction::Refusal>| r.unwrap_err().status();
    assert_eq!(
        refused(boot.node_tarball("compute01", None, AssetType::Unit).await),
        401
    );
    assert_eq!(
        refused(
            boot.node_tarball("compute01", Some(&"ab".repeat(32)), AssetType::Unit)
                .await
        ),
        403
    );
    assert_eq!(
        refused(
            boot.node_tarball("compute01", Some("not hex!"), AssetType::Unit)
                .await
        ),
        400
    );
    assert_eq!(
        refused(
            boot.node_tarball("nobody", Some(&key), AssetType::Unit)
                .await
        ),
        404
    );
    assert_eq!(
        refused(boot.node_tarball("nobody", None, AssetType::Unit).await),
        404
    );
    let other = boot
        .arm(task_id, "compute02")
        .await
        .expect("armed")
        .key_hex();
    assert_eq!(
        refused(
            boot.node_tarball("compute01", Some(&other), AssetType::Unit)
                .await
        ),
        403
    );
    assert!(
        boot.node_tarball("compute02", Some(&other), AssetType::Unit)
            .await
            .is_ok()
    );

    // Signals.
    let id = ulid::to_text(hello);
    let signal = |id: String, key: Option<String>, body: serde_json::Value| {
        let boot = &boot;
        async move {
            boot.signal(&id, key.as_deref(), body.to_string().as_bytes())
                .await
        }
    };
    let k = || Some(key.clone());
    let status =
        |r: Result<serde_json::Value, drydock::bootaction::Refusal>| r.unwrap_err().status();
    assert_eq!(status(signal(id.clone(), None, json!({})).await), 401);
    assert_eq!(
        status(signal(id.clone(), Some(other.clone()), json!({})).await),
        403
    );
    assert_eq!(
        status(signal(ulid::to_text(ulid::new_action_id()), k(), json!({})).await),
        404
    );
    assert_eq!(
        status(signal("not-a-ulid".into(), k(), json!({})).await),
        404
    );
    assert_eq!(
        status(signal(id.clone(), k(), json!({"status": "done"})).await),
        400
    );
    assert_eq!(
        status(signal(id.clone(), k(), json!({"extra": 1})).await),
        400
    );
    // A detail alone: the action stays incomplete.
    let answer = signal(
        id.clone(),
        k(),
        json!({"details": [{"message": "started", "error": false}]}),
    )
    .await
    .expect("taken");
    assert_eq!(answer["action_status"], "incomplete");
    let answer = signal(
        id.clone(),
        k(),
        json!({"status": "Success", "details": [{"message": "done", "error": false, "ts": "t1", "step": 3}]}),
    )
    .await
    .expect("taken");
    assert_eq!(
        answer,
        json!({"node_name": "compute01", "action_id": id, "action_name": "helloworld",
               "task_id": task_id, "action_status": "success"})
    );
    assert_eq!(
        status(signal(id.clone(), k(), json!({"status": "failure"})).await),
        409
    );
    // hw_filtered does not signal: its row is final from the start.
    let quiet = ulid::to_text(armed.actions[0].action_id);
    assert_eq!(
        status(signal(quiet, k(), json!({"status": "success"})).await),
        409
    );

    // The task carries the details and the final status.
    let messages = boot.store().messages(task_id).await.unwrap();
    let ours: Vec<_> = messages
        .iter()
        .filter(|m| m.context_type.as_deref() == Some("bootaction"))
        .collect();
    assert_eq!(ours.len(), 3, "{ours:?}");
    assert!(
        ours.iter()
            .all(|m| m.context.as_deref() == Some(id.as_str()))
    );
    assert_eq!(ours[1].message, "done");
    assert_eq!(
        ours[1].extra,
        Some(json!({"ts": "t1", "step": 3})),
        "extra keys kept"
    );
    assert_eq!(
        ours[2].message,
        "Boot action helloworld on node compute01: success"
    );

    // The report: compute02's helloworld never reported.
    let report = boot
        .wait(
            task_id,
            Duration::from_millis(300),
            Duration::from_millis(50),
        )
        .await
        .unwrap();
    let outcomes: Vec<_> = report
        .iter()
        .map(|r| (r.node_name.as_str(), r.action_name.as_str(), r.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("compute01", "hw_filtered", Outcome::Unreported),
            ("compute01", "helloworld", Outcome::Success),
            ("compute02", "helloworld", Outcome::Timeout),
            ("compute02", "hw_filtered2", Outcome::Timeout),
        ]
    );

    // Re-arming: a new key, new rows used; the old key is refused.
    let again = boot.arm(task_id, "compute01").await.expect("re-armed");
    assert_eq!(
        refused(
            boot.node_tarball("compute01", Some(&key), AssetType::File)
                .await
        ),
        403
    );
    let files = boot
        .node_tarball("compute01", Some(&again.key_hex()), AssetType::File)
        .await
        .unwrap();
    let text = std::fs::read_to_string(unpack(&files).path().join("var/tmp/designref.sh")).unwrap();
    assert!(
        text.contains(&ulid::to_text(again.actions[1].action_id)),
        "{text}"
    );
    boot.store().close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_nodes_whole_path_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    whole_path(&format!(
        "sqlite://{}",
        dir.path().join("boot.db").display()
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_nodes_whole_path_on_postgres_and_two_services_serve_one_node() {
    let Some(db) = drydock_fixtures::postgres::TempDatabase::create("boot actions").await else {
        return;
    };
    whole_path(db.url()).await;
    // Two services over one database: armed through one, served by the other.
    let (a, b) = (service(db.url()).await, service(db.url()).await);
    let task_id = task(a.store()).await;
    let key = a.arm(task_id, "controller01").await.unwrap().key_hex();
    let from_a = a
        .node_tarball("controller01", Some(&key), AssetType::File)
        .await
        .unwrap();
    let from_b = b
        .node_tarball("controller01", Some(&key), AssetType::File)
        .await
        .unwrap();
    assert_eq!(from_a, from_b);
    a.store().close().await;
    b.store().close().await;
    db.drop_database().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_key_and_an_unknown_node_take_the_same_time() {
    let dir = tempfile::tempdir().unwrap();
    let boot = service(&format!("sqlite://{}", dir.path().join("t.db").display())).await;
    let task_id = task(boot.store()).await;
    boot.arm(task_id, "compute01").await.unwrap();
    let wrong = "cd".repeat(32);
    // Interleaved, so that the load of other tests falls on both alike.
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for _ in 0..100 {
        for (node, samples) in [("compute01", &mut known), ("nobody", &mut unknown)] {
            let started = Instant::now();
            let _ = boot.node_tarball(node, Some(&wrong), AssetType::Unit).await;
            samples.push(started.elapsed());
        }
    }
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (known, unknown) = (median(known), median(unknown));
    let ratio = known.as_secs_f64() / unknown.as_secs_f64();
    assert!(
        (0.33..3.0).contains(&ratio),
        "wrong key {known:?}, unknown node {unknown:?}"
    );
    boot.store().close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn of_two_racing_reports_one_wins_and_the_other_is_409() {
    let Some(db) = drydock_fixtures::postgres::TempDatabase::create("boot action race").await
    else {
        return;
    };
    let boot = service(db.url()).await;
    let task_id = task(boot.store()).await;
    for _ in 0..5 {
        let armed = boot.arm(task_id, "compute01").await.unwrap();
        let (id, key) = (ulid::to_text(armed.actions[1].action_id), armed.key_hex());
        let (a, b) = tokio::join!(
            boot.signal(&id, Some(&key), br#"{"status":"success"}"#),
            boot.signal(&id, Some(&key), br#"{"status":"failure"}"#),
        );
        let codes = [&a, &b].map(|r| r.as_ref().map_or_else(|e| e.status(), |_| 200));
        assert!(codes == [200, 409] || codes == [409, 200], "{codes:?}");
    }
    boot.store().close().await;
    db.drop_database().await;
}
