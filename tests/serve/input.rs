//! Bad input never reaches a 500: bodies that are not JSON, of the wrong
//! type or shape, too large; unknown or unsupported actions; unknown and
//! malformed task ids; bad query parameters; unknown routes.

use serde_json::json;

use super::server::{Server, design, get, post, post_raw};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_with_the_originals_error_body() {
    let home = tempfile::tempdir().expect("home");
    let url = format!("sqlite://{}", home.path().join("drydock.db").display());
    let server = Server::start(home.path(), &url, &["--worker-concurrency", "0"]);
    let tasks = "/api/v1.0/tasks";
    let valid = design("valid/site-deckhand.yaml");

    // Not JSON, not declared JSON, empty.
    post_raw(&server, tasks, "application/json", b"{not json".to_vec())
        .await
        .error(400);
    let message = post_raw(&server, tasks, "text/plain", b"{}".to_vec())
        .await
        .error(400);
    assert!(message.contains("application/json"), "{message}");
    post_raw(&server, tasks, "application/json", Vec::new())
        .await
        .error(400);
    post_raw(&server, tasks, "application/json", b"[1, 2]".to_vec())
        .await
        .error(400);
    // Wrong types.
    post(&server, tasks, &json!({"action": 5, "design_ref": valid}))
        .await
        .error(400);
    post(
        &server,
        tasks,
        &json!({"action": "validate_design", "design_ref": ["x"]}),
    )
    .await
    .error(400);
    // Missing fields, unknown and unsupported actions.
    let message = post(&server, tasks, &json!({"design_ref": valid}))
        .await
        .error(400);
    assert!(message.starts_with("Unsupported action"), "{message}");
    let message = post(&server, tasks, &json!({"action": "validate_design"}))
        .await
        .error(400);
    assert_eq!(message, "Task creation requires fields design_ref, action");
    let message = post(
        &server,
        tasks,
        &json!({"action": "reboot", "design_ref": valid}),
    )
    .await
    .error(400);
    for action in drydock::server::ORIGINAL_ACTIONS {
        assert!(message.contains(action), "{message} names {action}");
    }
    let message = post(
        &server,
        tasks,
        &json!({"action": "deploy_nodes", "design_ref": valid}),
    )
    .await
    .error(400);
    assert!(message.contains("it runs: validate_design"), "{message}");
    // What the caller sent is echoed without its control characters.
    let sneaky = json!({"action": "\u{1b}[31mred\u{7}", "design_ref": valid});
    let message = post(&server, tasks, &sneaky).await.error(400);
    assert!(!message.chars().any(char::is_control), "{message:?}");
    post(
        &server,
        tasks,
        &json!({"action": "validate_design", "design_ref": "no scheme"}),
    )
    .await
    .error(400);
    let bad_filter = json!({"action": "validate_design", "design_ref": valid,
        "node_filter": {"filter_set_type": "xor", "filter_set": []}});
    post(&server, tasks, &bad_filter).await.error(400);
    post(
        &server,
        tasks,
        &json!({"action": "validate_design", "design_ref": valid, "node_filter": 7}),
    )
    .await
    .error(400);
    // `application/json; charset=…` is accepted.
    let body = serde_json::to_vec(&json!({"action": "validate_design", "design_ref": valid}))
        .expect("json");
    let created = post_raw(&server, tasks, "application/json; charset=UTF-8", body).await;
    assert_eq!(created.status, 201, "{}", created.text);

    // Too large: refused before it is read whole.
    let huge = format!(
        "{{\"action\": \"validate_design\", \"design_ref\": \"{}\"}}",
        "x".repeat(2 << 20)
    );
    let answer = post_raw(&server, tasks, "application/json", huge.into_bytes()).await;
    assert_eq!(answer.status, 413, "{}", answer.text);

    // Task ids: malformed or unknown are 404 with the original's message.
    let message = get(&server, "/api/v1.0/tasks/not-a-uuid").await.error(404);
    assert_eq!(message, "Task not-a-uuid does not exist");
    let unknown = "01a250e6-f6fc-7761-95d3-c1aa80377767";
    let message = get(&server, &format!("/api/v1.0/tasks/{unknown}"))
        .await
        .error(404);
    assert_eq!(message, format!("Task {unknown} does not exist"));
    get(&server, &format!("/api/v1.0/tasks/{unknown}/builddata"))
        .await
        .error(404);
    get(&server, "/api/v1.0/tasks/%00%01/builddata")
        .await
        .error(404);
    // Bad query parameters.
    let id = created.json["task_id"].as_str().expect("task_id");
    get(&server, &format!("/api/v1.0/tasks/{id}?builddata=perhaps"))
        .await
        .error(400);
    get(&server, &format!("/api/v1.0/tasks/{id}?layers=many"))
        .await
        .error(400);

    // The design routes.
    let vd = "/api/v1.0/validatedesign";
    post(&server, vd, &json!({"rel": "design"}))
        .await
        .error(400);
    post(&server, vd, &json!({"href": 3})).await.error(400);
    post_raw(&server, vd, "application/json", b"null".to_vec())
        .await
        .error(400);
    let nf = "/api/v1.0/nodefilter";
    post(&server, nf, &json!({"node_filter": null}))
        .await
        .error(400);
    let bad = json!({"design_ref": design("fullsite.yaml"), "node_filter": {"filter_set": "all"}});
    post(&server, nf, &bad).await.error(400);
    // A design that cannot be fetched: a validation failure with details, not a 500.
    let missing = post(&server, vd, &json!({"href": design("no-such-design.yaml")})).await;
    assert_eq!(missing.status, 400, "{}", missing.text);
    assert_eq!(missing.json["status"], "Failure");
    assert_eq!(missing.json["details"]["errorCount"], 1);

    // Unknown routes and methods.
    get(&server, "/api/v1.0/designs").await.error(404);
    get(&server, "/nowhere").await.error(404);
    let client = super::server::client();
    let answer = client.put(server.url(tasks)).send().await.expect("PUT");
    assert_eq!(answer.status(), 405);

    // Credentials in a design reference reach no response and no log line.
    let secret = "pw-9f3b1c7e";
    let with_password = format!("http://ops:{secret}@127.0.0.1:9/site.yaml?token={secret}");
    let created = post(
        &server,
        tasks,
        &json!({"action": "validate_design", "design_ref": with_password}),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.json["task_id"]
        .as_str()
        .expect("task_id")
        .to_owned();
    let shown = get(&server, &format!("/api/v1.0/tasks/{id}")).await;
    // Nothing listens there: the source did not answer (503, retry).
    let judged = post(&server, vd, &json!({"href": with_password})).await;
    judged.error(503);
    let filtered = post(&server, nf, &json!({"design_ref": with_password})).await;
    filtered.error(503);
    let listed = get(&server, tasks).await;
    for answer in [&created, &shown, &judged, &filtered, &listed] {
        assert!(
            !answer.text.contains(secret),
            "a credential in {}",
            answer.text
        );
    }

    let log = server.log();
    assert!(!log.contains("status=500"), "{log}");
    assert!(!log.contains(secret), "a credential in the log:\n{log}");
}
