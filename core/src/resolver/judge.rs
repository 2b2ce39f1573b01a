//! After ingest: the design rules, and the line and column of what they found.

use bytes::Bytes;

use crate::error::Result;
use crate::ingester::{IngestOptions, Ingested, Ingester};
use crate::validation::{RuleSet, ValidationConfig, fill_locations, validate_ingested};

/// Ingests `bytes`, runs the rules (when `validation` is given) and fills the
/// location of every message that has a path but no line yet, by asking the
/// ingester's locator (which re-reads only the documents concerned).
pub(crate) fn judge(
    ingester: &dyn Ingester,
    bytes: &Bytes,
    options: &IngestOptions,
    validation: Option<&ValidationConfig>,
) -> Result<Ingested> {
    let mut ingested = ingester.ingest(bytes, options)?;
    if let Some(config) = validation {
        let _validate = tracing::info_span!("validate").entered();
        validate_ingested(&ingested, config).apply_to(&mut ingested.report);
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
/// `schema` (schemas only) or the linked rules with a digest of their
/// configuration. The same bytes under the same key give the same design and
/// report.
pub fn ingest_key(ingester: &str, validation: Option<&ValidationConfig>) -> String {
    let Some(config) = validation else {
        return format!("{ingester}+schema");
    };
    let rules: Vec<String> = RuleSet::linked()
        .registrations()
        .iter()
        .map(|r| format!("{}/{}/{}", r.code(), r.name(), r.crate_name()))
        .collect();
    let text = serde_json::json!({
        "rules": rules,
        "config": config,
        "version": env!("CARGO_PKG_VERSION"),
        "live_platform": config.platform_source.is_some(),
    })
    .to_string();
    let digest = crate::Digest::of(text.as_bytes()).hex();
    format!("{ingester}+rules:{}", &digest[..16])
}
