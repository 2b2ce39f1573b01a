//! `drydock snapshots [list] [REF]`.

use clap::Args;
use drydock::DesignRef;
use drydock::store::SnapshotQuery;

use super::StoreArg;
use crate::cli::{EXIT_FAILURE, EXIT_OK, EXIT_STORE, output, reference, store};
use drydock::config::Config;

/// Arguments of `drydock snapshots list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// The reference whose snapshots to list (credentials are ignored; a plain
    /// path means its file:// URI); none lists every reference's.
    reference: Option<String>,

    /// At most this many, newest first.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=1000))]
    limit: u32,

    #[command(flatten)]
    store: StoreArg,

    /// Print a JSON array instead of a table.
    #[arg(long)]
    json: bool,
}

/// Lists the snapshots, newest first.
pub async fn run(config: &Config, args: &ListArgs) -> u8 {
    let mut query = SnapshotQuery::all();
    if let Some(given) = &args.reference {
        match DesignRef::parse(&reference::from_arg(given)) {
            Ok(parsed) => query = SnapshotQuery::of(&parsed),
            Err(err) => {
                output::report_error(&err, args.json, Some(given));
                return EXIT_FAILURE;
            }
        }
    }
    query.limit = args.limit;
    let url = args.store.url(config);
    let listed = async {
        let opened = store::open_existing(&url).await?;
        let list = opened.list_snapshots(&query).await;
        opened.close().await;
        list
    }
    .await;
    let list = match listed {
        Ok(list) => list,
        Err(err) => {
            output::report_error(
                &drydock::Error::from(err),
                args.json,
                args.reference.as_deref(),
            );
            return EXIT_STORE;
        }
    };
    if args.json {
        outln!(
            "{}",
            serde_json::to_string(&list).unwrap_or_else(|_| "[]".into())
        );
        return EXIT_OK;
    }
    if list.is_empty() {
        errln!("no snapshots stored");
        return EXIT_OK;
    }
    outln!(
        "{:<36}  {:<20}  {:<8}  {:<8}  {:>5}  {:>10}  {:<19}  REFERENCE",
        "SNAPSHOT",
        "RESOLVED",
        "STATUS",
        "REVISION",
        "TIMES",
        "BYTES",
        "DIGEST"
    );
    for s in &list {
        let status = format!("{:?}", s.status).to_ascii_lowercase();
        outln!(
            "{:<36}  {:<20}  {:<8}  {:<8}  {:>5}  {:>10}  {:<19}  {}",
            s.snapshot_id,
            s.resolved_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            status,
            output::safe(s.revision.as_deref().unwrap_or("-")),
            s.resolve_count,
            s.length,
            &s.digest.to_string()[..19],
            output::safe(&s.reference),
        );
    }
    EXIT_OK
}
