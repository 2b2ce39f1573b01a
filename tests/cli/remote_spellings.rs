//! The original CLI's spellings in both modes against a real `drydock
//! serve`: `task create -a -d -n -r -t --no-block`, `-b --poll-interval`,
//! `task show -t ID -b`, `task list`, `task builddata -t ID -o yaml|json`,
//! `task delete -d/--days`, `node list [-o table|json]`, `node builddata
//! NAME --latest/--no-latest -o yaml|json`: `--url` (and `DD_URL`) prints,
//! byte for byte, what store mode prints for the same store, wherever the
//! original prints the same for the same task.

use crate::common;

use std::path::Path;

use common::serve::{Server, design};
use drydock::store::{BuildData, Store, StoreOptions, Uuid};
use serde_json::{Value, json};

/// The binary's stdout, after asserting it succeeded.
fn ok(home: &Path, args: &[&str], envs: &[(&str, &str)]) -> String {
    let out = common::drydock(args, home, envs);
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// A created task's JSON without what differs between two creations.
fn shape(text: &str) -> Value {
    let mut v = parse(text);
    for volatile in ["task_id", "created", "created_by", "updated"] {
        v.as_object_mut().expect("an object").remove(volatile);
    }
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_original_spellings_print_alike_in_both_modes() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let store = format!("sqlite://{}", home.join("drydock.db").display());
    let server = Server::start(home, &store, &[]);
    let url = server.base.clone();
    let remote = |args: &[&str]| {
        let mut all = vec!["--url", url.as_str()];
        all.extend_from_slice(args);
        ok(home, &all, &[])
    };
    let local = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--store", store.as_str()]);
        ok(home, &all, &[])
    };
    let site = design("valid/site-deckhand.yaml");

    // task create -a -d -n -r -t --no-block: queued with the original's
    // node filter, the same task from the API as from the store.
    let create = [
        "task",
        "create",
        "-a",
        "validate_design",
        "-d",
        site.as_str(),
        "-n",
        "node00000,node00001",
        "-r",
        "rack1",
        "-t",
        "tag1",
        "--no-block",
        "--json",
    ];
    let queued = remote(&create);
    let filter = json!({"filter_set_type": "union", "filter_set": [{
        "filter_type": "union", "node_names": ["node00000", "node00001"],
        "rack_names": ["rack1"], "node_tags": ["tag1"]}]});
    assert_eq!(parse(&queued)["node_filter"], filter, "{queued}");
    assert_eq!(parse(&queued)["status"], "queued", "{queued}");
    let stored = local(&create);
    assert_eq!(shape(&queued), shape(&stored));
    // The server's worker runs that one too: wait, so nothing changes below.
    let stored_id = parse(&stored)["task_id"]
        .as_str()
        .expect("an id")
        .to_owned();
    remote(&["task", "show", &stored_id, "-b"]);
    let id = parse(&queued)["task_id"]
        .as_str()
        .expect("an id")
        .to_owned();

    // task show -t ID -b: waits for the server's worker, in remote mode.
    let waited = remote(&["task", "show", "-t", &id, "-b", "--json"]);
    assert_eq!(parse(&waited)["status"], "complete", "{waited}");
    for args in [
        &["task", "show", "-t", &id, "-b"][..],
        &["task", "show", "-t", &id, "--block", "--json"],
    ] {
        assert_eq!(remote(args), local(args), "{args:?}");
    }

    // task create -b --poll-interval: what it prints is the finished task,
    // as `task show` prints it in store mode. DD_URL as --url.
    let polled = ok(
        home,
        &[
            "task",
            "create",
            "-a",
            "validate_design",
            "-d",
            &site,
            "-b",
            "--poll-interval",
            "1",
        ],
        &[("DD_URL", url.as_str())],
    );
    let polled_id = polled
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("task        "))
        .expect("the task line")
        .to_owned();
    assert_eq!(polled, local(&["task", "show", "-t", &polled_id]));
    assert!(polled.contains("status      complete"), "{polled}");

    // Build data for a node of the design, written to the store directly.
    let writer = Store::connect(&store, &StoreOptions::existing_only())
        .await
        .unwrap();
    let task_id: Uuid = id.parse().unwrap();
    let mut older = BuildData::new("node00000", task_id, "lshw", "text/plain", "first");
    older.collected_date -= chrono::Duration::hours(1);
    writer.put_build_data(&older).await.unwrap();
    let latest = BuildData::new("node00000", task_id, "lshw", "text/plain", "latest: 'x'\n");
    writer.put_build_data(&latest).await.unwrap();
    writer.close().await;

    let same: [&[&str]; 13] = [
        &["task", "list"],
        &["task", "list", "--json"],
        &["task", "builddata", "-t", &id, "-o", "yaml"],
        &["task", "builddata", "-t", &id, "-o", "json"],
        &["node", "builddata", "node00000", "--latest"],
        &["node", "builddata", "node00000", "--latest", "-o", "yaml"],
        &["node", "builddata", "node00000", "--latest", "-o", "json"],
        &[
            "node",
            "builddata",
            "node00000",
            "--no-latest",
            "-o",
            "yaml",
        ],
        &[
            "node",
            "builddata",
            "node00000",
            "--no-latest",
            "--output",
            "json",
        ],
        &["node", "list"],
        &["node", "list", "-o", "table"],
        &["node", "list", "-o", "json"],
        &["task", "delete", "--days", "30"],
    ];
    for args in same {
        assert_eq!(remote(args), local(args), "{args:?}");
    }
    let latest = parse(&remote(&["node", "builddata", "node00000", "-o", "json"]));
    assert_eq!(latest.as_array().map(Vec::len), Some(1), "{latest}");
    let all = remote(&[
        "node",
        "builddata",
        "node00000",
        "--no-latest",
        "-o",
        "json",
    ]);
    assert_eq!(parse(&all).as_array().map(Vec::len), Some(2), "{all}");

    // node list: the stored design's six nodes, node00000 with build data.
    let nodes = parse(&remote(&["node", "list", "-o", "json"]));
    let nodes = nodes.as_array().expect("a list");
    assert_eq!(nodes.len(), 6, "{nodes:?}");
    assert_eq!(nodes[0]["hostname"], "node00000");
    assert_eq!(nodes[0]["status_name"], "BuildDataCollected");
    assert_eq!(nodes[1]["status_name"], "Declared");
    let table = remote(&["node", "list"]);
    assert_eq!(table.lines().count(), 6 + 4, "{table}");
    assert!(table.starts_with("+-"), "{table}");
    assert!(
        table.contains(" node00000 | BuildDataCollected |"),
        "{table}"
    );

    // task delete -d: nothing is 30 days old; -d 0 takes the three tasks.
    assert_eq!(
        remote(&["task", "delete", "-d", "30"]),
        "deleted 0 task(s) created more than 30 day(s) ago\n"
    );
    assert_eq!(
        remote(&["task", "delete", "-d", "0"]),
        "deleted 3 task(s) created more than 0 day(s) ago\n"
    );
    assert_eq!(remote(&["task", "list", "--json"]).trim(), "[]");
}
