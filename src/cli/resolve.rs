//! `drydock resolve`: fetch, ingest, report (and optionally store).

use std::time::Duration;

use clap::Args;
use drydock::{Credentials, Digest, FetchOptions, ResolveOptions, Status};

use super::drivers::DriverArgs;
use super::{EXIT_FAILURE, EXIT_INVALID, EXIT_OK, EXIT_STORE};
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

    /// Overall deadline for the fetch, e.g. 30s, 2m.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    timeout: Duration,

    /// Largest design accepted, e.g. 64MiB, 500KB, 1048576.
    #[arg(long, value_name = "SIZE", default_value = "64MiB", value_parser = parse_size)]
    max_size: u64,

    /// Fail unless the fetched bytes have this SHA-256 (64 hex digits, `sha256:` prefix optional).
    #[arg(long, value_name = "DIGEST")]
    expect_digest: Option<Digest>,

    /// Bearer token for sources that take one (read from the environment; never printed).
    #[arg(
        long,
        env = "DRYDOCK_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    token: Option<String>,

    /// Store the resolved design as a snapshot. Without a value: the embedded
    /// SQLite store (`$XDG_DATA_HOME/drydock/drydock.db`, else
    /// `~/.local/share/drydock/drydock.db`); or give a URL such as
    /// sqlite:///var/lib/drydock.db or postgres://user@host/db.
    /// An invalid design is stored too (with its report), so it can be inspected.
    #[arg(long, value_name = "URL", num_args = 0..=1, default_missing_value = "", env = "DRYDOCK_STORE", hide_env_values = true)]
    store: Option<String>,

    #[command(flatten)]
    drivers: DriverArgs,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s)
        .map_err(|e| format!("`{s}` is not a duration such as 30s or 2m: {e}"))
}

fn parse_size(s: &str) -> Result<u64, String> {
    s.parse::<bytesize::ByteSize>()
        .map(|b| b.as_u64())
        .map_err(|e| format!("`{s}` is not a size such as 64MiB or 1048576: {e}"))
}

/// Resolves the reference and prints the outcome; returns the exit status.
pub async fn run(args: ResolveArgs) -> u8 {
    let mut fetch = FetchOptions::default()
        .with_deadline(args.timeout)
        .with_max_size(args.max_size);
    if let Some(digest) = args.expect_digest {
        fetch = fetch.with_expected_digest(digest);
    }
    if let Some(token) = args.token {
        fetch = fetch.with_credentials(Credentials::bearer(token));
    }
    let mut options = ResolveOptions::default().with_fetch(fetch);
    if let Some(name) = args.ingester {
        options = options.with_ingester(name);
    }
    let resolver = match args.drivers.resolver() {
        Ok(resolver) => resolver,
        Err(err) => {
            err.print();
            return EXIT_FAILURE;
        }
    };
    let progress = output::Progress::start(&format!(
        "resolving {}",
        drydock::redact_str(&args.reference)
    ));
    let outcome = resolver.resolve(&args.reference, &options).await;
    progress.finish();
    let resolved = match outcome {
        Ok(resolved) => resolved,
        Err(err) => {
            output::print_error(&err);
            return EXIT_FAILURE;
        }
    };
    let snapshot = match &args.store {
        Some(url) => match store::save(url, &resolved).await {
            Ok(saved) => Some(saved),
            Err(err) => {
                store::print_error(&err);
                return EXIT_STORE;
            }
        },
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
