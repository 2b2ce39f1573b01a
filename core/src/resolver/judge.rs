//! After ingest: the design check, and the line and column of what it found.

use bytes::Bytes;

use crate::check::{DesignCheck, DesignReader};
use crate::design::SiteDesign;
use crate::error::Result;
use crate::ingester::{IngestOptions, Ingested, Ingester};
use crate::locate::fill_locations;
use crate::report::ValidationReport;

/// What runs on a design once ingested: the check, and a reader beside it.
pub(crate) struct Judged<'a> {
    pub(crate) check: Option<&'a dyn DesignCheck>,
    pub(crate) reader: Option<&'a DesignReader>,
}

/// Ingests `bytes`, runs the check (when given) and fills the location of
/// every message that has a path but no line yet, by asking the ingester's
/// locator (which re-reads only the documents concerned); the reader (when
/// given) reads the design on a thread of its own meanwhile.
pub(crate) fn judge(
    ingester: &dyn Ingester,
    bytes: &Bytes,
    options: &IngestOptions,
    judged: Judged<'_>,
) -> Result<Ingested> {
    let mut ingested = ingester.ingest(bytes, options)?;
    let Ingested { design, report, .. } = &mut ingested;
    let design: &SiteDesign = design;
    let check = |report: &mut ValidationReport| {
        if let Some(c) = judged.check {
            check_parts(ingester, bytes, design, report, c);
        }
    };
    match judged.reader {
        None => check(report),
        Some(reader) => std::thread::scope(|scope| {
            let reading = scope.spawn(|| reader.read(design));
            check(report);
            if let Err(panic) = reading.join() {
                std::panic::resume_unwind(panic);
            }
        }),
    }
    Ok(ingested)
}

/// Runs `check` on `design` into `report`, then places its messages.
fn check_parts(
    ingester: &dyn Ingester,
    bytes: &Bytes,
    design: &SiteDesign,
    report: &mut ValidationReport,
    check: &dyn DesignCheck,
) {
    let validate = tracing::info_span!(
        "validate",
        errors = tracing::field::Empty,
        warnings = tracing::field::Empty
    )
    .entered();
    check.check(design, report);
    let warnings = report
        .messages
        .iter()
        .filter(|m| m.level == crate::report::Level::Warning)
        .count();
    validate.record("errors", report.error_count());
    validate.record("warnings", warnings);
    let unplaced = report
        .messages
        .iter()
        .any(|m| m.path.is_some() && m.location.is_none());
    if unplaced && let Some(locator) = ingester.locator(bytes) {
        fill_locations(&mut report.messages, design, locator.as_ref());
    }
}

/// The ingester part of an ingest key when the ingester is detected from the content.
pub const AUTO_INGESTER: &str = "auto";

/// The key of how bytes are judged: the ingester asked for (or
/// [`AUTO_INGESTER`]: detection is deterministic for given bytes), then
/// `schema` (schemas only) or the check's [key](DesignCheck::key). The same
/// bytes under the same key give the same design and report.
pub fn ingest_key(ingester: &str, check: Option<&dyn DesignCheck>) -> String {
    let judged = check.map_or("schema", |c| c.key());
    format!("{ingester}+{judged}")
}
