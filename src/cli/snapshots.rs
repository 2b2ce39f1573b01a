//! `drydock snapshots`: the stored resolutions of a reference.

use clap::Args;
use drydock::store::{Store, StoreOptions, strip_credentials};

use super::store::print_error;
use super::{EXIT_OK, EXIT_STORE};

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
    let url = if args.store.is_empty() {
        std::env::var(super::store::STORE_ENV)
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(drydock::store::default_sqlite_url)
    } else {
        args.store.clone()
    };
    let listed = async {
        let store = Store::connect(&url, &StoreOptions::default()).await?;
        let list = store
            .list_snapshots(&strip_credentials(&args.reference))
            .await;
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
        eprintln!(
            "no snapshots stored for {}",
            strip_credentials(&args.reference)
        );
        return EXIT_OK;
    }
    println!(
        "{:<36}  {:<25}  {:>10}  DIGEST",
        "SNAPSHOT", "STORED", "BYTES"
    );
    for s in &list {
        println!(
            "{:<36}  {:<25}  {:>10}  sha256:{}",
            s.snapshot_id,
            s.stored_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            s.length,
            s.digest
        );
    }
    EXIT_OK
}
