//! `drydock task create|show` through the real binary: the original API's
//! JSON shape (exact keys, credentials redacted), messages in sequence
//! order, `--block` with a worker running.

use crate::common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::designs::{Designs, FAILED, PASSED};
use common::fleet::{WorkerProc, drydock, json};
use serde_json::Value;

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object()
        .unwrap_or_else(|| panic!("an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect()
}

fn set<'a>(names: &[&'a str]) -> BTreeSet<&'a str> {
    names.iter().copied().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn task_json_has_the_original_api_shape_and_show_keeps_message_order() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let store = format!("sqlite://{}", home.join("tasks.db").display());
    let designs = Designs::start(home, 1).await;
    // An invalid design (several messages), behind credentials in the URL.
    let mut broken = designs.server.url("/broken.yaml");
    broken.set_username("ops").unwrap();
    broken.set_password(Some("s3cret-pw")).unwrap();
    let create = |design: &str, extra: &[&str]| {
        let mut args = vec!["task", "create", "-a", "validate_design", "-d", design];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--store", &store, "--json"]);
        drydock(home, &args)
    };
    let out = create(broken.as_str(), &["-n", "n1,n2", "-r", "rack1"]);
    assert!(out.status.success(), "{out:?}");
    let queued = json(&out);
    let id = queued["task_id"].as_str().expect("task_id").to_owned();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("s3cret-pw"));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("s3cret-pw"));
    assert_eq!(
        queued["node_filter"],
        serde_json::json!({"filter_set_type": "union", "filter_set": [
            {"filter_type": "union", "node_names": ["n1", "n2"], "rack_names": ["rack1"]}]})
    );

    let mut worker = WorkerProc::start(home, &store, "w", &["--exit-when-idle"]);
    assert_eq!(
        worker.wait(Duration::from_secs(60)),
        Some(0),
        "{}",
        worker.log()
    );
    assert!(!worker.log().contains("s3cret-pw"), "{}", worker.log());

    let out = drydock(home, &["task", "show", &id, "--store", &store, "--json"]);
    assert!(out.status.success(), "{out:?}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("s3cret-pw"));
    let task = json(&out);
    assert_eq!(
        keys(&task),
        set(&[
            "kind",
            "apiVersion",
            "task_id",
            "action",
            "parent_task_id",
            "design_ref",
            "status",
            "result",
            "node_filter",
            "subtask_id_list",
            "created",
            "created_by",
            "updated",
            "terminated",
            "terminated_by",
            "terminate",
            "retry",
            "design_snapshot_id",
            "attempts",
        ])
    );
    assert_eq!(
        (task["kind"].as_str(), task["apiVersion"].as_str()),
        (Some("Task"), Some("v1"))
    );
    assert_eq!(task["action"], "validate_design");
    assert_eq!(task["status"], "complete");
    assert_eq!(task["subtask_id_list"], serde_json::json!([]));
    assert_eq!(task["terminate"], false);
    assert!(task["updated"].is_string() && task["created_by"].is_string());
    let shown_ref = task["design_ref"].as_str().unwrap_or_default();
    assert!(
        shown_ref.contains("/broken.yaml") && !shown_ref.contains("s3cret"),
        "{shown_ref}"
    );
    let result = &task["result"];
    assert_eq!(
        keys(result),
        set(&[
            "kind",
            "apiVersion",
            "message",
            "reason",
            "status",
            "successes",
            "failures",
            "links",
            "details",
        ])
    );
    assert_eq!(
        (result["kind"].as_str(), result["apiVersion"].as_str()),
        (Some("Status"), Some("v1.0"))
    );
    assert_eq!(
        (result["status"].as_str(), result["message"].as_str()),
        (Some("failure"), Some(FAILED))
    );
    assert_eq!(
        keys(&result["details"]),
        set(&["errorCount", "messageList"])
    );
    let list = result["details"]["messageList"]
        .as_array()
        .expect("messageList");
    assert!(list.len() >= 2, "{task}");
    for m in list {
        assert_eq!(
            keys(m),
            set(&["message", "error", "context_type", "context", "ts", "extra"])
        );
    }

    // The human form: the same messages, numbered in sequence order.
    let out = drydock(home, &["task", "show", &id, "--store", &store]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("message     {FAILED}")), "{text}");
    let lines: Vec<(u64, &str)> = text
        .lines()
        .filter_map(|l| {
            let (seq, rest) = l.trim_start().split_once(' ')?;
            Some((seq.parse().ok()?, rest.trim_start()))
        })
        .collect();
    assert_eq!(lines.len(), list.len(), "{text}");
    assert!(
        lines.windows(2).all(|w| w[0].0 < w[1].0),
        "sequence order: {text}"
    );
    // Each with its level (a warning is no info: below, on a valid design).
    for ((_, line), m) in lines.iter().zip(list) {
        let flag = match (m["error"] == true, m["extra"]["level"].as_str()) {
            (true, _) => "error",
            (false, Some("warning")) => "warn",
            _ => "info",
        };
        let message = m["message"].as_str().unwrap_or_default();
        assert!(
            line.starts_with(flag) && line.ends_with(message),
            "{line} / {m}"
        );
    }

    // --block waits for a worker and exits 1 on a failed validation, 0 on success.
    let mut worker = WorkerProc::start(home, &store, "blocking", &[]);
    let out = create(broken.as_str(), &["--block"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(json(&out)["result"]["status"], "failure");
    let valid = designs.server.url("/site.yaml").to_string();
    let out = create(&valid, &["--block"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(json(&out)["result"]["message"], PASSED);
    let valid_id = json(&out)["task_id"].as_str().expect("task_id").to_owned();
    let shown = drydock(home, &["task", "show", &valid_id, "--store", &store]);
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(
        text.lines()
            .any(|l| l.contains("warn  Platform Selection: Platform Validation")),
        "the warning is shown as one: {text}"
    );
    worker.terminate();
    assert_eq!(
        worker.wait(Duration::from_secs(30)),
        Some(0),
        "{}",
        worker.log()
    );
}
