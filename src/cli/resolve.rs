//! `drydock resolve` and `drydock validate`: fetch, ingest, judge, report
//! (and, for `resolve --store`, store).

use clap::Args;
use drydock::{ResolveOptions, Status};

use super::settings::{ConfigArgs, FetchArgs, Settings};
use super::{EXIT_INVALID, EXIT_OK, EXIT_STORE};
use super::{output, store};

/// What both subcommands take: the reference and how to judge it.
#[derive(Debug, Args)]
pub struct JudgeArgs {
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

    /// Judge the design by its schemas only: skip the design rules (the
    /// original's 18 validate_design rules, configured in [validation]).
    #[arg(long)]
    schema_only: bool,

    #[command(flatten)]
    fetch: FetchArgs,
}

/// Arguments of `drydock resolve`.
#[derive(Debug, Args)]
pub struct ResolveArgs {
    #[command(flatten)]
    judge: JudgeArgs,

    /// Store the resolved design as a snapshot. Without a value: the store
    /// named by DRYDOCK_STORE, else [store] url in the configuration, else the
    /// embedded SQLite store ($XDG_DATA_HOME/drydock/drydock.db, else
    /// ~/.local/share/drydock/drydock.db). Or give a URL such as
    /// sqlite:///var/lib/drydock.db or postgres://user@host/db.
    /// An invalid design is stored too (with its report), so it can be inspected.
    #[arg(long, value_name = "URL", num_args = 0..=1, default_missing_value = "")]
    store: Option<String>,
}

/// Arguments of `drydock validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    judge: JudgeArgs,
}

/// `drydock resolve`: resolves, prints, stores if asked; returns the exit status.
pub async fn run(config: &ConfigArgs, args: ResolveArgs) -> u8 {
    judge(config, args.judge, args.store).await
}

/// `drydock validate`: resolves and prints the report; never stores.
pub async fn validate(config: &ConfigArgs, args: ValidateArgs) -> u8 {
    judge(config, args.judge, None).await
}

async fn judge(config: &ConfigArgs, args: JudgeArgs, store_url: Option<String>) -> u8 {
    let settings = match Settings::load(config, &args.fetch) {
        Ok(settings) => settings,
        Err(err) => {
            output::print_error(&err);
            return output::exit_code(&err);
        }
    };
    let mut options = ResolveOptions::default().with_fetch(settings.fetch.clone());
    options = if args.schema_only {
        options.schema_only()
    } else {
        options.with_validation(settings.validation.clone())
    };
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
    let snapshot = match &store_url {
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
