//! After ingest: the design check, and the line and column of what it found.

use bytes::Bytes;

use crate::check::DesignCheck;
use crate::error::Result;
use crate::ingester::{IngestOptions, Ingested, Ingester};
use crate::locate::fill_locations;

/// Ingests `bytes`, runs `check` (when given) and fills the location of
/// every message that has a path but no line yet, by asking the ingester's
/// locator (which re-reads only the documents concerned).
pub(crate) fn judge(
    ingester: &dyn Ingester,
    bytes: &Bytes,
    options: &IngestOptions,
    check: Option<&dyn DesignCheck>,
) -> Result<Ingested> {
    let mut ingested = ingester.ingest(bytes, options)?;
    if let Some(check) = check {
        let validate = tracing::info_span!(
            "validate",
            errors = tracing::field::Empty,
            warnings = tracing::field::Empty
        )
        .entered();
        check.check(&ingested.design, &mut ingested.report);
        let report = &ingested.report;
        let warnings = report
            .messages
            .iter()
            .filter(|m| m.level == crate::report::Level::Warning)
            .count();
        validate.record("errors", report.error_count());
        validate.record("warnings", warnings);
        let unplaced = ingested
            .report
            .messages
            .iter()
            .any(|m| m.path.is_some() && m.location.is_none());
        if unplaced && let Some(locator) = ingester.locator(bytes) {
            fill_locations(
                &mut ingested.report.messages,
                &ingested.design,
                locator.as_ref(),
            );
        }
    }
    Ok(ingested)
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
