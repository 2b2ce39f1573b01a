//! `drydock worker`: claims tasks from the store and runs the ones this
//! build can run (`validate_design`); many workers share one PostgreSQL.

use std::time::Duration;

use clap::Args;
use drydock::config::Config;
use drydock::store::{TaskAction, Uuid};
use drydock::worker::{Worker, WorkerOptions, shutdown_on_signal};
use drydock::{CancellationToken, Context};

use super::settings::FetchArgs;
use super::store::StoreArg;
use super::{EXIT_CONFIG, EXIT_OK, EXIT_STORE, output, store};

/// Arguments of `drydock worker`.
#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// The actions to take (comma-separated); a worker takes only those it can
    /// run: validate_design. Tasks of other actions (prepare_nodes, deploy_nodes…,
    /// which need a node driver) stay queued for a worker that can.
    #[arg(long, value_delimiter = ',', default_value = "validate_design")]
    actions: Vec<TaskAction>,
    /// Tasks run at once.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=256))]
    concurrency: u16,
    /// How long a claim holds without renewal (renewed every third of it).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = super::settings::parse_duration)]
    lease: Duration,
    /// How long to wait for work before looking again (PostgreSQL wakes the worker at once).
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = super::settings::parse_duration)]
    poll: Duration,
    /// A leader silent for this long is replaced by another worker.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = super::settings::parse_duration)]
    leader_grace: Duration,
    /// A task whose claim lapsed this many times (its workers died) is failed.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    max_attempts: u32,
    /// As the leader, delete tasks older than this many days (hourly).
    #[arg(long, value_name = "DAYS")]
    retention_days: Option<u32>,
    /// On SIGTERM or Ctrl-C, how long running tasks may take before they go back to the queue.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = super::settings::parse_duration)]
    shutdown_grace: Duration,
    /// Stop once nothing is queued and nothing runs (here or under another
    /// worker's claim, which may lapse and come back to the queue).
    #[arg(long)]
    exit_when_idle: bool,
    /// This worker's id (default: a fresh one).
    #[arg(long, value_name = "UUID")]
    id: Option<Uuid>,
    #[command(flatten)]
    store: StoreArg,
    #[command(flatten)]
    fetch: FetchArgs,
}

impl WorkerArgs {
    /// The flags that override the configuration.
    pub fn fetch(&self) -> &FetchArgs {
        &self.fetch
    }
}

/// Runs the worker until SIGTERM, Ctrl-C, or (with --exit-when-idle) no
/// more work, over the process's one configuration, store and resolver.
pub async fn run(config: Config, args: WorkerArgs) -> u8 {
    let runnable = Worker::runnable();
    if let Some(other) = args.actions.iter().find(|a| !runnable.contains(a)) {
        errln!(
            "error: this worker cannot run {}: it needs a node driver (MAAS, IPMI)",
            other.as_str()
        );
        errln!(
            "hint: --actions validate_design; tasks of other actions stay queued for a worker that can run them"
        );
        return EXIT_CONFIG;
    }
    let url = args.store.url(&config);
    let opened = match store::open_for_service(&url).await {
        Ok(opened) => opened,
        Err(err) => {
            output::print_error(&drydock::Error::from(err));
            return EXIT_STORE;
        }
    };
    let context = Context::with_store(config, opened.clone());
    let mut options = WorkerOptions::from_config(context.config());
    if let Some(id) = args.id {
        options.id = id;
    }
    options.actions = args.actions.clone();
    options.concurrency = usize::from(args.concurrency);
    options.lease = args.lease;
    options.poll = args.poll;
    options.leader_grace = args.leader_grace;
    options.max_attempts = args.max_attempts;
    options.retention_days = args.retention_days;
    options.shutdown_grace = args.shutdown_grace;
    options.exit_when_idle = args.exit_when_idle;
    options.fetch = args.fetch.fetch_options(context.config());
    errln!(
        "worker {} on {}",
        options.id,
        output::safe(&drydock::store::redact_url(&url))
    );
    let worker = Worker::new(opened.clone(), context.resolver().clone(), options);
    let shutdown = CancellationToken::new();
    let signals = tokio::spawn(shutdown_on_signal(shutdown.clone()));
    let outcome = worker.run(shutdown).await;
    signals.abort();
    opened.close().await;
    match outcome {
        Ok(report) => {
            errln!(
                "worker stopped: {} task(s) finished, {} given back",
                report.finished,
                report.released
            );
            EXIT_OK
        }
        Err(err) => {
            output::print_error(&err);
            EXIT_STORE
        }
    }
}
