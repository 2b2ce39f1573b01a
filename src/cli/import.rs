//! `drydock store import`: an original Drydock database into the store.

use std::io::IsTerminal as _;

use clap::{Args, ValueEnum};
use drydock::import::{ImportError, ImportOptions, ImportReport, Interrupted};
use indicatif::{ProgressBar, ProgressStyle};

use super::store::{StoreArg, open_for_writing};
use super::{EXIT_FAILURE, EXIT_OK, EXIT_STORE, output};
use drydock::config::Config;

/// Arguments of `drydock store import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The original Drydock's database (postgres://user:pass@host/drydock),
    /// read in one read-only transaction.
    #[arg(value_name = "SOURCE_URL")]
    source: String,
    #[command(flatten)]
    store: StoreArg,
    /// Read the source and report what would be imported; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// The time zone the source's naive timestamps are in (any name its
    /// PostgreSQL knows: UTC, Europe/Berlin, +02). The original wrote UTC
    /// unless the server's session TimeZone said otherwise (`SHOW timezone`).
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    source_timezone: String,
    /// Import the `noop` tasks (one per health probe) too; skipped by default.
    #[arg(long)]
    include_noop: bool,
    /// What becomes of tasks left running or terminating (the original never
    /// resumes them): fail (complete, result failure, a message saying why),
    /// requeue (a worker runs them anew) or skip.
    #[arg(long, value_enum, value_name = "WHAT", default_value = "fail")]
    interrupted: InterruptedArg,
    /// Rows per write transaction.
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    batch_size: u32,
    /// Print the report as one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum InterruptedArg {
    Fail,
    Requeue,
    Skip,
}

/// `drydock store import`.
pub async fn run(config: &Config, a: ImportArgs) -> u8 {
    let options = ImportOptions {
        include_noop: a.include_noop,
        interrupted: match a.interrupted {
            InterruptedArg::Fail => Interrupted::Fail,
            InterruptedArg::Requeue => Interrupted::Requeue,
            InterruptedArg::Skip => Interrupted::Skip,
        },
        source_timezone: a.source_timezone.clone(),
        batch_size: a.batch_size as usize,
    };
    let url = a.store.url(config);
    let store = if a.dry_run {
        None
    } else {
        match open_for_writing(&url).await {
            Ok(store) => Some(store),
            Err(err) => {
                output::report_error(&drydock::Error::from(err), a.json, None);
                return EXIT_STORE;
            }
        }
    };
    let bar = progress_bar();
    let mut on_batch = |table: &str, done: u64, total: u64| {
        if let Some(bar) = &bar {
            bar.set_length(total);
            bar.set_position(done);
            bar.set_message(table.to_owned());
        }
    };
    let imported =
        drydock::import::import(&a.source, store.as_ref(), &options, &mut on_batch).await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if let Some(store) = store {
        store.close().await;
    }
    match imported {
        Ok(report) => {
            print_report(&report, &drydock::store::redact_url(&url), a.json);
            EXIT_OK
        }
        Err(err) => {
            let code = match err {
                ImportError::Store(_) => EXIT_STORE,
                _ => EXIT_FAILURE,
            };
            if a.json {
                outln!(
                    "{}",
                    serde_json::json!({ "error": { "message": err.to_string() } })
                );
            } else {
                errln!("error: {}", output::safe(&err.to_string()));
                errln!("hint: {}", hint(&err));
            }
            code
        }
    }
}

fn hint(err: &ImportError) -> &'static str {
    match err {
        ImportError::Source { .. } => {
            "give the original's database URL as its db-sync job has it (DRYDOCK_DB_URL), \
             reachable from here"
        }
        ImportError::NotDrydock { .. } | ImportError::UnknownLevel { .. } => {
            "point at the database the original Drydock ran `alembic upgrade head` on"
        }
        ImportError::Timezone { .. } => {
            "use a zone name PostgreSQL knows (SELECT name FROM pg_timezone_names)"
        }
        ImportError::Store(_) => {
            "check --store; the import can be run again, it adds only what is missing"
        }
    }
}

fn progress_bar() -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(0);
    if let Ok(style) =
        ProgressStyle::with_template("{msg:18} [{bar:30}] {pos}/{len} ({per_sec}, {eta})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}

fn print_report(report: &ImportReport, store: &str, json: bool) {
    if json {
        let mut value = serde_json::to_value(report).unwrap_or_default();
        value["store"] = serde_json::Value::from(store);
        outln!("{value}");
        return;
    }
    let verb = if report.dry_run {
        "would import"
    } else {
        "imported"
    };
    outln!(
        "source      alembic {} (timestamps read as {})",
        report.alembic_version,
        output::safe(&report.source_timezone)
    );
    outln!(
        "{:<20} {:>9} {:>12} {:>9} {:>9}",
        "table",
        "read",
        verb,
        "present",
        "skipped"
    );
    for (table, t) in &report.tables {
        outln!(
            "{table:<20} {:>9} {:>12} {:>9} {:>9}",
            t.read,
            t.imported,
            t.present,
            t.skipped_total()
        );
        for (reason, n) in &t.skipped {
            outln!("  skipped {n}: {}", output::safe(reason));
        }
        for (note, n) in &t.notes {
            outln!("  note {n}: {}", output::safe(note));
        }
    }
    if report.dry_run {
        outln!("dry run: nothing was written");
    } else if report.imported() == 0 {
        outln!(
            "nothing new to import: every row is already in {} or reported as skipped",
            output::safe(store)
        );
    } else {
        outln!(
            "{} rows imported into {}",
            report.imported(),
            output::safe(store)
        );
    }
}
