//! `drydock snapshots show SPEC`, and how a snapshot is named on the command
//! line: its id, or `REF`, `REF@latest`, `REF@previous`.

use std::io::Write as _;

use clap::Args;
use drydock::store::{Selection, Snapshot, Store, StoreError, Uuid};
use drydock::{DesignRef, Error};

use super::StoreArg;
use crate::cli::{EXIT_FAILURE, EXIT_OK, output, reference, store};
use drydock::config::Config;

/// Arguments of `drydock snapshots show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The snapshot: its id, or a reference with `@latest` (the default) or
    /// `@previous` (the newest whose content differs from the latest).
    snapshot: String,

    /// Print the stored bytes, exactly as they were fetched.
    #[arg(long, conflicts_with = "json")]
    content: bool,

    /// Print one JSON object: the summary, the ingest summary, the report and the design.
    #[arg(long)]
    json: bool,

    #[command(flatten)]
    store: StoreArg,
}

/// Why a snapshot could not be had.
pub(super) enum Missing {
    /// The spec is not a reference.
    Spec(Error),
    /// The store failed.
    Store(StoreError),
}

impl Missing {
    /// Reports it and returns the exit status.
    pub(super) fn report(self, json: bool, spec: &str) -> u8 {
        match self {
            Missing::Spec(err) => {
                output::report_error(&err, json, Some(spec));
                EXIT_FAILURE
            }
            Missing::Store(err) => {
                let code = store::exit_code(&err);
                output::report_error(&Error::from(err), json, Some(spec));
                code
            }
        }
    }
}

/// The snapshot `spec` names, in `store`.
pub(super) async fn select(store: &Store, spec: &str) -> Result<Snapshot, Missing> {
    if let Ok(id) = Uuid::parse_str(spec) {
        return store.get_snapshot(id).await.map_err(Missing::Store);
    }
    if is_id_prefix(spec) {
        let id = by_prefix(store, spec).await.map_err(Missing::Store)?;
        return store.get_snapshot(id).await.map_err(Missing::Store);
    }
    let (given, selection) = Selection::split(spec);
    let reference = DesignRef::parse(&reference::from_arg(given)).map_err(Missing::Spec)?;
    let selection = selection.unwrap_or(Selection::Latest);
    match store.select_snapshot(&reference, None, selection).await {
        Ok(Some(snapshot)) => Ok(snapshot),
        Ok(None) => Err(Missing::Store(StoreError::NotFound {
            what: match selection {
                Selection::Latest => "snapshot of",
                Selection::Previous => "previous snapshot (other content) of",
            },
            id: reference.redacted().to_owned(),
        })),
        Err(err) => Err(Missing::Store(err)),
    }
}

/// Whether `spec` reads as the start of a snapshot id (hex digits and
/// hyphens, at least 4 digits) rather than a reference.
fn is_id_prefix(spec: &str) -> bool {
    let digits = spec.chars().filter(char::is_ascii_hexdigit).count();
    digits >= 4 && spec.len() < 36 && spec.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// The one snapshot whose id starts with `prefix`: none is not found, more
/// than one asks for more of the id. Reads the summaries page by page.
async fn by_prefix(store: &Store, prefix: &str) -> Result<Uuid, StoreError> {
    let prefix = prefix.to_ascii_lowercase();
    let mut query = drydock::store::SnapshotQuery::all();
    query.limit = drydock::store::SnapshotQuery::MAX_LIMIT;
    let mut found: Vec<Uuid> = Vec::new();
    loop {
        let page = store.list_snapshots(&query).await?;
        found.extend(
            page.iter()
                .map(|s| s.snapshot_id)
                .filter(|id| id.hyphenated().to_string().starts_with(&prefix)),
        );
        match page.last() {
            Some(last) if page.len() == query.limit as usize && found.len() < 2 => {
                query.before = Some(last.snapshot_id);
            }
            _ => break,
        }
    }
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(StoreError::NotFound {
            what: "snapshot",
            id: prefix,
        }),
        many => Err(StoreError::Invalid {
            field: "snapshot id".into(),
            reason: format!(
                "{prefix} starts {} snapshot ids or more; give more of the id",
                many.len()
            ),
        }),
    }
}

/// Shows the snapshot.
pub async fn run(config: &Config, args: &ShowArgs) -> u8 {
    let url = args.store.url(config);
    let opened = match store::open_existing(&url).await {
        Ok(opened) => opened,
        Err(err) => return Missing::Store(err).report(args.json, &args.snapshot),
    };
    let found = select(&opened, &args.snapshot).await;
    opened.close().await;
    let snapshot = match found {
        Ok(snapshot) => snapshot,
        Err(missing) => return missing.report(args.json, &args.snapshot),
    };
    if args.content {
        // A failure is remembered and reported when the command ends.
        let _ = super::super::stdout::lock().write_all(&snapshot.bytes);
        return EXIT_OK;
    }
    if args.json {
        // Streamed, never one tree in memory; a failed write is remembered
        // and reported when the command ends.
        let _ = crate::cli::json_out::write_snapshot(&mut super::super::stdout::lock(), &snapshot);
        return EXIT_OK;
    }
    let s = &snapshot.summary;
    outln!("snapshot    {}", s.snapshot_id);
    outln!("reference   {}", output::safe(&s.reference));
    outln!("digest      {} ({} bytes)", s.digest, s.length);
    outln!(
        "fetched     by the {} driver at {}",
        s.metadata.driver,
        s.metadata.fetched_at.to_rfc3339()
    );
    if let Some(revision) = &s.revision {
        outln!("revision    {}", output::safe(revision));
    }
    outln!(
        "resolved    {} time(s), first {}, last {}",
        s.resolve_count,
        s.stored_at.to_rfc3339(),
        s.resolved_at.to_rfc3339()
    );
    outln!(
        "ingested    {} documents by the {} ingester",
        snapshot.ingest.documents,
        output::safe(&snapshot.ingest.ingester)
    );
    for (kind, count) in &snapshot.ingest.per_kind {
        outln!("  {kind:<20} {count}");
    }
    output::print_report(&snapshot.report);
    EXIT_OK
}
