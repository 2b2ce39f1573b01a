//! Shipyard's own design references: `deckhand+http://…/revisions/N/rendered-documents`
//! behind Keystone, validated and run as a task by `drydock serve`, which
//! validates the caller's token and fetches with the service's own
//! credentials; the revision (immutable) fetched from Deckhand only while
//! nothing is stored, then served from the store; no credential in any
//! response or log line.

use std::time::{Duration, Instant};

use drydock_fixtures::deckhand::{CannedRevision, DeckhandAuth, DeckhandFixture};
use drydock_fixtures::keystone::{
    ADMIN_PASSWORD, ADMIN_USER, DEFAULT_DOMAIN, KeystoneConfig, KeystoneFixture, SERVICE_PROJECT,
};
use serde_json::{Value, json};

use super::auth::issue;
use super::server::{Answer, Server, client_with};

/// POST `body` to `path` with `token`.
async fn post(server: &Server, token: &str, path: &str, body: Value) -> Answer {
    let sent = client_with(Some(token))
        .post(server.url(path))
        .json(&body)
        .send()
        .await;
    Answer::of(sent.expect("POST")).await
}

/// GET `path` with `token`.
async fn get(server: &Server, token: &str, path: &str) -> Answer {
    let sent = client_with(Some(token)).get(server.url(path)).send().await;
    Answer::of(sent.expect("GET")).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deckhand_revision_is_validated_and_run_under_keystone() {
    let keystone = KeystoneFixture::start(KeystoneConfig::default())
        .await
        .expect("keystone");
    let deckhand = DeckhandFixture::start(DeckhandAuth::Keystone(keystone.clone()))
        .await
        .expect("deckhand");
    let site = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/designs/valid/site-deckhand.yaml"),
    )
    .expect("the site");
    let revision = CannedRevision::from_yaml("site", &site).expect("canned");
    assert_eq!(deckhand.add_revision(revision), 1);
    let reference = deckhand.reference(1);

    let home = tempfile::tempdir().expect("home");
    let url = format!("sqlite://{}", home.path().join("drydock.db").display());
    let auth_url = keystone.auth_url().to_string();
    let envs = [
        ("OS_AUTH_URL", auth_url.as_str()),
        ("OS_USERNAME", ADMIN_USER),
        ("OS_PASSWORD", ADMIN_PASSWORD),
        ("OS_PROJECT_NAME", SERVICE_PROJECT),
        ("OS_USER_DOMAIN_NAME", DEFAULT_DOMAIN),
        ("OS_PROJECT_DOMAIN_NAME", DEFAULT_DOMAIN),
    ];
    let server = Server::start_with(home.path(), &url, &[], &envs);
    let token = issue(&keystone, ADMIN_USER, ADMIN_PASSWORD).await;

    // validate_design, as Shipyard's deployment configuration step does.
    let answer = post(
        &server,
        &token,
        "/api/v1.0/validatedesign",
        json!({"rel": "design", "href": reference, "type": "application/x-yaml"}),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.json["status"], "Success", "{}", answer.text);

    // create_task, then poll it to complete.
    let created = post(
        &server,
        &token,
        "/api/v1.0/tasks",
        json!({"action": "validate_design", "design_ref": reference}),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.json["task_id"]
        .as_str()
        .expect("task_id")
        .to_owned();
    let deadline = Instant::now() + Duration::from_secs(60);
    let done = loop {
        let task = get(&server, &token, &format!("/api/v1.0/tasks/{id}")).await;
        assert_eq!(task.status, 200, "{}", task.text);
        if task.json["status"] == "complete" {
            break task.json;
        }
        assert!(Instant::now() < deadline, "{}", task.text);
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(done["result"]["status"], "success", "{done}");
    assert_eq!(done["design_ref"], reference.as_str(), "{done}");

    // The stored revision is served without asking Deckhand again.
    let answer = post(
        &server,
        &token,
        "/api/v1.0/nodefilter",
        json!({"design_ref": reference, "node_filter": null}),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert!(
        answer.json.as_array().is_some_and(|a| !a.is_empty()),
        "{}",
        answer.text
    );
    let rendered = "/api/v1.0/revisions/1/rendered-documents";
    assert_eq!(deckhand.hits(rendered), 2, "{:?}", deckhand.requests());
    let metrics = get(&server, &token, "/metrics").await.text;
    for line in [
        "drydock_design_resolutions_total{scheme=\"deckhand+http\",outcome=\"fetched\"} 2",
        "drydock_design_resolutions_total{scheme=\"deckhand+http\",outcome=\"hit\"} 1",
        "drydock_design_fetch_duration_seconds_count{scheme=\"deckhand+http\",result=\"ok\"} 2",
    ] {
        assert!(metrics.lines().any(|l| l == line), "{line} in\n{metrics}");
    }

    // Neither the service's password nor any token in the log.
    let log = server.log();
    for secret in [ADMIN_PASSWORD, token.as_str()] {
        assert!(!log.contains(secret), "a credential in the log:\n{log}");
    }
}
