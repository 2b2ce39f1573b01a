//! Task actions come from the registry of action handlers (built in:
//! `validate_design`); an original action nothing here runs is refused by
//! `POST /tasks` and `drydock task create` unless `[api] external_actions`
//! says another kind of worker takes it.

use std::time::Duration;

use serde_json::json;

use super::server::{Server, create_task, design, get, poll, post};

#[test]
fn the_registry_holds_the_built_in_handler() {
    let handled = drydock::worker::handled_actions();
    assert_eq!(
        handled.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
        ["validate_design"]
    );
    let refused = drydock::worker::admit_action("deploy_nodes", &[]).expect_err("not run");
    assert!(
        refused.to_string().contains("it runs: validate_design"),
        "{refused}"
    );
    let external = vec!["deploy_nodes".to_owned()];
    let admitted = drydock::worker::admit_action("deploy_nodes", &external).expect("external");
    assert_eq!(admitted.as_str(), "deploy_nodes");
    // Configuration cannot add an action the original does not have.
    let made_up = vec!["frobnicate".to_owned()];
    let refused = drydock::worker::admit_action("frobnicate", &made_up).expect_err("not original");
    assert!(refused.to_string().contains("relabel_nodes"), "{refused}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn external_actions_are_queued_for_another_worker() {
    let home = tempfile::tempdir().expect("home");
    let url = format!("sqlite://{}", home.path().join("drydock.db").display());
    let valid = design("valid/site-legacy.yaml");
    let cli = |args: &[&str], config: Option<&str>| {
        let mut all = vec![
            "task",
            "create",
            "-d",
            valid.as_str(),
            "--store",
            url.as_str(),
        ];
        all.extend_from_slice(args);
        let envs: Vec<(&str, &str)> = config.map(|c| ("DRYDOCK_CONFIG", c)).into_iter().collect();
        crate::common::drydock(&all, home.path(), &envs)
    };
    // Without configuration: refused by the CLI and the API, naming what runs.
    let out = cli(&["-a", "deploy_nodes"], None);
    assert!(!out.status.success(), "{out:?}");
    let printed = crate::common::printed(&out);
    assert!(printed.contains("it runs: validate_design"), "{printed}");
    let out = cli(&["-a", "frobnicate"], None);
    assert!(!out.status.success(), "{out:?}");
    assert!(crate::common::printed(&out).contains("Unsupported action"));

    let config = home.path().join("drydock.toml");
    std::fs::write(&config, "[api]\nexternal_actions = [\"deploy_nodes\"]\n").expect("config");
    let config_arg = config.display().to_string();
    let out = cli(&["-a", "deploy_nodes"], Some(&config_arg));
    assert!(out.status.success(), "{out:?}");

    let server = Server::start_with(
        home.path(),
        &url,
        &["--auth", "none"],
        &[("DRYDOCK_CONFIG", config_arg.as_str())],
    );
    let external_id = create_task(
        &server,
        &json!({"action": "deploy_nodes", "design_ref": valid}),
    )
    .await;
    let refused = post(
        &server,
        "/api/v1.0/tasks",
        &json!({"action": "prepare_nodes", "design_ref": valid}),
    )
    .await
    .error(400);
    assert!(
        refused.contains("it runs: validate_design, deploy_nodes"),
        "{refused}"
    );
    // The built-in handler runs validate_design to its end; deploy_nodes waits for its worker.
    let id = create_task(
        &server,
        &json!({"action": "validate_design", "design_ref": valid}),
    )
    .await;
    let done = poll(&server, &id, Duration::from_secs(60)).await;
    assert_eq!(done["result"]["status"], "success", "{done}");
    let waiting = get(&server, &format!("/api/v1.0/tasks/{external_id}")).await;
    assert_eq!(waiting.json["status"], "queued", "{}", waiting.text);

    // /metrics reads the store: one finished, two deploy_nodes waiting (CLI and API), a leader.
    let metrics = super::server::client()
        .get(server.url("/metrics"))
        .send()
        .await
        .expect("GET /metrics")
        .text()
        .await
        .expect("body");
    for line in [
        "drydock_tasks_finished{action=\"validate_design\",result=\"success\"} 1",
        "drydock_queue_depth 2",
        "drydock_tasks_running 0",
        "drydock_task_claims 1",
        "drydock_task_requeues 0",
        "drydock_leader_present 1",
        "drydock_store_up 1",
    ] {
        assert!(metrics.lines().any(|l| l == line), "{line} in\n{metrics}");
    }
    let oldest = metrics
        .lines()
        .find_map(|l| l.strip_prefix("drydock_queue_oldest_age_seconds "))
        .and_then(|v| v.parse::<f64>().ok())
        .expect("the oldest queued task's age");
    assert!(oldest > 0.0 && oldest < 120.0, "{oldest}");
}
