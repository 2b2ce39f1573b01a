//! `drydock resolve` and `drydock validate`: fetch, ingest, judge, report
//! (and, for `resolve --store`, store).

use clap::Args;
use drydock::config::Config;
use drydock::{Context, ResolveOptions, Status};

use super::settings::FetchArgs;
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
    /// The store is also a cache: an immutable reference (a Deckhand revision,
    /// a pinned --expect-digest) is served from it without a request, a
    /// mutable one revalidated (ETag / Last-Modified, or the same digest)
    /// without ingesting again. `fetch.cache` in --json says which.
    #[arg(long, value_name = "URL", num_args = 0..=1, default_missing_value = "")]
    store: Option<String>,

    /// With --store: fetch and ingest even if the store holds the design
    /// (the result is still stored).
    #[arg(long, requires = "store")]
    no_cache: bool,
}

/// Arguments of `drydock validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    judge: JudgeArgs,
}

impl ResolveArgs {
    /// The flags that override the configuration.
    pub fn fetch(&self) -> &FetchArgs {
        &self.judge.fetch
    }
}

impl ValidateArgs {
    /// The flags that override the configuration.
    pub fn fetch(&self) -> &FetchArgs {
        &self.judge.fetch
    }
}

/// `drydock resolve`: resolves, prints, stores if asked; returns the exit
/// status. `config` is the process's configuration, or why it is unusable.
pub async fn run(config: drydock::Result<Config>, args: ResolveArgs) -> u8 {
    judge(config, args.judge, args.store, args.no_cache).await
}

/// `drydock validate`: resolves and prints the report; never stores.
pub async fn validate(config: drydock::Result<Config>, args: ValidateArgs) -> u8 {
    judge(config, args.judge, None, false).await
}

async fn judge(
    config: drydock::Result<Config>,
    args: JudgeArgs,
    store_url: Option<String>,
    no_cache: bool,
) -> u8 {
    let json = args.json;
    let fail = |err: &drydock::Error| {
        output::report_error(err, json, Some(&args.reference));
        output::exit_code(err)
    };
    let config = match config {
        Ok(config) => config,
        Err(err) => return fail(&err),
    };
    let fetch = args.fetch.fetch_options(&config);
    let mut store = None;
    let context = match &store_url {
        None => Context::new(config),
        Some(url) => {
            let url = store::resolve_url(url, &config);
            match store::open_for_writing(&url).await {
                Ok(opened) => {
                    store = Some((url, opened.clone()));
                    Context::with_store(config, opened)
                }
                Err(err) => {
                    return {
                        output::report_error(
                            &drydock::Error::from(err),
                            json,
                            Some(&args.reference),
                        );
                        EXIT_STORE
                    };
                }
            }
        }
    };
    let resolver = context.resolver();
    let mut options = ResolveOptions::default().with_fetch(fetch);
    if no_cache {
        options = options.without_cache();
    }
    options = if args.schema_only {
        options.schema_only()
    } else {
        options.with_check(context.rules().clone())
    };
    if let Some(name) = args.ingester {
        options = options.with_ingester(name);
    }
    let progress = output::Progress::start(&format!(
        "resolving {}",
        output::safe(&drydock::redact_str(&args.reference))
    ));
    if let Some(on_progress) = progress.on_progress() {
        options.fetch = options.fetch.with_progress(on_progress);
    }
    // With --json and no spinner on the terminal, the design (most of the
    // output) is printed as soon as it is ingested, while the rules run.
    if json && !progress.shown() {
        options = options.with_reader(super::json_out::design_reader());
    }
    let given = super::reference::from_arg(&args.reference);
    let outcome = resolver.resolve(&given, &options).await;
    progress.finish();
    // Whoever resolves stores; the resolution stands even if storing fails.
    let saved = match (&outcome, &store) {
        (Ok(resolved), Some((url, opened))) => Some(store::save(opened, url, resolved).await),
        _ => None,
    };
    if let Some((_, opened)) = &store {
        opened.close().await;
    }
    let resolved = match outcome {
        Ok(resolved) => resolved,
        Err(err) => return fail(&err),
    };
    let (snapshot, store_error) = match saved {
        Some(Ok(saved)) => (Some(saved), None),
        Some(Err(err)) => (None, Some(drydock::Error::from(err))),
        None => (None, None),
    };
    // With -v, the time spent writing the output is a step of its own.
    let output_span = tracing::info_span!("output").entered();
    if json {
        output::print_json(&resolved, snapshot.as_ref(), store_error.as_ref());
    } else {
        output::print_human(&resolved);
        if let Some(saved) = &snapshot {
            store::print_saved(saved);
        }
        if let Some(err) = &store_error {
            output::print_error(err);
        }
    }
    super::stdout::flush();
    drop(output_span);
    let code = if store_error.is_some() {
        EXIT_STORE
    } else {
        match resolved.ingested.report.status {
            Status::Success => EXIT_OK,
            Status::Failure => EXIT_INVALID,
        }
    };
    // The process ends now: freeing the design item by item (tens of
    // milliseconds for a large site) would only delay the exit.
    std::mem::forget(resolved);
    code
}
