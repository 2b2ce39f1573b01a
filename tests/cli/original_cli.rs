//! The original Drydock CLI's spellings through the real binary: `task
//! create -b/--no-block --poll-interval`, `task show -t ID -b`, `task delete
//! -d`, `task builddata -t ID -o`, `node builddata NAME` (latest and YAML by
//! default, `--no-latest`, `-o json`), `--debug`, and hints for `design …`
//! and `node list`.

use crate::common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::fleet::{drydock, json};
use drydock::store::{BuildData, NewTask, Store, StoreOptions, TaskAction, TaskStatus};
use serde_json::json;

async fn seeded(home: &Path) -> (String, String, String) {
    let url = format!("sqlite://{}", home.join("s.db").display());
    let store = Store::connect(&url, &StoreOptions::default())
        .await
        .unwrap();
    let done = store
        .create_task(&NewTask::new(TaskAction::DeployNodes).with_status(TaskStatus::Complete))
        .await
        .unwrap();
    let queued = store
        .create_task(&NewTask::new(TaskAction::PrepareNodes))
        .await
        .unwrap();
    let mut first = BuildData::new("n1", done.task_id, "lshw", "text/plain", "first");
    first.collected_date -= chrono::Duration::hours(1);
    store.put_build_data(&first).await.unwrap();
    let latest = BuildData::new(
        "n1",
        done.task_id,
        "lshw",
        "text/plain",
        "latest: \"x\"\nline 2",
    );
    store.put_build_data(&latest).await.unwrap();
    store.close().await;
    (url, done.task_id.to_string(), queued.task_id.to_string())
}

fn ok(home: &Path, args: &[&str]) -> String {
    let out = drydock(home, args);
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_original_spellings_work() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let (store, done, queued) = seeded(home).await;
    let s = store.as_str();

    // task show -t ID [-b]: a complete task at once.
    let shown = json(&drydock(
        home,
        &["task", "show", "-t", &done, "-b", "--store", s, "--json"],
    ));
    assert_eq!(shown["status"], "complete");
    ok(
        home,
        &["task", "show", "-t", &done, "--no-block", "--store", s],
    );
    // -b on a queued task waits, and gives up when told.
    let started = Instant::now();
    let out = drydock(
        home,
        &[
            "task",
            "show",
            "-t",
            &queued,
            "-b",
            "--block-timeout",
            "1s",
            "--store",
            s,
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is still queued"));

    // task create with the original's flags; --no-block returns at once.
    let created = json(&drydock(
        home,
        &[
            "task",
            "create",
            "-a",
            "validate_design",
            "-d",
            "file:///srv/site.yaml",
            "-n",
            "n1,n2",
            "-r",
            "r1",
            "-t",
            "tag1",
            "--no-block",
            "--poll-interval",
            "5",
            "--store",
            s,
            "--json",
        ],
    ));
    assert_eq!(created["status"], "queued");
    assert_eq!(
        created["node_filter"]["filter_set"][0],
        json!({"filter_type": "union", "node_names": ["n1", "n2"], "rack_names": ["r1"], "node_tags": ["tag1"]})
    );
    // -b with --poll-interval: no worker, so it gives up after the limit.
    let started = Instant::now();
    let out = drydock(
        home,
        &[
            "task",
            "create",
            "-a",
            "validate_design",
            "-d",
            "file:///srv/site.yaml",
            "-b",
            "--poll-interval",
            "1",
            "--block-timeout",
            "2s",
            "--store",
            s,
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(started.elapsed() >= Duration::from_secs(2));

    // task list; task delete -d N.
    let listed = json(&drydock(home, &["task", "list", "--store", s, "--json"]));
    assert_eq!(listed.as_array().map(Vec::len), Some(4));
    assert!(ok(home, &["task", "delete", "-d", "30", "--store", s]).contains("deleted 0 task(s)"));

    // node builddata NAME: the latest only, as YAML, by default.
    let yaml = ok(home, &["node", "builddata", "n1", "--store", s]);
    assert!(yaml.starts_with("- collected_date: \""), "{yaml}");
    assert!(
        yaml.contains("  data_element: \"latest: \\\"x\\\"\\nline 2\"\n"),
        "{yaml}"
    );
    assert!(!yaml.contains("first"), "{yaml}");
    assert!(
        yaml.contains(&format!("  task_id: {done}\n"))
            || yaml.contains(&format!("  task_id: \"{done}\"\n")),
        "{yaml}"
    );
    let all = json(&drydock(
        home,
        &[
            "node",
            "builddata",
            "n1",
            "--no-latest",
            "-o",
            "json",
            "--store",
            s,
        ],
    ));
    assert_eq!(all.as_array().map(Vec::len), Some(2));
    let latest = json(&drydock(
        home,
        &[
            "node",
            "builddata",
            "n1",
            "--latest",
            "--output",
            "json",
            "--store",
            s,
        ],
    ));
    assert_eq!(latest.as_array().map(Vec::len), Some(1));
    assert_eq!(latest[0]["data_element"], "latest: \"x\"\nline 2");
    // task builddata -t ID [-o]: all the task collected.
    let by_task = json(&drydock(
        home,
        &["task", "builddata", "-t", &done, "-o", "json", "--store", s],
    ));
    assert_eq!(by_task.as_array().map(Vec::len), Some(2));
    let yaml = ok(home, &["task", "builddata", "-t", &done, "--store", s]);
    assert_eq!(yaml.matches("- collected_date:").count(), 2, "{yaml}");

    // --debug is -v: steps logged on stderr (--no-debug undoes it).
    std::fs::write(home.join("d.yaml"), "x: 1\n").unwrap();
    let logged = |flag: &str| {
        let out = drydock(home, &[flag, "validate", "d.yaml"]);
        String::from_utf8_lossy(&out.stderr).contains("fetching file://")
    };
    assert!(logged("--debug"));
    assert!(logged("-v"));
    assert!(!logged("--no-debug"));
}

#[test]
fn what_is_gone_names_what_replaced_it() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["design", "list"][..],
        &["design", "validate", "-h", "deckhand+http://d/revisions/1"],
        &["design", "create", "-b", "x"],
    ] {
        let out = drydock(home.path(), args);
        assert_eq!(out.status.code(), Some(64), "{args:?}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("hint:") && err.contains("drydock validate REF"),
            "{err}"
        );
    }
    // node list's formats are the original's: table or json.
    let out = drydock(home.path(), &["node", "list", "-o", "yaml"]);
    assert_eq!(out.status.code(), Some(64), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("[possible values: table, json]"), "{err}");
}
