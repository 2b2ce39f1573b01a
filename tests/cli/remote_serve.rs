//! Remote mode against the real `drydock serve` process: the task and node
//! commands with `--url` print, byte for byte, what store mode prints for
//! the same store, and `task delete -d N` sends `DELETE /tasks?days=N`.

use crate::common;

use std::path::Path;

use common::fleet::json;
use common::serve::{Server, design};
use drydock::store::{BuildData, Store, StoreOptions, Uuid};

/// The binary's stdout, after asserting it succeeded.
fn ok(home: &Path, args: &[&str]) -> String {
    let out = common::drydock(args, home, &[]);
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_mode_prints_what_store_mode_prints_against_drydock_serve() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let store = format!("sqlite://{}", home.join("drydock.db").display());
    let server = Server::start(home, &store, &[]);
    let url = server.base.clone();
    let remote = |args: &[&str]| {
        let mut all = vec!["--url", url.as_str()];
        all.extend_from_slice(args);
        ok(home, &all)
    };
    let local = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--store", store.as_str()]);
        ok(home, &all)
    };

    // task create --block: POST /tasks, then polled until the worker is done.
    let site = design("valid/site-deckhand.yaml");
    let created = remote(&[
        "task",
        "create",
        "-a",
        "validate_design",
        "-d",
        &site,
        "--block",
        "--json",
    ]);
    let created: serde_json::Value = serde_json::from_str(&created).expect("JSON");
    assert_eq!(created["status"], "complete", "{created}");
    assert_eq!(created["result"]["status"], "success", "{created}");
    let id = created["task_id"].as_str().expect("a task id").to_owned();

    // Build data for a node of that task, written to the store directly.
    let writer = Store::connect(&store, &StoreOptions::existing_only())
        .await
        .unwrap();
    let task_id: Uuid = id.parse().unwrap();
    let mut older = BuildData::new("n1", task_id, "lshw", "text/plain", "first");
    older.collected_date -= chrono::Duration::hours(1);
    writer.put_build_data(&older).await.unwrap();
    let latest = BuildData::new("n1", task_id, "lshw", "text/plain", "latest: \"x\"\nline 2");
    writer.put_build_data(&latest).await.unwrap();
    writer.close().await;

    // The same bytes from the API as from the store, in every form.
    let same: [&[&str]; 10] = [
        &["task", "show", "-t", &id],
        &["task", "show", "-t", &id, "--json"],
        &["task", "list"],
        &["task", "list", "--json"],
        &["task", "builddata", "-t", &id],
        &["task", "builddata", "-t", &id, "-o", "json"],
        &["node", "builddata", "n1"],
        &["node", "builddata", "n1", "-o", "json"],
        &["node", "builddata", "n1", "--no-latest", "-o", "json"],
        &["node", "builddata", "n9", "-o", "json"],
    ];
    for args in same {
        assert_eq!(remote(args), local(args), "{args:?}");
    }
    let listed = json(&common::drydock(
        &["--url", &url, "task", "list", "--json"],
        home,
        &[],
    ));
    assert_eq!(listed[0]["task_id"], id.as_str(), "{listed}");
    let both = remote(&["node", "builddata", "n1", "--no-latest", "-o", "json"]);
    assert_eq!(json_len(&both), 2, "{both}");
    assert_eq!(
        json_len(&remote(&["node", "builddata", "n1", "-o", "json"])),
        1
    );

    // task delete -d 0: the count the server deleted, as store mode says it.
    assert_eq!(
        remote(&["task", "delete", "-d", "0"]),
        "deleted 1 task(s) created more than 0 day(s) ago\n"
    );
    assert_eq!(
        remote(&["task", "delete", "-d", "0", "--json"]),
        local(&["task", "delete", "-d", "0", "--json"]),
    );
    assert_eq!(
        local(&["task", "delete", "-d", "0"]),
        "deleted 0 task(s) created more than 0 day(s) ago\n"
    );
    assert_eq!(remote(&["task", "list", "--json"]).trim(), "[]");
    assert!(server.log().contains("tasks purged"), "{}", server.log());
}

fn json_len(text: &str) -> usize {
    let v: serde_json::Value = serde_json::from_str(text).expect("JSON");
    v.as_array().map_or(0, Vec::len)
}
