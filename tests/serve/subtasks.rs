//! Subtasks as Shipyard and the original's client walk them: the parent's
//! `subtask_id_list`, `?subtaskerrors=true` (every descendant with errors,
//! at any depth), `?layers=N`, and `GET /tasks` listing every subtask.

use drydock::store::{NewResultMessage, NewTask, Store, StoreOptions, TaskAction};
use serde_json::Value;

use super::server::{Server, get};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subtask_errors_and_layers_walk_the_tree() {
    let home = tempfile::tempdir().expect("home");
    let url = format!("sqlite://{}", home.path().join("drydock.db").display());
    let server = Server::start(home.path(), &url, &["--worker-concurrency", "0"]);
    let store = Store::connect(&url, &StoreOptions::default())
        .await
        .expect("store");
    // top ─ a (an error) ─ a1 (an error); top ─ b (no error).
    let new = |action| NewTask::new(action).with_design_ref("file:///srv/site.yaml");
    let top = store
        .create_task(&new(TaskAction::DeployNodes))
        .await
        .expect("top");
    let a = store
        .create_task(&new(TaskAction::PrepareNodes).with_parent(top.task_id))
        .await
        .expect("a");
    let b = store
        .create_task(&new(TaskAction::PrepareNodes).with_parent(top.task_id))
        .await
        .expect("b");
    let a1 = store
        .create_task(&new(TaskAction::DeployNode).with_parent(a.task_id))
        .await
        .expect("a1");
    for (task, error) in [(a.task_id, true), (a1.task_id, true), (b.task_id, false)] {
        let message = NewResultMessage::new("node n1: power on", error).with_context("n1", "node");
        store.append_message(task, &message).await.expect("message");
    }
    store.close().await;
    let (top, a, b, a1) = (
        top.task_id.to_string(),
        a.task_id.to_string(),
        b.task_id.to_string(),
        a1.task_id.to_string(),
    );

    let shown = get(&server, &format!("/api/v1.0/tasks/{top}")).await;
    assert_eq!(shown.json["subtask_id_list"], serde_json::json!([a, b]));

    let errors = get(
        &server,
        &format!("/api/v1.0/tasks/{top}?subtaskerrors=true"),
    )
    .await;
    let map = errors.json["subtask_errors"]
        .as_object()
        .expect("subtask_errors");
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    let mut expected = vec![&a, &a1];
    expected.sort();
    assert_eq!(keys, expected, "{}", errors.text);
    for (id, status) in map {
        assert_eq!(status["task_id"], id.as_str());
        assert_eq!(status["kind"], "Status");
        assert_eq!(status["details"]["errorCount"], 1);
        assert_eq!(status["details"]["messageList"][0]["context"], "n1");
    }

    let ids = |body: &Value| {
        let mut ids: Vec<String> = body
            .as_object()
            .expect("layers")
            .keys()
            .filter(|k| *k != "init_task_id")
            .cloned()
            .collect();
        ids.sort();
        ids
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let one = get(&server, &format!("/api/v1.0/tasks/{top}?layers=1")).await;
    assert_eq!(one.json["init_task_id"], top.as_str());
    assert_eq!(ids(&one.json), std::slice::from_ref(&top));
    let two = get(&server, &format!("/api/v1.0/tasks/{top}?layers=2")).await;
    assert_eq!(
        ids(&two.json),
        sorted(vec![top.clone(), a.clone(), b.clone()])
    );
    let all = get(
        &server,
        &format!("/api/v1.0/tasks/{top}?layers=-1&subtaskerrors=true"),
    )
    .await;
    assert_eq!(
        ids(&all.json).len(),
        5,
        "four tasks and subtask_errors: {}",
        all.text
    );
    assert_eq!(all.json[a1.as_str()]["parent_task_id"], a.as_str());
    assert!(all.json["subtask_errors"].get(a1.as_str()).is_some());

    // fetch_failure_details: every subtask id appears in GET /tasks.
    let listed = get(&server, "/api/v1.0/tasks").await;
    let listed: Vec<&str> = listed
        .json
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|t| t["task_id"].as_str())
        .collect();
    for id in [&top, &a, &b, &a1] {
        assert!(listed.contains(&id.as_str()), "{id} listed");
    }
}
