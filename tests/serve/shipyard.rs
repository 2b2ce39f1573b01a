//! A Shipyard-like run against the real server, on SQLite and PostgreSQL:
//! health, validate a design, create a task, poll it to `complete`, read its
//! successes and messages, list the tasks, build data, node filters,
//! retention.

use std::time::Duration;

use drydock::store::{BuildData, Store, StoreOptions, Uuid};
use serde_json::{Value, json};

use super::server::{CONTEXT_MARKER, Server, create_task, design, get, poll, post};

/// Every step of the run, on the store `url`.
async fn shipyard_run(home: &std::path::Path, url: &str) {
    let server = Server::start(home, url, &[]);
    let store = Store::connect(url, &StoreOptions::default())
        .await
        .expect("store");

    // The preflight check: 204, no body.
    let health = get(&server, "/api/v1.0/health").await;
    assert_eq!(health.status, 204);
    assert!(health.text.is_empty());
    let versions = get(&server, "/versions").await;
    assert_eq!(versions.json["v1.0"]["path"], "/api/v1.0");

    // drydock_validate_design: reads `status` case-insensitively.
    let valid = design("valid/site-deckhand.yaml");
    let body = json!({"rel": "design", "href": valid, "type": "application/x-yaml"});
    let passed = post(&server, "/api/v1.0/validatedesign", &body).await;
    assert_eq!(passed.status, 200, "{}", passed.text);
    assert_eq!(passed.json["status"], "Success");
    assert_eq!(passed.json["code"], 200);
    assert_eq!(passed.json["details"]["errorCount"], 0);
    // The configdocs helper: 400 is a valid failure, with details.messageList.
    let invalid = design("fullsite.yaml");
    let body = json!({"rel": "design", "href": invalid, "type": "application/x-yaml"});
    let failed = post(&server, "/api/v1.0/validatedesign", &body).await;
    assert_eq!(failed.status, 400, "{}", failed.text);
    assert_eq!(failed.json["status"], "Failure");
    assert_eq!(failed.json["message"], "Site design failed validation.");
    let errors: Vec<&Value> = failed.json["details"]["messageList"]
        .as_array()
        .expect("messageList")
        .iter()
        .filter(|m| m["error"] == true)
        .collect();
    assert!(!errors.is_empty());
    assert_eq!(failed.json["details"]["errorCount"], errors.len());
    for m in &errors {
        assert_eq!(m["kind"], "ValidationMessage");
        assert_eq!(m["level"], "Error");
        assert!(
            m["name"].as_str().is_some_and(|n| n.starts_with("DD")),
            "{m}"
        );
        assert!(m["message"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(m["documents"].is_array());
    }

    // create_task: 201, Location, readable at once.
    let body = json!({"action": "validate_design", "design_ref": valid, "node_filter": null});
    let created = post(&server, "/api/v1.0/tasks", &body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let task_id = created.json["task_id"]
        .as_str()
        .expect("task_id")
        .to_owned();
    let location = created.headers["location"].to_str().expect("Location");
    assert_eq!(location, format!("/api/v1.0/tasks/{task_id}"));
    assert_eq!(created.json["status"], "queued");
    assert_eq!(created.json["action"], "validate_design");
    assert_eq!(created.json["created_by"], "noauth");
    let read = get(&server, location).await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.json["task_id"], task_id.as_str());
    // The request's context is kept on the task.
    let stored = store
        .get_task(Uuid::parse_str(&task_id).expect("uuid"))
        .await
        .expect("task");
    let context = stored.request_context.expect("request context");
    assert_eq!(context["context_marker"], CONTEXT_MARKER);
    assert_eq!(context["end_user"], "shipyard-operator");
    // ... and on every log line of the request that created it.
    let log = server.log();
    assert!(
        log.lines().any(|l| l.contains("task created")
            && l.contains(CONTEXT_MARKER)
            && l.contains("shipyard-operator")),
        "{log}"
    );
    // The request's own line says the route, the status and both too.
    assert!(
        log.lines().any(|l| l.contains("route=\"/api/v1.0/tasks\"")
            && l.contains("status=201")
            && l.contains(CONTEXT_MARKER)
            && l.contains("end_user=\"shipyard-operator\"")),
        "{log}"
    );

    // query_task: poll to complete; success iff result.status is success.
    let done = poll(&server, &task_id, Duration::from_secs(60)).await;
    assert_eq!(done["status"], "complete");
    assert_eq!(done["result"]["status"], "success", "{done}");
    assert_eq!(done["result"]["message"], "Site design passed validation");
    assert!(done["result"]["successes"].is_array());
    assert!(done["result"]["failures"].is_array());
    assert!(done["result"]["links"].is_array());
    assert_eq!(done["subtask_id_list"], json!([]));
    let messages = done["result"]["details"]["messageList"]
        .as_array()
        .expect("messages");
    assert!(!messages.is_empty());
    for m in messages {
        for key in ["message", "error", "context_type", "context", "ts"] {
            assert!(m.get(key).is_some(), "{key} in {m}");
        }
    }

    // A failing design's task fails, with its error messages counted.
    let body = json!({"action": "validate_design", "design_ref": invalid});
    let failing_id = create_task(&server, &body).await;
    let failed = poll(&server, &failing_id, Duration::from_secs(60)).await;
    assert_eq!(failed["result"]["status"], "failure");
    let count = failed["result"]["details"]["errorCount"]
        .as_i64()
        .expect("errorCount");
    assert!(count >= 1);
    let flagged = failed["result"]["details"]["messageList"]
        .as_array()
        .expect("messages")
        .iter()
        .filter(|m| m["error"] == true)
        .count();
    assert_eq!(count, flagged as i64);

    // fetch_failure_details: every task, its subtasks present.
    let listed = get(&server, "/api/v1.0/tasks").await;
    assert_eq!(listed.status, 200);
    let tasks = listed.json.as_array().expect("a list");
    let ids: Vec<&str> = tasks.iter().filter_map(|t| t["task_id"].as_str()).collect();
    assert_eq!(ids, [task_id.as_str(), failing_id.as_str()]);
    for t in tasks {
        assert!(t["result"]["details"]["errorCount"].is_i64());
        assert!(
            t["result"]["details"]["messageList"]
                .as_array()
                .is_some_and(|l| !l.is_empty())
        );
        assert!(t["subtask_id_list"].is_array());
    }

    // The query parameters of GET /tasks/{id}.
    let with = get(
        &server,
        &format!("/api/v1.0/tasks/{task_id}?builddata=true&subtaskerrors=true"),
    )
    .await;
    assert_eq!(with.json["build_data"], json!([]));
    assert_eq!(with.json["subtask_errors"], json!({}));
    let layered = get(&server, &format!("/api/v1.0/tasks/{task_id}?layers=-1")).await;
    assert_eq!(layered.json["init_task_id"], task_id.as_str());
    assert_eq!(layered.json[task_id.as_str()]["task_id"], task_id.as_str());

    // Build data: 404 until some is collected, then the list.
    let none = get(&server, &format!("/api/v1.0/tasks/{task_id}/builddata")).await;
    assert_eq!(none.error(404), "No build data found");
    let none = get(&server, "/api/v1.0/nodes/node00000/builddata").await;
    none.error(404);
    let collected = Uuid::parse_str(&task_id).expect("uuid");
    for generator in ["lshw", "lshw", "lldp"] {
        let data = BuildData::new("node00000", collected, generator, "text/plain", "<xml/>");
        store.put_build_data(&data).await.expect("build data");
    }
    let by_task = get(&server, &format!("/api/v1.0/tasks/{task_id}/builddata")).await;
    assert_eq!(by_task.status, 200, "{}", by_task.text);
    assert_eq!(by_task.json.as_array().map(Vec::len), Some(3));
    let element = &by_task.json[0];
    for key in [
        "node_name",
        "task_id",
        "collected_date",
        "generator",
        "data_format",
        "data_element",
    ] {
        assert!(element.get(key).is_some(), "{key} in {element}");
    }
    let all = get(&server, "/api/v1.0/nodes/node00000/builddata").await;
    assert_eq!(all.json.as_array().map(Vec::len), Some(3));
    // The client sends Python's `True`.
    let latest = get(&server, "/api/v1.0/nodes/node00000/builddata?latest=True").await;
    assert_eq!(
        latest.json.as_array().map(Vec::len),
        Some(2),
        "{}",
        latest.text
    );
    let shown = get(
        &server,
        &format!("/api/v1.0/tasks/{task_id}?builddata=true"),
    )
    .await;
    assert_eq!(shown.json["build_data"].as_array().map(Vec::len), Some(3));

    node_filters(&server).await;

    // Retention: DELETE /tasks?days=0 purges every task created before now.
    let client = super::server::client();
    let deleted = client
        .delete(server.url("/api/v1.0/tasks?days=0"))
        .send()
        .await
        .expect("DELETE");
    assert_eq!(deleted.status(), 200);
    assert_eq!(
        deleted.text().await.expect("body"),
        "Tables purged successfully."
    );
    let listed = get(&server, "/api/v1.0/tasks").await;
    assert_eq!(listed.json, json!([]));
    get(&server, &format!("/api/v1.0/tasks/{task_id}"))
        .await
        .error(404);
    store.close().await;
}

/// node_lookup: union and intersection filters over `fullsite.yaml`
/// (controller01 in rack1, compute01 in rack2, both with `foo: bar`).
async fn node_filters(server: &Server) {
    let site = design("fullsite.yaml");
    let names = |filter: Value| {
        let body = json!({"design_ref": site, "node_filter": filter});
        async move {
            let answer = post(server, "/api/v1.0/nodefilter", &body).await;
            assert_eq!(answer.status, 200, "{}", answer.text);
            let mut names: Vec<String> = serde_json::from_value(answer.json).expect("names");
            names.sort();
            names
        }
    };
    assert_eq!(names(Value::Null).await, ["compute01", "controller01"]);
    let union = json!({"filter_set_type": "union", "filter_set": [
        {"filter_type": "union", "node_names": ["controller01"]},
        {"filter_type": "union", "rack_names": ["rack2"]}]});
    assert_eq!(names(union).await, ["compute01", "controller01"]);
    let apart = json!({"filter_set_type": "intersection", "filter_set": [
        {"filter_type": "union", "node_names": ["controller01"]},
        {"filter_type": "union", "rack_names": ["rack2"]}]});
    assert!(names(apart).await.is_empty());
    let shipyard = json!({"filter_set_type": "union", "filter_set": [
        {"filter_type": "intersection", "node_names": ["controller01", "compute01"],
         "node_tags": [], "node_labels": {"foo": "bar"}, "rack_names": ["rack2"]}]});
    assert_eq!(names(shipyard).await, ["compute01"]);
    let unknown = json!({"filter_set_type": "union", "filter_set": [
        {"filter_type": "union", "node_names": ["nowhere"]}]});
    assert!(names(unknown).await.is_empty());
    // Unlike the original's 200 [], a design that cannot be had is an error.
    let missing = json!({"design_ref": design("no-such-design.yaml"), "node_filter": null});
    post(server, "/api/v1.0/nodefilter", &missing)
        .await
        .error(400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shipyard_run_on_sqlite() {
    let home = tempfile::tempdir().expect("home");
    let url = format!("sqlite://{}", home.path().join("drydock.db").display());
    shipyard_run(home.path(), &url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shipyard_run_on_postgres() {
    let Some(db) = drydock_fixtures::postgres::TempDatabase::create("serve: a Shipyard run").await
    else {
        return;
    };
    let home = tempfile::tempdir().expect("home");
    shipyard_run(home.path(), db.url()).await;
    db.drop_database().await;
}
