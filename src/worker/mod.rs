//! [`Worker`]: claims tasks from the store and runs the ones this system can
//! run by itself (`validate_design`); many workers share one PostgreSQL.
//!
//! Every worker claims (each task goes to exactly one, `SKIP LOCKED` on
//! PostgreSQL) and renews its claims' lease while it works; a task whose
//! worker stopped is requeued after its lease by the leader, the one worker
//! holding the active-instance lease, which also applies retention. A task is
//! finished in one transaction (result and messages) and only by the worker
//! still holding its claim: exactly once. On shutdown a worker stops
//! claiming, finishes what it runs within a grace period, gives the rest
//! back to the queue and abdicates.
//!
//! A program builds its [`crate::Context`] once (configuration, registry,
//! the resolver with the store as its cache) and runs the worker over it;
//! [`shutdown_on_signal`] stops it on SIGTERM or Ctrl-C:
//!
//! ```no_run
//! # async fn run() -> drydock::Result<()> {
//! use drydock::config::Config;
//! use drydock::store::{Store, StoreOptions};
//! use drydock::worker::{Worker, WorkerOptions, shutdown_on_signal};
//! let config = Config::load(None, &drydock::Env::process())?;
//! let store = Store::connect("postgres://drydock@db/drydock", &StoreOptions::default()).await?;
//! let context = drydock::Context::with_store(config, store);
//! let worker = Worker::from_context(&context, WorkerOptions::from_config(context.config()))?;
//! let shutdown = drydock::CancellationToken::new();
//! tokio::spawn(shutdown_on_signal(shutdown.clone()));
//! let report = worker.run(shutdown).await?;
//! println!("{} tasks finished", report.finished);
//! # Ok(()) }
//! ```

mod actions;
mod maintenance;
mod registry;
mod signal;

pub use registry::{
    ActionContext, ActionFuture, ActionHandler, ActionRefused, ORIGINAL_ACTIONS, admit_action,
    handled_actions,
};
pub use signal::shutdown_on_signal;

use std::sync::Arc;
use std::time::Duration;

use drydock_core::{CancellationToken, Error, FetchOptions, Resolver, Result};
use drydock_rules::ValidationConfig;
use drydock_store::{Claim, Store, Task, TaskAction, Uuid};
use tokio::task::JoinSet;

/// How a worker works.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct WorkerOptions {
    /// This worker's id (claims and the leader lease carry it).
    pub id: Uuid,
    /// The actions it takes (default: every registered handler's, built in `validate_design`).
    pub actions: Vec<TaskAction>,
    /// How long a claim holds without renewal (default 30 s; renewed every third of it).
    pub lease: Duration,
    /// Tasks run at once (default 2).
    pub concurrency: usize,
    /// How long to wait for work before looking again (default 5 s; PostgreSQL
    /// wakes the worker as soon as a task is queued).
    pub poll: Duration,
    /// A leader whose last ping is older than this is replaced (default 30 s).
    pub leader_grace: Duration,
    /// Claims of one task that may lapse before it is failed (default 3).
    pub max_attempts: u32,
    /// The leader deletes tasks older than this many days (default: none).
    pub retention_days: Option<u32>,
    /// On shutdown, how long running tasks may take before they are given back.
    pub shutdown_grace: Duration,
    /// Exit once nothing of its actions is queued and nothing runs, here or
    /// under another worker's claim (for batch runs and tests).
    pub exit_when_idle: bool,
    /// Bounds of every fetch.
    pub fetch: FetchOptions,
    /// The design rules' configuration (`[validation]`).
    pub validation: ValidationConfig,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            id: Uuid::now_v7(),
            actions: registry::handled_actions().to_vec(),
            lease: Duration::from_secs(30),
            concurrency: 2,
            poll: Duration::from_secs(5),
            leader_grace: Duration::from_secs(30),
            max_attempts: 3,
            retention_days: None,
            shutdown_grace: Duration::from_secs(30),
            exit_when_idle: false,
            fetch: FetchOptions::default(),
            validation: ValidationConfig::default(),
        }
    }
}

impl WorkerOptions {
    /// The defaults, with the configuration's `[fetch]` and `[validation]`.
    pub fn from_config(config: &crate::config::Config) -> Self {
        WorkerOptions {
            fetch: config.fetch_options(),
            validation: config.validation().clone(),
            ..WorkerOptions::default()
        }
    }
}

/// What a worker did before it stopped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkerReport {
    /// Tasks it finished.
    pub finished: u64,
    /// Tasks it gave back to the queue on shutdown.
    pub released: u64,
    /// Tasks it could not finish because its claim had lapsed.
    pub lost_claims: u64,
}

/// A worker over a store, resolving designs with a resolver and storing
/// each as a snapshot its task names (give the resolver the store as its
/// cache to share resolutions across the fleet).
#[derive(Clone, Debug)]
pub struct Worker {
    store: Store,
    resolver: Arc<Resolver>,
    options: Arc<WorkerOptions>,
}

impl Worker {
    /// A worker over `store`, resolving with `resolver` (shared: pass the
    /// program's one resolver as an `Arc`).
    pub fn new(store: Store, resolver: impl Into<Arc<Resolver>>, options: WorkerOptions) -> Self {
        Worker {
            store,
            resolver: resolver.into(),
            options: Arc::new(options),
        }
    }

    /// A worker over the context's store and its resolver; a context
    /// without a store is [`Error::Config`] about `[store]`.
    pub fn from_context(context: &crate::Context, options: WorkerOptions) -> Result<Self> {
        let store = context.store().ok_or_else(|| Error::Config {
            section: "store".into(),
            origin: context.config().origin(),
            reason: "a worker needs a store: build the context with Context::with_store".into(),
        })?;
        Ok(Worker::new(
            store.clone(),
            context.resolver().clone(),
            options,
        ))
    }

    /// The actions this build can run itself.
    pub fn runnable() -> &'static [TaskAction] {
        registry::handled_actions()
    }

    /// Works until `shutdown` is cancelled (or, with `exit_when_idle`, until
    /// nothing is left to do); then finishes or gives back what it runs and
    /// abdicates.
    pub async fn run(&self, shutdown: CancellationToken) -> Result<WorkerReport> {
        let o = &self.options;
        let actions: Vec<&str> = o.actions.iter().map(TaskAction::as_str).collect();
        tracing::info!(worker = %o.id, ?actions, "worker started");
        let heartbeat = maintenance::spawn(self.store.clone(), o.clone(), shutdown.child_token());
        let mut running: JoinSet<Outcome> = JoinSet::new();
        let mut report = WorkerReport::default();
        let claim = Claim::new(o.id, o.lease).of(&o.actions);
        let mut failure = None;
        let mut backoff = Duration::ZERO;
        while !shutdown.is_cancelled() {
            match self
                .step(&claim, &mut running, &mut report, &shutdown)
                .await
            {
                Ok(Step::Go) => backoff = Duration::ZERO,
                Ok(Step::Idle) => break,
                // The database restarts or the network blips: keep the
                // running tasks, wait, and ask again.
                Err(e) if e.is_retryable() => {
                    backoff = (backoff * 2).clamp(STORE_RETRY_MIN, STORE_RETRY_MAX);
                    tracing::warn!(worker = %o.id, error = %e, retry_in = ?backoff, "the store did not answer; retrying");
                    tokio::select! {
                        _ = shutdown.cancelled() => {}
                        _ = tokio::time::sleep(backoff) => {}
                    }
                }
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        self.stop(&mut running, &mut report).await;
        heartbeat.finish(&self.store, o.id).await;
        tracing::info!(worker = %o.id, finished = report.finished, released = report.released, "worker stopped");
        match failure {
            // Claims given back and leadership abdicated first, as on SIGTERM.
            Some(e) => Err(e.into()),
            None => Ok(report),
        }
    }

    /// One turn of the loop: claim what there is room for, else wait for a
    /// task to end, for work, or for the shutdown.
    async fn step(
        &self,
        claim: &Claim,
        running: &mut JoinSet<Outcome>,
        report: &mut WorkerReport,
        shutdown: &CancellationToken,
    ) -> std::result::Result<Step, drydock_store::StoreError> {
        let o = &self.options;
        while let Some(done) = running.try_join_next() {
            tally(report, done);
        }
        let free = o.concurrency.max(1).saturating_sub(running.len());
        let claimed = if free > 0 {
            self.store.claim_tasks(claim, free as u32).await?
        } else {
            Vec::new()
        };
        for task in claimed.iter().cloned() {
            let worker = self.clone();
            running.spawn(async move { worker.work(task).await });
        }
        if !claimed.is_empty() {
            return Ok(Step::Go);
        }
        if running.is_empty() && o.exit_when_idle && self.idle().await? {
            return Ok(Step::Idle);
        }
        tokio::select! {
            _ = shutdown.cancelled() => {}
            done = running.join_next(), if !running.is_empty() => {
                if let Some(done) = done {
                    tally(report, done);
                }
            }
            waited = self.store.wait_for_work(&o.actions, o.poll), if running.len() < o.concurrency.max(1) => {
                waited?;
            }
        }
        Ok(Step::Go)
    }

    /// Nothing of this worker's actions is queued, and nothing runs: not here,
    /// nor under another worker's claim (which may lapse and come back).
    async fn idle(&self) -> std::result::Result<bool, drydock_store::StoreError> {
        let actions = &self.options.actions;
        if self.store.wait_for_work(actions, Duration::ZERO).await? {
            return Ok(false);
        }
        let running = drydock_store::TaskFilter {
            statuses: vec![drydock_store::TaskStatus::Running],
            actions: actions.clone(),
            limit: Some(1),
        };
        Ok(self.store.list_tasks(&running).await?.is_empty())
    }

    /// Finishes what runs within the grace period, gives the rest back.
    async fn stop(&self, running: &mut JoinSet<Outcome>, report: &mut WorkerReport) {
        let grace = tokio::time::sleep(self.options.shutdown_grace);
        tokio::pin!(grace);
        while !running.is_empty() {
            tokio::select! {
                done = running.join_next() => match done {
                    Some(done) => tally(report, done),
                    None => break,
                },
                _ = &mut grace => break,
            }
        }
        running.abort_all();
        while let Some(done) = running.join_next().await {
            tally(report, done);
        }
        let running_tasks = drydock_store::TaskFilter {
            statuses: vec![drydock_store::TaskStatus::Running],
            ..Default::default()
        };
        if let Ok(tasks) = self.store.list_tasks(&running_tasks).await {
            for task in tasks
                .iter()
                .filter(|t| t.claimed_by == Some(self.options.id))
            {
                if self
                    .store
                    .release_task(task.task_id, self.options.id)
                    .await
                    .unwrap_or(false)
                {
                    report.released += 1;
                }
            }
        }
    }

    /// Runs one claimed task to its end.
    async fn work(self, task: Task) -> Outcome {
        let id = task.task_id;
        let span = tracing::info_span!("task", task = %id, action = task.action.as_str());
        let outcome = {
            use tracing::Instrument as _;
            actions::run(&self.store, &self.resolver, &self.options, task)
                .instrument(span)
                .await
        };
        match outcome {
            Ok(()) => Outcome::Finished,
            Err(drydock_store::StoreError::Conflict { .. }) => {
                tracing::warn!(task = %id, "the claim lapsed before the task finished: another worker runs it");
                Outcome::LostClaim
            }
            Err(e) => {
                tracing::error!(task = %id, error = %e, "the task could not be finished; its lease will lapse and it will be retried");
                Outcome::Failed
            }
        }
    }
}

/// The first wait after the store failed to answer; it doubles up to
/// [`STORE_RETRY_MAX`].
const STORE_RETRY_MIN: Duration = Duration::from_millis(250);
/// The longest wait between two attempts to reach the store.
const STORE_RETRY_MAX: Duration = Duration::from_secs(10);

/// What the loop does after a step.
enum Step {
    /// Carry on.
    Go,
    /// `exit_when_idle` and nothing is left.
    Idle,
}

/// How one task ended, for the report.
#[derive(Debug)]
enum Outcome {
    Finished,
    LostClaim,
    Failed,
}

fn tally(report: &mut WorkerReport, done: std::result::Result<Outcome, tokio::task::JoinError>) {
    match done {
        Ok(Outcome::Finished) => report.finished += 1,
        Ok(Outcome::LostClaim) => report.lost_claims += 1,
        Ok(Outcome::Failed) | Err(_) => {}
    }
}

#[cfg(test)]
mod tests;
