//! `drydock resolve`: fetch, ingest, report (and optionally store).

use clap::Args;
use drydock::{ResolveOptions, Status};

use super::settings::{ConfigArgs, FetchArgs, Settings};
use super::{EXIT_INVALID, EXIT_OK, EXIT_STORE};
use super::{output, store};

/// Arguments of `drydock resolve`.
#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The design reference: a URI such as file:///abs/path/site.yaml or
    /// https://user:pass@host/site.yaml (`drydock schemes` lists the schemes).
    /// Credentials in the URI are used but never printed.
    reference: String,

    /// Ingest with this ingester instead of detecting the format
    /// (`drydock schemes` lists them).
    #[arg(long, value_name = "NAME")]
    ingester: Option<String>,

    /// Print one JSON object (reference, fetch, summary, report, design) on stdout.
    #[arg(long)]
    json: bool,

    /// Store the resolved design as a snapshot. Without a value: the store
    /// named by DRYDOCK_STORE, else [store] url in the configuration, else the
    /// embedded SQLite store ($XDG_DATA_HOME/drydock/drydock.db, else
    /// ~/.local/share/drydock/drydock.db). Or give a URL such as
    /// sqlite:///var/lib/drydock.db or postgres://user@host/db.
    /// An invalid design is stored too (with its report), so it can be inspected.
    #[arg(long, value_name = "URL", num_args = 0..=1, default_missing_value = "")]
    store: Option<String>,

    #[command(flatten)]
    fetch: FetchArgs,
}

/// Resolves the reference and prints the outcome; returns the exit status.
pub async fn run(config: &ConfigArgs, args: ResolveArgs) -> u8 {
    let settings = match Settings::load(config, &args.fetch) {
        Ok(settings) => settings,
        Err(err) => {
            output::print_error(&err);
            return output::exit_code(&err);
        }
    };
    let mut options = ResolveOptions::default().with_fetch(settings.fetch.clone());
    if let Some(name) = args.ingester {
        options = options.with_ingester(name);
    }
    let progress = output::Progress::start(&format!(
        "resolving {}",
        output::safe(&drydock::redact_str(&args.reference))
    ));
    let outcome = settings.resolver.resolve(&args.reference, &options).await;
    progress.finish();
    let resolved = match outcome {
        Ok(resolved) => resolved,
        Err(err) => {
            output::print_error(&err);
            return output::exit_code(&err);
        }
    };
    let snapshot = match &args.store {
        Some(url) => {
            let url = store::resolve_url(url, &settings.config);
            match store::save(&url, &resolved).await {
                Ok(saved) => Some(saved),
                Err(err) => {
                    store::print_error(&err);
                    return EXIT_STORE;
                }
            }
        }
        None => None,
    };
    if args.json {
        output::print_json(&resolved, snapshot.as_ref());
    } else {
        output::print_human(&resolved);
        if let Some(saved) = &snapshot {
            store::print_saved(saved);
        }
    }
    match resolved.ingested.report.status {
        Status::Success => EXIT_OK,
        Status::Failure => EXIT_INVALID,
    }
}
