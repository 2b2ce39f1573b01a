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
/// filled in, each linked driver's options, secrets as `***`, and where
/// each value came from (`--json`: a `sources` member, by dotted path). The
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
        let mut shown = tree;
        let sources = serde_json::to_value(config.sources_of(&shown));
        if let (Some(map), Ok(sources)) = (shown.as_object_mut(), sources) {
            map.insert("sources".into(), sources);
        }
        outln!("{shown}");
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
    outln!("# after each value: where it came from (default, file, environment variable, flag)");
    let text = toml::to_string_pretty(&output::without_nulls(tree))
        .map_err(|e| e.to_string())
        .and_then(|text| {
            text.parse::<toml_edit::DocumentMut>()
                .map_err(|e| e.to_string())
        });
    match text {
        Ok(mut doc) => {
            annotate(doc.as_table_mut(), "", config);
            out!("{doc}");
        }
        Err(err) => {
            errln!("error: cannot print the configuration as TOML: {err}");
            return EXIT_CONFIG;
        }
    }
    EXIT_OK
}

/// Writes after each value of `table` (at dotted `path`) where it came from.
fn annotate(table: &mut toml_edit::Table, path: &str, config: &Config) {
    for (key, item) in table.iter_mut() {
        let here = if path.is_empty() {
            key.get().to_owned()
        } else {
            format!("{path}.{}", key.get())
        };
        match item {
            toml_edit::Item::Table(inner) => annotate(inner, &here, config),
            toml_edit::Item::ArrayOfTables(tables) => {
                for inner in tables.iter_mut() {
                    annotate(inner, &here, config);
                }
            }
            toml_edit::Item::Value(value) => {
                let from = config.source_of(&here).to_string();
                value
                    .decor_mut()
                    .set_suffix(format!("  # {}", output::safe(&from)));
            }
            toml_edit::Item::None => {}
        }
    }
}
