//! `drydock snapshots diff A B`: a semantic diff of two stored designs.

use clap::Args;
use drydock::diff::{diff, diff_reports};

use super::StoreArg;
use super::show::select;
use crate::cli::{EXIT_OK, output, store};
use drydock::config::Config;

/// Arguments of `drydock snapshots diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older snapshot: an id, or REF@previous / REF@latest (a plain REF means @latest).
    old: String,

    /// The newer snapshot, named the same way.
    new: String,

    /// Print one JSON object: both snapshots' summaries, the design diff and the report diff.
    #[arg(long)]
    json: bool,

    #[command(flatten)]
    store: StoreArg,
}

/// Prints what changed from `old` to `new`.
pub async fn run(config: &Config, args: &DiffArgs) -> u8 {
    let url = args.store.url(config);
    let opened = match store::open_existing(&url).await {
        Ok(opened) => opened,
        Err(err) => return super::show::Missing::Store(err).report(args.json, &args.old),
    };
    let old = select(&opened, &args.old).await;
    let new = select(&opened, &args.new).await;
    opened.close().await;
    let old = match old {
        Ok(s) => s,
        Err(missing) => return missing.report(args.json, &args.old),
    };
    let new = match new {
        Ok(s) => s,
        Err(missing) => return missing.report(args.json, &args.new),
    };
    let design = diff(&old.model, &new.model);
    let report = diff_reports(&old.report, &new.report);
    if args.json {
        let value = serde_json::json!({
            "old": old.summary,
            "new": new.summary,
            "design": design,
            "report": report,
        });
        outln!("{value}");
        return EXIT_OK;
    }
    outln!(
        "--- {} {}",
        old.summary.snapshot_id,
        output::safe(&old.summary.reference)
    );
    outln!(
        "+++ {} {}",
        new.summary.snapshot_id,
        output::safe(&new.summary.reference)
    );
    if old.summary.digest == new.summary.digest {
        outln!("same content ({})", new.summary.digest);
    }
    if design.is_empty() {
        outln!("design: no change");
    } else {
        out!("{design}");
    }
    out!("{report}");
    EXIT_OK
}
