//! `drydock task`: create, list, show and delete tasks, with the original
//! CLI's verbs and options; `task builddata`.

use std::time::Duration;

use clap::{Args, Subcommand};
use drydock::store::{
    BuildDataScope, NewTask, ResultStatus, Store, TaskAction, TaskFilter, TaskStatus, Uuid,
};

use super::compat::{self, Format};
use super::store::StoreArg;
pub use super::task_out::{print_task, print_tasks};
use super::{EXIT_FAILURE, EXIT_INVALID, EXIT_OK, EXIT_STORE, output, reference, store};
use drydock::config::Config;

/// Arguments of `drydock task`.
#[derive(Debug, Args)]
pub struct TaskArgs {
    #[command(subcommand)]
    pub(super) command: TaskCommand,
}

#[derive(Debug, Subcommand)]
pub(super) enum TaskCommand {
    /// Queue a task: `drydock task create -a validate_design -d REF`.
    Create(CreateArgs),
    /// List tasks, oldest first.
    List(ListArgs),
    /// Show a task with its result messages in sequence order.
    Show(ShowArgs),
    /// Delete tasks (and their subtasks and messages) older than N days.
    Delete(DeleteArgs),
    /// The build data a task collected.
    Builddata(BuilddataArgs),
}

/// Arguments of `drydock task create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The action, as the original names it (validate_design, prepare_nodes, deploy_nodes, …).
    #[arg(short = 'a', long = "action", value_name = "ACTION")]
    pub(super) action: TaskAction,
    /// The design reference (a plain path means its file:// URI). Stored
    /// without credentials (a password, a token parameter): the worker
    /// fetches it with its own (--token / DRYDOCK_TOKEN, OS_*, [drivers]).
    #[arg(short = 'd', long = "design-ref", value_name = "REF")]
    pub(super) design_ref: String,
    /// Only these nodes (comma-separated).
    #[arg(short = 'n', long = "node-names", value_delimiter = ',')]
    pub(super) node_names: Vec<String>,
    /// Only nodes in these racks (comma-separated).
    #[arg(short = 'r', long = "rack-names", value_delimiter = ',')]
    pub(super) rack_names: Vec<String>,
    /// Only nodes with these tags (comma-separated).
    #[arg(short = 't', long = "node-tags", value_delimiter = ',')]
    pub(super) node_tags: Vec<String>,
    /// Wait until the task is complete, then show it (exit 1 if it failed).
    #[arg(short = 'b', long, overrides_with = "no_block")]
    pub(super) block: bool,
    /// Do not wait (the default).
    #[arg(long, overrides_with = "block")]
    pub(super) no_block: bool,
    /// With --block: how often to look at the task, in seconds (default: twice a second).
    #[arg(long, value_name = "SECONDS")]
    pub(super) poll_interval: Option<u64>,
    /// With --block: give up waiting after this long.
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = super::settings::parse_duration)]
    pub(super) block_timeout: Duration,
    #[command(flatten)]
    pub(super) store: StoreArg,
    /// Print the task as the original API's JSON.
    #[arg(long)]
    pub(super) json: bool,
}

/// Arguments of `drydock task list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only tasks with this status (repeatable): queued, running, complete, …
    #[arg(long, value_name = "STATUS", value_parser = known_status)]
    pub(super) status: Vec<TaskStatus>,
    /// Only tasks doing this action (repeatable).
    #[arg(long, value_name = "ACTION")]
    pub(super) action: Vec<TaskAction>,
    /// At most this many.
    #[arg(long, default_value_t = 1000)]
    pub(super) limit: u32,
    #[command(flatten)]
    pub(super) store: StoreArg,
    /// Print a JSON array of tasks in the original API's shape.
    #[arg(long)]
    pub(super) json: bool,
}

/// Arguments of `drydock task show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The task's id (`-t ID` as in the original works too).
    #[arg(value_name = "ID", required_unless_present = "task")]
    pub(super) id: Option<Uuid>,
    #[arg(short = 't', long = "task-id", value_name = "ID", hide = true)]
    pub(super) task: Option<Uuid>,
    /// Wait until the task is complete before showing it.
    #[arg(short = 'b', long, overrides_with = "no_block")]
    pub(super) block: bool,
    /// Do not wait (the default).
    #[arg(long, overrides_with = "block")]
    pub(super) no_block: bool,
    /// With --block: give up waiting after this long.
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = super::settings::parse_duration)]
    pub(super) block_timeout: Duration,
    #[command(flatten)]
    pub(super) store: StoreArg,
    /// Print the task as the original API's JSON.
    #[arg(long)]
    pub(super) json: bool,
}

/// Arguments of `drydock task delete`.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Delete tasks created more than this many days ago.
    #[arg(short = 'd', long, value_name = "N")]
    pub(super) days: u32,
    #[command(flatten)]
    pub(super) store: StoreArg,
    /// Print `{"deleted": N}`.
    #[arg(long)]
    pub(super) json: bool,
}

/// Arguments of `drydock task builddata`.
#[derive(Debug, Args)]
pub struct BuilddataArgs {
    /// The task's id.
    #[arg(value_name = "ID", required_unless_present = "task")]
    pub(super) id: Option<Uuid>,
    #[arg(short = 't', long = "task-id", value_name = "ID", hide = true)]
    pub(super) task: Option<Uuid>,
    #[command(flatten)]
    pub(super) store: StoreArg,
    /// Output format: yaml (the default, as the original) or json.
    #[arg(short = 'o', long, value_enum, default_value = "yaml")]
    pub(super) output: Format,
    /// Print a JSON array (as `-o json`).
    #[arg(long)]
    pub(super) json: bool,
}

async fn open(config: &Config, arg: &StoreArg, write: bool, json: bool) -> Result<Store, u8> {
    let url = arg.url(config);
    let opened = if write {
        store::open_for_writing(&url).await
    } else {
        store::open_existing(&url).await
    };
    opened.map_err(|err| {
        output::report_error(&drydock::Error::from(err), json, None);
        EXIT_STORE
    })
}

/// A status a user typed: a known one, or a usage error naming them all.
fn known_status(s: &str) -> Result<TaskStatus, String> {
    TaskStatus::known(s).map_err(|e| e.to_string())
}

fn store_failed(err: drydock::store::StoreError, json: bool) -> u8 {
    let code = store::exit_code(&err);
    output::report_error(&drydock::Error::from(err), json, None);
    code
}

/// Runs the subcommand.
pub async fn run(config: &Config, args: TaskArgs) -> u8 {
    match args.command {
        TaskCommand::Create(a) => create(config, a).await,
        TaskCommand::List(a) => list(config, a).await,
        TaskCommand::Show(a) => show(config, a).await,
        TaskCommand::Delete(a) => delete(config, a).await,
        TaskCommand::Builddata(a) => builddata(config, a).await,
    }
}

/// The original CLI's node filter: a union of the names, racks and tags given.
pub(super) fn node_filter(a: &CreateArgs) -> Option<serde_json::Value> {
    let mut set = serde_json::Map::new();
    set.insert("filter_type".into(), "union".into());
    for (key, values) in [
        ("node_names", &a.node_names),
        ("rack_names", &a.rack_names),
        ("node_tags", &a.node_tags),
    ] {
        if !values.is_empty() {
            set.insert(key.into(), serde_json::json!(values));
        }
    }
    (set.len() > 1).then(|| serde_json::json!({"filter_set_type": "union", "filter_set": [set]}))
}

async fn create(config: &Config, a: CreateArgs) -> u8 {
    let design = reference::from_arg(&a.design_ref);
    if let Err(err) = drydock::DesignRef::parse(&design) {
        output::report_error(&err, a.json, Some(&a.design_ref));
        return EXIT_FAILURE;
    }
    let external = &config.api().external_actions;
    if let Err(refused) = drydock::worker::admit_action(a.action.as_str(), external) {
        errln!("error: {}", output::safe(&refused.to_string()));
        return EXIT_FAILURE;
    }
    let store = match open(config, &a.store, true, a.json).await {
        Ok(store) => store,
        Err(code) => return code,
    };
    if drydock::store::stored_design_ref(&design) != design {
        // The tasks table keeps no credentials: say so, not silently.
        errln!(
            "warning: the design reference's credentials are not stored with the task; \
             the worker fetches it with its own (--token / DRYDOCK_TOKEN, OS_*, [drivers])"
        );
    }
    let creator = std::env::var("USER").unwrap_or_else(|_| "drydock-cli".into());
    let mut new = NewTask::new(a.action.clone())
        .with_design_ref(design)
        .with_created_by(creator);
    if let Some(filter) = node_filter(&a) {
        new = new.with_node_filter(filter);
    }
    let mut task = match store.create_task(&new).await {
        Ok(task) => task,
        Err(err) => return store_failed(err, a.json),
    };
    if a.block {
        let poll = a
            .poll_interval
            .map_or(Duration::from_millis(500), Duration::from_secs);
        task = match compat::wait_done(&store, task, poll, a.block_timeout).await {
            Ok(task) => task,
            Err(code) => {
                store.close().await;
                return code;
            }
        };
    }
    store.close().await;
    print_task(&task, a.json);
    match (a.block, &task.result.status) {
        (true, ResultStatus::Failure) => EXIT_INVALID,
        _ => EXIT_OK,
    }
}

async fn list(config: &Config, a: ListArgs) -> u8 {
    let store = match open(config, &a.store, false, a.json).await {
        Ok(store) => store,
        Err(code) => return code,
    };
    let filter = TaskFilter {
        statuses: a.status.clone(),
        actions: a.action.clone(),
        limit: Some(a.limit),
    };
    let listed = store.list_tasks(&filter).await;
    store.close().await;
    let tasks = match listed {
        Ok(tasks) => tasks,
        Err(err) => return store_failed(err, a.json),
    };
    print_tasks(&tasks, a.json);
    EXIT_OK
}

async fn show(config: &Config, a: ShowArgs) -> u8 {
    let Some(id) = a.id.or(a.task) else {
        return EXIT_FAILURE;
    };
    let store = match open(config, &a.store, false, a.json).await {
        Ok(store) => store,
        Err(code) => return code,
    };
    let mut found = store.get_task(id).await;
    if a.block
        && let Ok(task) = found
    {
        let poll = Duration::from_millis(500);
        found = match compat::wait_done(&store, task, poll, a.block_timeout).await {
            Ok(task) => Ok(task),
            Err(code) => {
                store.close().await;
                return code;
            }
        };
    }
    store.close().await;
    match found {
        Ok(task) => {
            print_task(&task, a.json);
            EXIT_OK
        }
        Err(err) => store_failed(err, a.json),
    }
}

async fn delete(config: &Config, a: DeleteArgs) -> u8 {
    let store = match open(config, &a.store, true, a.json).await {
        Ok(store) => store,
        Err(code) => return code,
    };
    let deleted = store.delete_tasks_older_than(a.days).await;
    store.close().await;
    match deleted {
        Ok(n) if a.json => {
            outln!("{}", serde_json::json!({ "deleted": n }));
            EXIT_OK
        }
        Ok(n) => {
            outln!(
                "deleted {n} task(s) created more than {} day(s) ago",
                a.days
            );
            EXIT_OK
        }
        Err(err) => store_failed(err, a.json),
    }
}

async fn builddata(config: &Config, a: BuilddataArgs) -> u8 {
    let Some(id) = a.id.or(a.task) else {
        return EXIT_FAILURE;
    };
    let store = match open(config, &a.store, false, a.json).await {
        Ok(store) => store,
        Err(code) => return code,
    };
    let found = store.build_data(&BuildDataScope::Task(id), false).await;
    store.close().await;
    match found {
        Ok(data) => {
            let format = if a.json { Format::Json } else { a.output };
            super::node::print_build_data(&data, format);
            EXIT_OK
        }
        Err(err) => store_failed(err, a.json),
    }
}
