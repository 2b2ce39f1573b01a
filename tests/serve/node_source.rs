//! `GET /nodes` answers from the node source `[api] node_source` names. A
//! crate adds one by registering it through `inventory`, as this test does
//! with two (linked only into this test binary, so served in process over
//! a real loopback listener); the `drydock serve` binary has the built-in
//! `design` only and refuses to start on a name nobody registered.

use std::sync::Arc;

use drydock::nodes::{NodeContext, NodeInfo, NodeSource, NodeSourceError, NodeSourceRegistration};
use drydock::server::{ApiState, Auth, Policy, ServerOptions, router, serve};
use drydock::store::{Store, StoreOptions, TaskFilter};
use drydock::{CancellationToken, Context, config::Config};

use super::server::{Answer, Server, client};

/// A live source as a MAAS client would be: what it knows of each machine.
#[derive(Debug)]
struct Inventoried;

#[drydock::async_trait]
impl NodeSource for Inventoried {
    async fn nodes(&self, context: &NodeContext<'_>) -> Result<Vec<NodeInfo>, NodeSourceError> {
        // The source is given the server's store (and configuration, resolver).
        let tasks = context.store.list_tasks(&TaskFilter::default()).await?;
        let mut node = NodeInfo::named("rack1-n1");
        node.memory = Some(65536);
        node.cpu_count = Some(32);
        node.status_name = format!("Deployed ({} tasks)", tasks.len());
        node.boot_mac = Some("52:54:00:12:34:56".into());
        node.power_state = "on".into();
        node.power_address = Some("10.0.0.11".into());
        node.boot_ip = Some("10.1.0.11".into());
        Ok(vec![node, NodeInfo::named("rack1-n2")])
    }
}

/// A source whose backend does not answer (its error names a URL with a password).
#[derive(Debug)]
struct Down;

#[drydock::async_trait]
impl NodeSource for Down {
    async fn nodes(&self, _: &NodeContext<'_>) -> Result<Vec<NodeInfo>, NodeSourceError> {
        Err(NodeSourceError::Unavailable {
            source_name: "test-down".into(),
            reason: "GET http://maas:s3cr3t-key@127.0.0.1:1/MAAS/api/2.0/machines/ refused".into(),
        })
    }
}

inventory::submit! {
    NodeSourceRegistration { name: "test-inventoried", source: &Inventoried }
}

inventory::submit! {
    NodeSourceRegistration { name: "test-down", source: &Down }
}

/// The library's server with `[api] node_source = name` on a SQLite store
/// in `home`, on a loopback port: its base URL and how to stop it.
async fn serve_in_process(home: &std::path::Path, name: &str) -> (String, CancellationToken) {
    let config = Config::from_toml_str(&format!("[api]\nnode_source = {name:?}\n"), "test")
        .expect("configuration");
    let url = format!("sqlite://{}", home.join("drydock.db").display());
    let store = Store::connect(&url, &StoreOptions::default())
        .await
        .expect("store");
    let context = Arc::new(Context::with_store(config, store));
    let state = ApiState::new(
        context,
        Auth::None,
        Policy::default(),
        ServerOptions::default(),
    )
    .expect("a registered node source");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let shutdown = CancellationToken::new();
    tokio::spawn(serve(listener, router(state), shutdown.clone()));
    (base, shutdown)
}

async fn nodes(base: &str) -> Answer {
    let sent = client().get(format!("{base}/api/v1.0/nodes")).send().await;
    Answer::of(sent.expect("GET /nodes")).await
}

#[test]
fn the_registered_sources_are_listed() {
    assert_eq!(
        drydock::nodes::node_sources(),
        ["design", "test-down", "test-inventoried"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registered_source_selected_by_configuration_answers_get_nodes() {
    let home = tempfile::tempdir().expect("home");
    let (base, shutdown) = serve_in_process(home.path(), "test-inventoried").await;
    let answer = nodes(&base).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(
        answer.json,
        serde_json::json!([
            {"hostname": "rack1-n1", "memory": 65536, "cpu_count": 32,
             "status_name": "Deployed (0 tasks)", "boot_mac": "52:54:00:12:34:56",
             "power_state": "on", "power_address": "10.0.0.11", "boot_ip": "10.1.0.11"},
            {"hostname": "rack1-n2", "memory": null, "cpu_count": null,
             "status_name": "unknown", "boot_mac": null, "power_state": "unknown",
             "power_address": null, "boot_ip": null},
        ]),
    );
    shutdown.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_that_does_not_answer_is_a_503_without_its_credentials() {
    let home = tempfile::tempdir().expect("home");
    let (base, shutdown) = serve_in_process(home.path(), "test-down").await;
    let answer = nodes(&base).await;
    let message = answer.error(503);
    assert!(
        message.contains("the node source test-down is unavailable"),
        "{message}"
    );
    assert!(!answer.text.contains("s3cr3t-key"), "{}", answer.text);
    shutdown.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_library_refuses_a_name_nobody_registered() {
    let home = tempfile::tempdir().expect("home");
    let config = Config::from_toml_str("[api]\nnode_source = \"maas\"\n", "test").expect("config");
    let url = format!("sqlite://{}", home.path().join("drydock.db").display());
    let store = Store::connect(&url, &StoreOptions::default())
        .await
        .expect("store");
    let context = Arc::new(Context::with_store(config, store));
    let err = ApiState::new(
        context,
        Auth::None,
        Policy::default(),
        ServerOptions::default(),
    )
    .expect_err("maas is not registered");
    let text = err.to_string();
    assert!(
        text.contains("node_source \"maas\" is not a registered node source")
            && text.contains("registered: design, test-down, test-inventoried"),
        "{text}"
    );
}

#[test]
fn drydock_serve_refuses_a_node_source_it_does_not_link() {
    let home = tempfile::tempdir().expect("home");
    let config = home.path().join("drydock.toml");
    std::fs::write(&config, "[api]\nnode_source = \"maas\"\n").expect("config");
    let url = format!("sqlite://{}", home.path().join("drydock.db").display());
    let config = config.display().to_string();
    let out = crate::common::drydock(
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--store",
            &url,
            "--auth",
            "none",
        ],
        home.path(),
        &[("DRYDOCK_CONFIG", config.as_str())],
    );
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    let printed = crate::common::printed(&out);
    assert!(
        printed
            .contains("node_source \"maas\" is not a registered node source (registered: design)"),
        "{printed}"
    );
    assert!(!printed.contains("serving"), "{printed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drydock_serve_answers_from_the_design_source_when_configured() {
    let home = tempfile::tempdir().expect("home");
    let config = home.path().join("drydock.toml");
    std::fs::write(&config, "[api]\nnode_source = \"design\"\n").expect("config");
    let url = format!("sqlite://{}", home.path().join("drydock.db").display());
    let config = config.display().to_string();
    let server = Server::start_with(
        home.path(),
        &url,
        &["--auth", "none"],
        &[("DRYDOCK_CONFIG", config.as_str())],
    );
    // Nothing stored yet: no nodes.
    let answer = nodes(&server.base).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.json, serde_json::json!([]));
}
