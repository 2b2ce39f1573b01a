//! `drydock config`: the effective configuration.

use clap::Args;

use drydock::config::Config;

use super::{EXIT_CONFIG, EXIT_OK, output};

/// Arguments of `drydock config`.
#[derive(Debug, Args)]
pub struct ConfigCmdArgs {
    /// Print JSON instead of TOML.
    #[arg(long)]
    json: bool,
}

/// Prints the effective configuration: every section with its defaults
/// filled in, each linked driver's options, secrets as `***`. The
/// configuration was loaded and checked as for every other command.
pub fn run(config: &Config, args: &ConfigCmdArgs) -> u8 {
    let tree = match config.effective() {
        Ok(tree) => tree,
        Err(err) => {
            output::print_error(&err);
            return EXIT_CONFIG;
        }
    };
    let origin = config.origin();
    if args.json {
        outln!("{tree}");
        return EXIT_OK;
    }
    outln!("# drydock configuration, from {}", output::safe(&origin));
    let store = super::store::resolve_url("", config);
    let from = if config.env().get(super::store::STORE_ENV).is_some() {
        super::store::STORE_ENV
    } else if config.store_url().is_some() {
        "[store] url"
    } else {
        "the default"
    };
    outln!(
        "# store in effect: {} ({from}; --store overrides it per command)",
        output::safe(&drydock::store::redact_url(&store))
    );
    match toml::to_string_pretty(&output::without_nulls(tree)) {
        Ok(text) => out!("{text}"),
        Err(err) => {
            errln!("error: cannot print the configuration as TOML: {err}");
            return EXIT_CONFIG;
        }
    }
    EXIT_OK
}
