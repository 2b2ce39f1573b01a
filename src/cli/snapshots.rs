//! `drydock snapshots`: the stored resolutions of a reference.

use clap::Args;
use drydock::DesignRef;
use drydock::store::{SnapshotQuery, Store, StoreOptions};

use super::store::print_error;
use super::{EXIT_FAILURE, EXIT_OK, EXIT_STORE};

/// Arguments of `drydock snapshots`.
#[derive(Debug, Args)]
pub struct SnapshotsArgs {
    /// The design reference whose snapshots to list (credentials are ignored).
    reference: String,

    /// The store to read (default: the embedded SQLite store; see `drydock resolve --help`).
    #[arg(
        long,
        value_name = "URL",
        default_value = "",
        hide_default_value = true
    )]
    store: String,

    /// Print a JSON array instead of a table.
    #[arg(long)]
    json: bool,
}

/// Lists the snapshots, newest first.
pub async fn run(args: &SnapshotsArgs) -> u8 {
    let reference = match DesignRef::parse(&args.reference) {
        Ok(reference) => reference,
        Err(err) => {
            super::output::print_error(&err);
            return EXIT_FAILURE;
        }
    };
    let url = if args.store.is_empty() {
        std::env::var(super::store::STORE_ENV)
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(drydock::store::default_sqlite_url)
    } else {
        args.store.clone()
    };
    let listed = async {
        // Reading only: a missing store file is an error, never created.
        let store = Store::connect(&url, &StoreOptions::existing_only()).await?;
        let list = store.list_snapshots(&SnapshotQuery::of(&reference)).await;
        store.close().await;
        list
    }
    .await;
    let list = match listed {
        Ok(list) => list,
        Err(err) => {
            print_error(&err);
            return EXIT_STORE;
        }
    };
    if args.json {
        match serde_json::to_string(&list) {
            Ok(text) => println!("{text}"),
            Err(err) => {
                eprintln!("error: cannot print the snapshots as JSON: {err}");
                return EXIT_STORE;
            }
        }
        return EXIT_OK;
    }
    if list.is_empty() {
        eprintln!("no snapshots stored for {reference}");
        return EXIT_OK;
    }
    println!(
        "{:<36}  {:<25}  {:>6}  {:>10}  DIGEST",
        "SNAPSHOT", "RESOLVED", "TIMES", "BYTES"
    );
    for s in &list {
        println!(
            "{:<36}  {:<25}  {:>6}  {:>10}  {}",
            s.snapshot_id,
            s.resolved_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            s.resolve_count,
            s.length,
            s.digest
        );
    }
    EXIT_OK
}
