//! Keystone and policy: a token validated against the loopback Keystone
//! with the service's own credentials, cached for `[api] token_ttl`; 401
//! without a valid token, 403 when the rule fails (defaults `role:admin`,
//! overridden by `--policy`), 503 when Keystone cannot be asked; no
//! credential in any response or log line.

use std::time::Duration;

use drydock_fixtures::keystone::{
    ADMIN_PASSWORD, ADMIN_USER, KeystoneConfig, KeystoneFault, KeystoneFixture, VIEWER_PASSWORD,
    VIEWER_USER,
};
use serde_json::{Value, json};

use super::server::{Answer, Server, client_with, design};

/// A token for `user`, scoped to the service project (as Shipyard gets one).
pub(super) async fn issue(keystone: &KeystoneFixture, user: &str, password: &str) -> String {
    let body = json!({"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": user, "domain": {"name": "default"}, "password": password}}},
        "scope": {"project": {"name": "service", "domain": {"name": "default"}}}}});
    let url = format!("{}/auth/tokens", keystone.auth_url());
    let answer = client_with(None)
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("Keystone");
    assert_eq!(answer.status(), 201);
    answer.headers()["x-subject-token"]
        .to_str()
        .expect("token")
        .to_owned()
}

/// `method path` with `token` (and a JSON body for POST).
async fn call(
    server: &Server,
    token: Option<&str>,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Answer {
    let client = client_with(token);
    let url = server.url(path);
    let request = match method {
        "POST" => client.post(url).json(&body.unwrap_or(Value::Null)),
        "DELETE" => client.delete(url),
        _ => client.get(url),
    };
    Answer::of(request.send().await.expect("request")).await
}

/// Every protected route, with a body that would succeed.
fn routes() -> Vec<(&'static str, String, Option<Value>)> {
    let site = design("valid/site-deckhand.yaml");
    let id = "01a250e6-f6fc-7761-95d3-c1aa80377767";
    vec![
        ("GET", "/api/v1.0/tasks".into(), None),
        (
            "POST",
            "/api/v1.0/tasks".into(),
            Some(json!({"action": "validate_design", "design_ref": site})),
        ),
        ("DELETE", "/api/v1.0/tasks?days=365".into(), None),
        ("GET", format!("/api/v1.0/tasks/{id}"), None),
        ("GET", format!("/api/v1.0/tasks/{id}/builddata"), None),
        ("GET", "/api/v1.0/nodes".into(), None),
        ("GET", "/api/v1.0/nodes/node00000/builddata".into(), None),
        (
            "POST",
            "/api/v1.0/nodefilter".into(),
            Some(json!({"design_ref": site})),
        ),
        (
            "POST",
            "/api/v1.0/validatedesign".into(),
            Some(json!({"href": site})),
        ),
        ("GET", "/api/v1.0/health/extended".into(), None),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_validated_by_keystone_and_rules_by_policy() {
    let keystone = KeystoneFixture::start(KeystoneConfig::default())
        .await
        .expect("Keystone");
    let home = tempfile::tempdir().expect("home");
    let url = format!("sqlite://{}", home.path().join("drydock.db").display());
    let auth_url = keystone.auth_url().to_string();
    let policy = home.path().join("policy.yaml");
    std::fs::write(
        &policy,
        "# members may read tasks\n\"physical_provisioner:read_task\": \"role:admin or role:member\"\n",
    )
    .expect("policy");
    let envs = [
        ("OS_AUTH_URL", auth_url.as_str()),
        ("OS_USERNAME", ADMIN_USER),
        ("OS_PASSWORD", ADMIN_PASSWORD),
        ("OS_PROJECT_NAME", "service"),
        ("OS_USER_DOMAIN_NAME", "default"),
        ("OS_PROJECT_DOMAIN_NAME", "default"),
        ("DRYDOCK__API__TOKEN_TTL", "1s"),
    ];
    let policy_arg = policy.display().to_string();
    let server = Server::start_with(home.path(), &url, &["--policy", &policy_arg], &envs);

    // No token, or one Keystone does not know: 401 everywhere but health.
    for (method, path, body) in routes() {
        let answer = call(&server, None, method, &path, body.clone()).await;
        assert_eq!(answer.error(401), "Unauthenticated", "{method} {path}");
        let answer = call(&server, Some("not-a-token"), method, &path, body).await;
        assert_eq!(answer.error(401), "Unauthenticated", "{method} {path}");
    }
    assert_eq!(
        call(&server, None, "GET", "/api/v1.0/health", None)
            .await
            .status,
        204
    );
    assert_eq!(
        call(&server, None, "GET", "/versions", None).await.status,
        200
    );

    // The admin passes every rule; its name is the task's creator.
    let admin = issue(&keystone, ADMIN_USER, ADMIN_PASSWORD).await;
    for (method, path, body) in routes() {
        let answer = call(&server, Some(&admin), method, &path, body).await;
        assert!(
            ![401, 403].contains(&answer.status),
            "{method} {path}: {}",
            answer.text
        );
    }
    let listed = call(&server, Some(&admin), "GET", "/api/v1.0/tasks", None).await;
    assert_eq!(listed.json[0]["created_by"], ADMIN_USER, "{}", listed.text);

    // A member: what the policy file grants (read_task), 403 for the rest.
    let viewer = issue(&keystone, VIEWER_USER, VIEWER_PASSWORD).await;
    for (method, path, body) in routes() {
        let answer = call(&server, Some(&viewer), method, &path, body).await;
        if path.starts_with("/api/v1.0/tasks") && method == "GET" && !path.ends_with("builddata") {
            assert!(
                ![401, 403].contains(&answer.status),
                "{method} {path}: {}",
                answer.text
            );
        } else {
            assert_eq!(answer.error(403), "Forbidden", "{method} {path}");
        }
    }

    // Validations are remembered: a second call within the TTL asks nobody.
    let asked = keystone.requests().len();
    call(&server, Some(&admin), "GET", "/api/v1.0/tasks", None).await;
    assert_eq!(keystone.requests().len(), asked, "served from memory");
    // A revoked token stops working once the TTL passes.
    assert!(keystone.revoke(&viewer));
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let answer = call(&server, Some(&viewer), "GET", "/api/v1.0/tasks", None).await;
    answer.error(401);

    // Keystone down: 503, worth retrying, not a 401 or a 500.
    let fresh = issue(&keystone, ADMIN_USER, ADMIN_PASSWORD).await;
    keystone.set_fault(Some(KeystoneFault::Unavailable));
    let answer = call(&server, Some(&fresh), "GET", "/api/v1.0/tasks", None).await;
    assert_eq!(answer.status, 503, "{}", answer.text);
    assert_eq!(answer.json["retry"], true);
    keystone.set_fault(None);

    // No credential anywhere in what the server wrote.
    let log = server.log();
    for secret in [
        admin.as_str(),
        viewer.as_str(),
        fresh.as_str(),
        ADMIN_PASSWORD,
    ] {
        assert!(!log.contains(secret), "a credential in the log:\n{log}");
    }
    assert!(
        log.contains("rule=\"physical_provisioner:create_task\""),
        "{log}"
    );
    assert!(
        log.contains("tokens validated by Keystone at http://127.0.0.1:"),
        "{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keystone_auth_without_service_credentials_refuses_to_start() {
    let home = tempfile::tempdir().expect("home");
    let url = format!("sqlite://{}", home.path().join("drydock.db").display());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_drydock"))
        .args(["serve", "--listen", "127.0.0.1:0", "--store", &url])
        .env_remove("OS_AUTH_URL")
        .env_remove("OS_CLOUD")
        .env_remove("DRYDOCK_CONFIG")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .output()
        .expect("drydock serve runs");
    assert_eq!(out.status.code(), Some(4));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("OS_AUTH_URL"), "{err}");
    assert!(err.contains("--auth none"), "{err}");
    let bad = home.path().join("bad-policy.yaml");
    std::fs::write(
        &bad,
        "\"physical_provisioner:read_task\": \"role:admin and\"\n",
    )
    .expect("policy");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_drydock"))
        .args([
            "serve",
            "--auth",
            "none",
            "--listen",
            "127.0.0.1:0",
            "--store",
            &url,
        ])
        .arg("--policy")
        .arg(&bad)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .output()
        .expect("drydock serve runs");
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
