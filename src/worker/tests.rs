//! The worker runtime from the library: one configuration, one context, the
//! worker and a caller sharing its resolver, on a real SQLite store.

use std::sync::Arc;

use drydock_store::{NewTask, ResultStatus, Store, StoreOptions, TaskAction, TaskStatus};

use super::{Worker, WorkerOptions};
use crate::Context;
use crate::config::Config;

fn fixture() -> String {
    format!(
        "file://{}/fixtures/designs/deckhand_fullsite.yaml",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_runs_the_worker_over_its_one_context() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/drydock.db", dir.path().display());
    let config = Config::from_toml_str("[retry]\nattempts = 1\n", "test.toml").unwrap();
    let store = Store::connect(&url, &StoreOptions::default())
        .await
        .unwrap();
    let context = Context::with_store(config, store.clone());
    let mut options = WorkerOptions::from_config(context.config());
    options.exit_when_idle = true;
    let worker = Worker::from_context(&context, options).unwrap();
    // The worker resolves with the context's resolver, over the config's registry.
    assert!(Arc::ptr_eq(&worker.resolver, context.resolver()));
    assert!(Arc::ptr_eq(
        context.resolver().registry(),
        context.config().registry()
    ));

    let new = NewTask::new(TaskAction::ValidateDesign).with_design_ref(fixture());
    let task = store.create_task(&new).await.unwrap();
    let report = worker.run(crate::CancellationToken::new()).await.unwrap();
    assert_eq!(report.finished, 1);
    let done = store.get_task(task.task_id).await.unwrap();
    assert_eq!(done.status, TaskStatus::Complete);
    assert_eq!(done.result.status, ResultStatus::Success, "{done:?}");

    // A caller (a request handler) resolves with the same objects.
    let resolved = context
        .resolver()
        .resolve(&fixture(), &context.resolve_options())
        .await
        .unwrap();
    assert_eq!(resolved.ingested.report.status, crate::Status::Success);
    store.close().await;
}

#[test]
fn a_worker_needs_a_store() {
    let config = Config::from_toml_str("", "test.toml").unwrap();
    let err = Worker::from_context(&Context::new(config), WorkerOptions::default())
        .map(|_| ())
        .unwrap_err();
    assert!(err.to_string().contains("[store]"), "{err}");
}
