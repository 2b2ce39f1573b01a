//! Argument parsing and dispatch for the `drydock` binary.

/// Like `print!`, through [`stdout`]: never panics, a failure is remembered.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::stdout::write_fmt(format_args!($($arg)*))
    };
}

/// Like `eprintln!`, but a stderr that cannot be written is ignored (no panic).
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        // What stdout holds comes first, as it would unbuffered.
        $crate::cli::stdout::flush();
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// Like `println!`, through [`stdout`]: never panics, a failure is remembered.
macro_rules! outln {
    () => {
        $crate::cli::stdout::write_fmt(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::stdout::write_fmt(format_args!("{}\n", format_args!($($arg)*)))
    };
}

mod admin;
mod bootaction;
mod compat;
mod config_cmd;
mod import;
mod json_out;
mod logging;
mod node;
mod node_list;
mod output;
mod reference;
mod remote;
mod remote_cmd;
mod resolve;
mod schemes;
mod serve;
mod settings;
mod snapshots;
mod sorted_json;
pub mod stdout;
mod store;
mod task;
mod task_out;
mod worker;

use clap::{Parser, Subcommand};
use drydock::config::Config;

/// Exit status: the design resolved and is valid.
pub const EXIT_OK: u8 = 0;
/// Exit status: the design resolved but its validation report is a failure.
pub const EXIT_INVALID: u8 = 1;
/// Exit status: bad reference, the fetch or ingestion failed, or stdout could not be written.
pub const EXIT_FAILURE: u8 = 2;
/// Exit status: the store could not be opened, read or written.
pub const EXIT_STORE: u8 = 3;
/// Exit status: the configuration (file, environment or a flag's value) is unusable.
pub const EXIT_CONFIG: u8 = 4;
/// Exit status: what was asked for (a task, a snapshot, a node's build data)
/// is not in the store.
pub const EXIT_NOT_FOUND: u8 = 5;
/// Exit status: the command line itself is wrong (unknown flag, missing argument).
pub const EXIT_USAGE: u8 = 64;

const AFTER_HELP: &str = "\
Exit status: 0 the design is valid, 1 the design is invalid (see the report),
2 bad reference, fetch/ingest failure or output that could not be written,
3 the store could not be used, 4 the configuration is unusable, 64 the
command line is wrong. A closed pipe on stdout ends the command quietly.

Configuration: a TOML file (--config, DRYDOCK_CONFIG, else
$XDG_CONFIG_HOME/drydock/config.toml when present), then DRYDOCK__SECTION__KEY
environment overrides, then flags. `drydock config` prints the result.

Examples:
  drydock resolve file:///srv/designs/site.yaml
  drydock resolve https://user:pass@designs.example/site.yaml --json
  drydock resolve file:///srv/designs/site.yaml --store          # into the default SQLite store
  drydock snapshots file:///srv/designs/site.yaml
  drydock schemes --json                                         # drivers, schemes, options
  drydock config";

/// Resolve bare-metal site designs (Airship Drydock design references) and
/// ingest them into Drydock's site-design model.
#[derive(Debug, Parser)]
#[command(name = "drydock", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    /// Log what happens on stderr: -v for each step with its duration,
    /// retries and decisions; -vv for more.
    /// (Warnings, e.g. about disabled TLS verification, are always shown.)
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,

    /// As -v (the original CLI's spelling); --no-debug turns it off.
    #[arg(long, global = true, hide = true, overrides_with = "no_debug")]
    debug: bool,
    #[arg(long, global = true, hide = true, overrides_with = "debug")]
    no_debug: bool,

    #[command(flatten)]
    config: settings::ConfigArgs,

    #[command(flatten)]
    remote: remote::RemoteArgs,

    #[command(subcommand)]
    command: Command,
}

impl Cli {
    /// Whether the command does one resolution and exits (`resolve`,
    /// `validate`): it may trade memory kept for time, since it ends soon.
    pub fn is_one_shot(&self) -> bool {
        matches!(self.command, Command::Resolve(_) | Command::Validate(_))
    }

    /// Sends log lines to stderr at the level `--verbose` asks for: step
    /// lines for a command, `key=value` lines for a service ([`logging`]).
    pub fn init_logging(&self) {
        let verbose = if self.debug {
            self.verbose.max(1)
        } else {
            self.verbose
        };
        let service = matches!(self.command, Command::Serve(_) | Command::Worker(_));
        logging::init(verbose, service);
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Fetch a design reference, ingest it, run the design rules and print what
    /// was found; --store keeps it as a snapshot.
    Resolve(Box<resolve::ResolveArgs>),
    /// Fetch, ingest and judge a design reference (schemas and the design
    /// rules, as validate_design does); prints the report, never stores.
    Validate(Box<resolve::ValidateArgs>),
    /// List the drivers (with their URI schemes and options) and ingesters this build knows.
    Schemes(schemes::SchemesArgs),
    /// The stored resolutions: list them, show one, or diff two
    /// (`drydock snapshots REF` lists a reference's).
    Snapshots(snapshots::SnapshotsArgs),
    /// Print the effective configuration (file, environment, defaults), secrets as ***.
    Config(config_cmd::ConfigCmdArgs),
    /// Tasks, as the original names them: create, list, show, delete, builddata.
    Task(task::TaskArgs),
    /// A node's build data.
    Node(node::NodeArgs),
    /// Boot actions: arm a node for a task, render what a node gets, see what nodes reported.
    Bootaction(bootaction::BootactionArgs),
    /// Run tasks: claim them from the store and run validate_design (many
    /// workers may share one PostgreSQL; one leads maintenance).
    Worker(Box<worker::WorkerArgs>),
    /// Who leads the workers (the active-instance lease), since when, last ping.
    Leader(admin::LeaderArgs),
    /// The store itself: migrate it, see whether it answers and what it
    /// holds, or import an original Drydock database into it.
    Store(admin::StoreCmdArgs),
    /// The original's design commands: gone; says what replaced them.
    #[command(hide = true)]
    Design(compat::DesignArgs),
    /// Serve the original Drydock's REST API (/api/v1.0) with an in-process worker.
    Serve(Box<serve::ServeArgs>),
}

impl Command {
    /// The flags that override the configuration, for the commands that fetch.
    fn fetch_args(&self) -> Option<&settings::FetchArgs> {
        match self {
            Command::Resolve(args) => Some(args.fetch()),
            Command::Validate(args) => Some(args.fetch()),
            Command::Worker(args) => Some(args.fetch()),
            _ => None,
        }
    }
}

/// Runs the command and returns the exit status.
///
/// The configuration is loaded once, here, and checked the same way for
/// every command (`config` included): an unusable one is refused (exit 4)
/// rather than quietly replaced by the defaults.
pub async fn run(cli: Cli) -> u8 {
    if let Command::Schemes(args) = &cli.command {
        // Lists what this build links: reads no configuration.
        return schemes::run(args);
    }
    match cli.config.load(cli.command.fetch_args()) {
        Ok(config) => dispatch(config, cli.command, &cli.remote).await,
        Err(err) => match cli.command {
            // They report it their own way (`--json`).
            Command::Resolve(args) => resolve::run(Err(err), *args).await,
            Command::Validate(args) => resolve::validate(Err(err), *args).await,
            _ => {
                output::print_error(&err);
                output::exit_code(&err)
            }
        },
    }
}

async fn dispatch(config: Config, command: Command, remote: &remote::RemoteArgs) -> u8 {
    if let Command::Task(_) | Command::Node(_) = command {
        match remote.remote(config.env()) {
            Ok(None) => {}
            Ok(Some(api)) => {
                return match command {
                    Command::Task(args) => remote_cmd::task_run(&api, args).await,
                    Command::Node(args) => remote_cmd::node_run(&api, args).await,
                    _ => EXIT_USAGE,
                };
            }
            Err(e) => {
                errln!("error: {}", output::safe(&e));
                return EXIT_CONFIG;
            }
        }
    }
    match command {
        Command::Resolve(args) => resolve::run(Ok(config), *args).await,
        Command::Validate(args) => resolve::validate(Ok(config), *args).await,
        Command::Schemes(args) => schemes::run(&args),
        Command::Snapshots(args) => snapshots::run(&config, args).await,
        Command::Config(args) => config_cmd::run(&config, &args),
        Command::Task(args) => task::run(&config, args).await,
        Command::Node(args) => node::run(&config, args).await,
        Command::Bootaction(args) => bootaction::run(config, args).await,
        Command::Worker(args) => worker::run(config, *args).await,
        Command::Leader(args) => admin::leader(&config, args).await,
        Command::Store(args) => admin::store_cmd(&config, args).await,
        Command::Design(args) => compat::design(&args),
        Command::Serve(args) => serve::run(config, *args).await,
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    /// Every argument read from the environment, in every subcommand, hides
    /// the variable's value from `--help` (a token, a store URL with its
    /// password, whatever a future flag reads): found by walking the
    /// command tree, so a new subcommand or flag is covered as it is added.
    #[test]
    fn no_help_shows_an_environment_value() {
        fn walk(cmd: &clap::Command, path: &str, seen: &mut usize) {
            for arg in cmd.get_arguments() {
                if let Some(env) = arg.get_env() {
                    *seen += 1;
                    assert!(
                        arg.is_hide_env_values_set(),
                        "{path} --{}: [env: {env:?}] shows its value in --help",
                        arg.get_id()
                    );
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), seen);
            }
        }
        let mut cmd = super::Cli::command();
        cmd.build();
        let mut seen = 0;
        walk(&cmd, "drydock", &mut seen);
        assert!(
            seen >= 2,
            "DRYDOCK_CONFIG and DRYDOCK_TOKEN at least: {seen}"
        );
    }
}
