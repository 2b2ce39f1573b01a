//! The actions a worker runs itself: `validate_design`, as the original's
//! orchestrator does it (resolve the design, judge it by its schemas and the
//! design rules, store it as a snapshot and link the task to it, write the
//! messages, set the result).

use std::sync::Arc;

use drydock_core::{ResolveOptions, Resolver, Status};
use drydock_rules::Rules;
use drydock_store::{NewResultMessage, Store, StoreError, Task, Uuid};

use super::WorkerOptions;
use super::registry::ActionContext;

/// The original's result messages of a design validation.
const PASSED: &str = "Site design passed validation";
const FAILED: &str = "Site design failed validation.";
const SEE_DETAILS: &str = "See detail messages.";

/// Runs `task` (claimed by this worker) by its action's registered handler
/// and finishes it; the error is the store's when the task could not be
/// finished (e.g. the claim lapsed).
pub(super) async fn run(
    store: &Store,
    resolver: &Resolver,
    options: &WorkerOptions,
    task: Task,
) -> Result<(), StoreError> {
    let Some(handler) = super::registry::handler(&task.action) else {
        // Claims only take the worker's actions; one it cannot run goes back.
        tracing::warn!(
            action = task.action.as_str(),
            "this worker cannot run the action: giving the task back"
        );
        return store
            .release_task(task.task_id, options.id)
            .await
            .map(|_| ());
    };
    let context = ActionContext {
        store,
        resolver,
        options,
    };
    (handler.run)(&context, task).await
}

/// The built-in handler of `validate_design`.
pub(super) async fn validate_design(
    context: &ActionContext<'_>,
    mut task: Task,
) -> Result<(), StoreError> {
    let (store, resolver, options) = (context.store, context.resolver, context.options);
    let Some(reference) = task.design_ref.clone() else {
        task.failure(None);
        task.result.reason = Some("The task names no design (design_ref).".into());
        task.complete(FAILED);
        let message = NewResultMessage::new("validate_design needs a design_ref", true);
        return finish(store, options.id, &task, &[message]).await;
    };
    let resolve = ResolveOptions::default()
        .with_fetch(options.fetch.clone())
        .with_check(Arc::new(Rules::new(options.validation.clone())));
    let messages = match resolver.resolve(&reference, &resolve).await {
        Ok(resolved) => {
            // Whoever resolves stores; a design that cannot be stored is
            // still judged (the task then names no snapshot).
            match store.save_resolved(&resolved).await {
                Ok(saved) => task.design_snapshot_id = Some(saved.snapshot_id),
                Err(err) => {
                    tracing::warn!(task = %task.task_id, error = %err, "the design could not be stored")
                }
            }
            let report = &resolved.ingested.report;
            if report.status == Status::Success {
                task.success(None);
                task.complete(PASSED);
            } else {
                task.failure(None);
                task.result.reason = Some(SEE_DETAILS.into());
                task.complete(FAILED);
            }
            crate::tasks::result_messages(report)
        }
        Err(err) => {
            // As the original: the design could not be had, the task fails with why.
            task.failure(None);
            task.result.reason = Some(err.hint().to_owned());
            task.complete(FAILED);
            vec![NewResultMessage::new(
                format!(
                    "Error loading effective site: {}",
                    drydock_core::text::escape_control(&err.to_string())
                ),
                true,
            )]
        }
    };
    finish(store, options.id, &task, &messages).await
}

async fn finish(
    store: &Store,
    owner: Uuid,
    task: &Task,
    messages: &[NewResultMessage],
) -> Result<(), StoreError> {
    store.finish_claimed(task, owner, messages).await?;
    tracing::info!(task = %task.task_id, result = task.result.status.as_str(), messages = messages.len(), "task finished");
    Ok(())
}
