//! Remote mode (`--url` / `DD_URL`, `--os_token` / `OS_TOKEN`, `--os_*`):
//! the task and node commands against a loopback server answering as the
//! original Drydock's API does (naive `str(datetime)` timestamps, `extra`
//! as a JSON string, build data with `+00:00`), printing what store mode
//! prints, with a Keystone token from the Keystone fixture.

use crate::common;

use common::fleet::json;
use drydock_fixtures::keystone::{
    ADMIN_PASSWORD, ADMIN_USER, DEFAULT_DOMAIN, KeystoneConfig, KeystoneFixture, SERVICE_PROJECT,
};
use drydock_fixtures::{HttpFixture, Route};
use serde_json::json;

const ID: &str = "0a000000-0000-4000-8000-00000000000a";

/// A task as the original's `Task.to_dict()` renders it.
fn original_task(status: &str) -> serde_json::Value {
    json!({"kind": "Task", "apiVersion": "v1", "task_id": ID, "action": "deploy_nodes",
        "parent_task_id": null, "design_ref": "deckhand+http://deckhand:9000/api/v1.0/revisions/7/rendered-documents",
        "status": status,
        "result": {"kind": "Status", "apiVersion": "v1.0", "metadata": {}, "message": "Deployed",
            "reason": null, "status": "success", "successes": ["n1"], "failures": [],
            "links": [{"rel": "detail_logs", "href": "http://drydock/api/v1.0/tasks/x/builddata"}],
            "details": {"errorCount": 1, "messageList": [
                {"message": "Node n1 deployed", "error": false, "context_type": "node", "context": "n1",
                 "ts": "2018-10-12 16:09:53.778696", "extra": "{\"k\": 1}"},
                {"message": "Node n2 failed", "error": true, "context_type": "node", "context": "n2",
                 "ts": "2018-10-12 16:10:00", "extra": "{}"}]}},
        "node_filter": null, "subtask_id_list": [], "created": "2018-10-12 16:09:00.5",
        "created_by": "shipyard", "updated": "2018-10-12 16:10:01", "terminated": null,
        "terminated_by": null, "terminate": false, "retry": 0})
}

fn builddata() -> String {
    json!([{"node_name": "n1", "task_id": ID, "collected_date": "2018-07-09 12:00:00.123456+00:00",
            "generator": "lshw", "data_format": "text/plain", "data_element": "n1 hardware"}])
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn task_and_node_commands_talk_to_the_api_with_a_keystone_token() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let api = HttpFixture::start().await.unwrap();
    api.route(
        &format!("/api/v1.0/tasks/{ID}"),
        Route::content(original_task("complete").to_string()),
    );
    api.route(
        "/api/v1.0/tasks",
        Route::content(json!([original_task("complete")]).to_string()),
    );
    api.route(
        &format!("/api/v1.0/tasks/{ID}/builddata"),
        Route::content(builddata()),
    );
    api.route("/api/v1.0/nodes/n1/builddata", Route::content(builddata()));
    let url = api.base_url().as_str().trim_end_matches('/').to_owned();
    let token_env = [("DD_URL", url.as_str()), ("OS_TOKEN", "tok-123")];
    let run = |args: &[&str]| common::drydock(args, home, &token_env);

    // task show -t ID: the same JSON as store mode, from the original's shape.
    let out = run(&["task", "show", "-t", ID, "--json"]);
    assert!(out.status.success(), "{out:?}");
    let shown = json(&out);
    assert_eq!(shown["status"], "complete");
    assert_eq!(shown["created"], "2018-10-12T16:09:00.500Z");
    let messages = &shown["result"]["details"]["messageList"];
    assert_eq!(
        messages[0]["extra"],
        json!({"k": 1}),
        "the double-encoded extra unwrapped"
    );
    assert_eq!(messages[0]["ts"], "2018-10-12T16:09:53.778696Z");
    assert_eq!(shown["result"]["details"]["errorCount"], 1);
    let human = run(&["task", "show", ID]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("messages    2 (1 errors)"), "{text}");
    // Every request carried the token.
    for r in api.requests() {
        assert_eq!(r.header("x-auth-token"), Some("tok-123"), "{r:?}");
    }

    let listed = json(&run(&["task", "list", "--json"]));
    assert_eq!(listed[0]["task_id"], ID);
    let yaml = run(&["task", "builddata", "-t", ID]);
    let yaml = String::from_utf8_lossy(&yaml.stdout).into_owned();
    assert!(yaml.contains("data_element: n1 hardware"), "{yaml}");
    assert!(
        yaml.contains("collected_date: \"2018-07-09T12:00:00.123456Z\""),
        "{yaml}"
    );
    let node = json(&run(&["node", "builddata", "n1", "-o", "json"]));
    assert_eq!(node[0]["generator"], "lshw");
    assert!(
        api.requests()
            .iter()
            .any(|r| r.path == "/api/v1.0/nodes/n1/builddata?latest=true")
    );
    let none = run(&["node", "builddata", "n9", "--no-latest", "-o", "json"]);
    assert!(none.status.success(), "a 404 is no data: {none:?}");
    assert_eq!(json(&none), json!([]));
    // task delete -d N: the original's DELETE /tasks?days=N, which answers
    // no count.
    let gone = run(&["task", "delete", "-d", "30"]);
    assert!(gone.status.success(), "{gone:?}");
    assert_eq!(
        String::from_utf8_lossy(&gone.stdout),
        "deleted the task(s) created more than 30 day(s) ago (the API does not say how many)\n"
    );
    let deleted = api.requests();
    let deleted = deleted.last().expect("a request");
    assert_eq!(deleted.method, "DELETE");
    assert_eq!(deleted.path, "/api/v1.0/tasks?days=30");
    assert_eq!(deleted.header("x-auth-token"), Some("tok-123"));

    // --url and --os_* flags, a password through Keystone; POST /tasks.
    let keystone = KeystoneFixture::start(KeystoneConfig::default())
        .await
        .unwrap();
    let creator = HttpFixture::start().await.unwrap();
    creator.route(
        "/api/v1.0/tasks",
        Route::status_with_body(201, original_task("queued").to_string()),
    );
    let creator_url = creator.url("/api/v1.0").to_string();
    let auth_url = keystone.auth_url().to_string();
    let out = common::drydock(
        &[
            "--url",
            &creator_url,
            "--os_auth_url",
            &auth_url,
            "--os_username",
            ADMIN_USER,
            "--os_password",
            ADMIN_PASSWORD,
            "--os_project_name",
            SERVICE_PROJECT,
            "--os_user_domain_name",
            DEFAULT_DOMAIN,
            "--os_project_domain_name",
            DEFAULT_DOMAIN,
            "task",
            "create",
            "-a",
            "deploy_nodes",
            "-d",
            "deckhand+http://deckhand:9000/x",
            "-n",
            "n1",
            "--json",
        ],
        home,
        &[],
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(json(&out)["status"], "queued");
    assert_eq!(keystone.tokens_issued(), 1);
    let posted = creator.requests();
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0].method, "POST");
    let token = posted[0]
        .header("x-auth-token")
        .expect("a token")
        .to_owned();
    assert!(
        keystone.check_token(&token).is_some(),
        "a token Keystone issued"
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains(ADMIN_PASSWORD));
}

#[test]
fn a_bad_url_or_an_unanswering_api_is_named() {
    let home = tempfile::tempdir().unwrap();
    let out = common::drydock(&["--url", "deckhand", "task", "list"], home.path(), &[]);
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("scheme"));
    let out = common::drydock(
        &["task", "show", ID],
        home.path(),
        &[("DD_URL", "http://127.0.0.1:1"), ("OS_TOKEN", "t")],
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("hint: check --url / DD_URL"), "{err}");
}
