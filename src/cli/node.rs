//! `drydock node builddata NAME [--latest]`: a node's build history.

use clap::{Args, Subcommand};
use drydock::store::{BuildData, BuildDataScope, Uuid};

use super::store::StoreArg;
use super::{EXIT_OK, EXIT_STORE, output, store};
use drydock::config::Config;

/// Arguments of `drydock node`.
#[derive(Debug, Args)]
pub struct NodeArgs {
    #[command(subcommand)]
    command: NodeCommand,
}

#[derive(Debug, Subcommand)]
enum NodeCommand {
    /// A node's build data, newest first (it survives the node's redeploys).
    Builddata(BuilddataArgs),
}

/// Arguments of `drydock node builddata`.
#[derive(Debug, Args)]
pub struct BuilddataArgs {
    /// The node's name.
    name: String,
    /// Only the newest element per generator.
    #[arg(long)]
    latest: bool,
    /// Only what this task collected.
    #[arg(long, value_name = "ID")]
    task: Option<Uuid>,
    #[command(flatten)]
    store: StoreArg,
    /// Print a JSON array.
    #[arg(long)]
    json: bool,
}

/// Runs the subcommand.
pub async fn run(config: &Config, args: NodeArgs) -> u8 {
    let NodeCommand::Builddata(a) = args.command;
    let url = a.store.url(config);
    let opened = match store::open_existing(&url).await {
        Ok(opened) => opened,
        Err(err) => {
            output::report_error(&drydock::Error::from(err), a.json, None);
            return EXIT_STORE;
        }
    };
    let scope = match a.task {
        Some(task) => BuildDataScope::NodeAndTask(a.name.clone(), task),
        None => BuildDataScope::Node(a.name.clone()),
    };
    let found = opened.build_data(&scope, a.latest).await;
    opened.close().await;
    match found {
        Ok(data) => {
            print_build_data(&data, a.json);
            EXIT_OK
        }
        Err(err) => {
            let code = store::exit_code(&err);
            output::report_error(&drydock::Error::from(err), a.json, None);
            code
        }
    }
}

/// Prints build data: JSON, or one block per element.
pub fn print_build_data(data: &[BuildData], json: bool) {
    if json {
        outln!(
            "{}",
            serde_json::to_string(data).unwrap_or_else(|_| "[]".into())
        );
        return;
    }
    if data.is_empty() {
        errln!("no build data");
    }
    for d in data {
        outln!(
            "{}  node {}  task {}  {} ({})",
            d.collected_date.to_rfc3339(),
            output::safe(&d.node_name),
            d.task_id,
            output::safe(&d.generator),
            output::safe(&d.data_format)
        );
        for line in d.data_element.lines() {
            outln!("    {}", output::safe(line));
        }
    }
}
