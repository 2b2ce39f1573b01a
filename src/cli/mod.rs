//! Argument parsing and dispatch for the `drydock` binary.

mod output;
mod resolve;
mod schemes;
mod snapshots;
mod store;

use clap::{Parser, Subcommand};

/// Exit status: the design resolved and is valid.
pub const EXIT_OK: u8 = 0;
/// Exit status: the design resolved but its validation report is a failure.
pub const EXIT_INVALID: u8 = 1;
/// Exit status: bad reference, or the fetch or ingestion failed.
pub const EXIT_FAILURE: u8 = 2;
/// Exit status: the store could not be opened, read or written.
pub const EXIT_STORE: u8 = 3;

const AFTER_HELP: &str = "\
Exit status: 0 the design is valid, 1 the design is invalid (see the report),
2 bad reference or fetch/ingest failure, 3 the store could not be used.

Examples:
  drydock resolve file:///srv/designs/site.yaml
  drydock resolve https://user:pass@designs.example/site.yaml --json
  drydock resolve file:///srv/designs/site.yaml --store          # into the default SQLite store
  drydock snapshots file:///srv/designs/site.yaml
  drydock schemes";

/// Resolve bare-metal site designs (Airship Drydock design references) and
/// ingest them into Drydock's site-design model.
#[derive(Debug, Parser)]
#[command(name = "drydock", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Fetch a design reference, ingest it and print what was found.
    Resolve(resolve::ResolveArgs),
    /// List the URI schemes and ingesters this build knows, with the crate providing each.
    Schemes(schemes::SchemesArgs),
    /// List the snapshots stored for a reference, newest first.
    Snapshots(snapshots::SnapshotsArgs),
}

/// Runs the command and returns the exit status.
pub async fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Resolve(args) => resolve::run(args).await,
        Command::Schemes(args) => schemes::run(&args),
        Command::Snapshots(args) => snapshots::run(&args).await,
    }
}
