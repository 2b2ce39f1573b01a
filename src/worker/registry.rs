//! The registry of action handlers: a crate that can run a task action
//! registers an [`ActionHandler`] through `inventory` (as drivers do), and
//! workers take tasks of the registered actions. Built in: `validate_design`.
//! [`admit_action`] is what `POST /tasks` and `drydock task create` ask
//! before queueing.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

use drydock_core::Resolver;
use drydock_store::{Store, StoreError, Task, TaskAction};

use super::WorkerOptions;

/// The actions the original's `POST /tasks` accepts.
pub const ORIGINAL_ACTIONS: &[&str] = &[
    "validate_design",
    "verify_site",
    "prepare_site",
    "verify_nodes",
    "prepare_nodes",
    "deploy_nodes",
    "destroy_nodes",
    "relabel_nodes",
];

/// What a running handler returns: the store's error when the task could not be finished.
pub type ActionFuture<'a> = Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send + 'a>>;

/// What a handler is given besides its claimed task.
#[derive(Debug)]
#[non_exhaustive]
pub struct ActionContext<'a> {
    /// The store the task lives in; the handler finishes the task there.
    pub store: &'a Store,
    /// The resolver for design references.
    pub resolver: &'a Resolver,
    /// The worker's options (its id owns the claim).
    pub options: &'a WorkerOptions,
}

/// One action a worker of this build can run; submit with `inventory::submit!`.
#[derive(Debug)]
pub struct ActionHandler {
    /// The action, as the original spells it (`validate_design`).
    pub action: &'static str,
    /// Runs a claimed task of the action and finishes it.
    pub run: for<'a> fn(&'a ActionContext<'a>, Task) -> ActionFuture<'a>,
}

inventory::collect!(ActionHandler);

inventory::submit! {
    ActionHandler {
        action: "validate_design",
        run: |context, task| Box::pin(super::actions::validate_design(context, task)),
    }
}

/// The registered handler of `action`, if any.
pub fn handler(action: &TaskAction) -> Option<&'static ActionHandler> {
    inventory::iter::<ActionHandler>
        .into_iter()
        .find(|h| h.action == action.as_str())
}

/// The actions some registered handler runs, in the original's order then by name.
pub fn handled_actions() -> &'static [TaskAction] {
    static HANDLED: OnceLock<Vec<TaskAction>> = OnceLock::new();
    HANDLED.get_or_init(|| {
        let mut names: Vec<&str> = inventory::iter::<ActionHandler>
            .into_iter()
            .map(|h| h.action)
            .collect();
        names.sort_by_key(|n| (ORIGINAL_ACTIONS.iter().position(|o| o == n), *n));
        names.dedup();
        names
            .into_iter()
            .map(|n| n.parse().unwrap_or(TaskAction::Unknown(n.to_owned())))
            .collect()
    })
}

/// Why an action may not be queued.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ActionRefused {
    /// Not one of the original's eight.
    #[error("Unsupported action {action} (supported: {})", ORIGINAL_ACTIONS.join(", "))]
    NotOriginal {
        /// The action asked for, without control characters.
        action: String,
    },
    /// An original action that nothing here runs and no other worker is said to take.
    #[error(
        "Action {action} is not run by this deployment (it runs: {runs}; \
         [api] external_actions names actions another kind of worker takes)"
    )]
    NotRun {
        /// The action asked for.
        action: String,
        /// What this deployment runs, comma-separated.
        runs: String,
    },
}

/// The action to queue for `action`, or why not: it must be one of the
/// original's eight, and either a registered handler runs it or `external`
/// (`[api] external_actions`) says another kind of worker takes it.
pub fn admit_action(action: &str, external: &[String]) -> Result<TaskAction, ActionRefused> {
    if !ORIGINAL_ACTIONS.contains(&action) {
        return Err(ActionRefused::NotOriginal {
            action: action
                .chars()
                .filter(|c| !c.is_control())
                .take(64)
                .collect(),
        });
    }
    let parsed: TaskAction = action
        .parse()
        .unwrap_or(TaskAction::Unknown(action.to_owned()));
    if handled_actions().contains(&parsed) || external.iter().any(|e| e == action) {
        return Ok(parsed);
    }
    let mut runs: Vec<&str> = handled_actions().iter().map(TaskAction::as_str).collect();
    runs.extend(external.iter().map(String::as_str));
    Err(ActionRefused::NotRun {
        action: action.to_owned(),
        runs: runs.join(", "),
    })
}
