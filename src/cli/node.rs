//! `drydock node builddata NAME [--latest/--no-latest]`: a node's build
//! history; `node list`: the nodes of the newest stored design.

use clap::{Args, Subcommand};
use drydock::store::{BuildData, BuildDataScope, Uuid};

use super::compat::{self, Format};
pub use super::node_list::ListArgs;
use super::store::StoreArg;
use super::{EXIT_OK, EXIT_STORE, output, store};
use drydock::config::Config;

/// Arguments of `drydock node`.
#[derive(Debug, Args)]
pub struct NodeArgs {
    #[command(subcommand)]
    pub(super) command: NodeCommand,
}

#[derive(Debug, Subcommand)]
pub(super) enum NodeCommand {
    /// A node's build data, newest first (it survives the node's redeploys).
    Builddata(BuilddataArgs),
    /// The nodes of the newest stored design, as the original's `node list`
    /// (hardware figures and power state unknown: drydock asks no MAAS).
    List(ListArgs),
}

/// Arguments of `drydock node builddata`.
#[derive(Debug, Args)]
pub struct BuilddataArgs {
    /// The node's name.
    pub(super) name: String,
    /// Only the newest element per generator (the default, as the original).
    #[arg(long, overrides_with = "no_latest")]
    pub(super) latest: bool,
    /// Every element, not only the newest per generator.
    #[arg(long, overrides_with = "latest")]
    pub(super) no_latest: bool,
    /// Only what this task collected.
    #[arg(long, value_name = "ID")]
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

/// Runs the subcommand.
pub async fn run(config: &Config, args: NodeArgs) -> u8 {
    let a = match args.command {
        NodeCommand::Builddata(a) => a,
        NodeCommand::List(a) => return super::node_list::run(config, &a).await,
    };
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
    let found = opened.build_data(&scope, !a.no_latest).await;
    opened.close().await;
    match found {
        Ok(data) => {
            print_build_data(&data, if a.json { Format::Json } else { a.output });
            EXIT_OK
        }
        Err(err) => {
            let code = store::exit_code(&err);
            output::report_error(&drydock::Error::from(err), a.json, None);
            code
        }
    }
}

/// Prints build data: a JSON array, or YAML as the original.
pub fn print_build_data(data: &[BuildData], format: Format) {
    let value = serde_json::to_value(data).unwrap_or_default();
    match format {
        Format::Json => outln!("{value}"),
        Format::Yaml => out!("{}", compat::yaml(&value)),
    }
}
