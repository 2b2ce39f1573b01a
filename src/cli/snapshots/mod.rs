//! `drydock snapshots`: the stored resolutions — list, show, diff.

mod diff;
mod list;
mod show;

use clap::{Args, Subcommand};

pub use super::store::StoreArg;
use drydock::config::Config;

/// Arguments of `drydock snapshots` (`drydock snapshots REF` lists, as
/// `drydock snapshots list REF` does).
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SnapshotsArgs {
    #[command(subcommand)]
    command: Option<SnapshotsCommand>,

    #[command(flatten)]
    list: list::ListArgs,
}

#[derive(Debug, Subcommand)]
enum SnapshotsCommand {
    /// List snapshots, newest first: of one reference, or of all.
    List(list::ListArgs),
    /// Show one snapshot: its fetch, its report, its design counts.
    Show(show::ShowArgs),
    /// What changed between two snapshots: items added, removed and changed
    /// per kind with each field's old → new value, and the validation change.
    Diff(diff::DiffArgs),
}

/// Runs the subcommand.
pub async fn run(config: &Config, args: SnapshotsArgs) -> u8 {
    match args.command {
        None => list::run(config, &args.list).await,
        Some(SnapshotsCommand::List(list)) => list::run(config, &list).await,
        Some(SnapshotsCommand::Show(show)) => show::run(config, &show).await,
        Some(SnapshotsCommand::Diff(diff)) => diff::run(config, &diff).await,
    }
}
