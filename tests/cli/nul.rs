//! Honest store errors (a design validation accepts can always be stored):
//! a node named with a NUL, which no PostgreSQL text column holds, is kept
//! exactly in the snapshot (JSON text) and its validation messages are
//! stored by the worker, on SQLite and on PostgreSQL, through the real binary.

use crate::common;

use std::path::Path;

use common::{printed, run};
use drydock_fixtures::sitegen::{SiteSpec, deckhand};

const NAME: &str = "no\u{0}de";

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", printed(out)))
}

fn holds(value: &serde_json::Value, wanted: &str) -> bool {
    match value {
        serde_json::Value::String(s) => s == wanted,
        serde_json::Value::Array(items) => items.iter().any(|v| holds(v, wanted)),
        serde_json::Value::Object(map) => map.iter().any(|(k, v)| k == wanted || holds(v, wanted)),
        _ => false,
    }
}

async fn drydock(list: &[&str], home: &Path) -> std::process::Output {
    let args = list.iter().map(|s| s.to_string()).collect();
    run(args, home, vec![]).await
}

/// Stores the design, reads it back, and has a worker validate it as a task.
async fn a_nul_in_a_name_is_stored(store: &str) {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("site.yaml");
    let design =
        deckhand(&SiteSpec::new(3)).replacen("  name: node00000\n", "  name: \"no\\0de\"\n", 1);
    std::fs::write(&file, design).unwrap();
    let file = file.to_str().unwrap();

    // The design rules judge the name (an invalid hostname); it is stored.
    let out = drydock(&["resolve", file, "--store", store, "--json"], home.path()).await;
    assert_eq!(out.status.code(), Some(1), "{}", printed(&out));
    assert!(holds(&json(&out), NAME), "the design holds the name");
    let out = drydock(
        &["snapshots", "show", file, "--store", store, "--json"],
        home.path(),
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", printed(&out));
    assert!(
        holds(&json(&out), NAME),
        "read back exactly: {}",
        printed(&out)
    );

    // A task: the worker's messages about the name are stored too.
    let out = drydock(
        &[
            "task",
            "create",
            "-a",
            "validate_design",
            "-d",
            file,
            "--store",
            store,
            "--json",
        ],
        home.path(),
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", printed(&out));
    let id = json(&out)["task_id"].as_str().unwrap().to_owned();
    let worker = [
        "worker",
        "--exit-when-idle",
        "--poll",
        "100ms",
        "--store",
        store,
    ];
    let out = drydock(&worker, home.path()).await;
    assert_eq!(out.status.code(), Some(0), "{}", printed(&out));
    assert!(
        !printed(&out).contains("could not be finished"),
        "{}",
        printed(&out)
    );
    let out = drydock(
        &["task", "show", &id, "--store", store, "--json"],
        home.path(),
    )
    .await;
    let task = json(&out);
    assert_eq!(task["status"], "complete", "{task}");
    assert_eq!(task["result"]["status"], "failure", "{task}");
    let shown = task.to_string();
    assert!(shown.contains(r"no\\x00de"), "as drydock shows it: {shown}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nul_in_a_name_is_stored_in_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("nul.db").display());
    a_nul_in_a_name_is_stored(&url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nul_in_a_name_is_stored_in_postgresql() {
    let Some(db) = drydock_fixtures::postgres::TempDatabase::create("NUL in a name").await else {
        return;
    };
    a_nul_in_a_name_is_stored(db.url()).await;
    db.drop_database().await;
}
