//! The [`Ingester`] trait: bytes in, [`SiteDesign`] and [`ValidationReport`] out.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::design::SiteDesign;
use crate::error::Result;
use crate::locate::Locator;
use crate::report::ValidationReport;

/// How sure an ingester is that it can read some content. Ordered: `No < Maybe < Yes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Detection {
    /// Not this format.
    No,
    /// Could be this format.
    Maybe,
    /// Certainly this format.
    Yes,
}

/// Options for one ingestion.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct IngestOptions {
    /// Where the bytes came from (redacted), for messages.
    pub source: String,
}

impl IngestOptions {
    /// Options naming the (redacted) source of the bytes.
    pub fn for_source(source: impl Into<String>) -> Self {
        IngestOptions {
            source: source.into(),
        }
    }
}

/// Counts of what an ingester read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestSummary {
    /// The ingester's name.
    pub ingester: String,
    /// Documents in the input, all namespaces.
    pub documents: usize,
    /// Documents ingested, per kind (`BaremetalNode`, …).
    pub per_kind: BTreeMap<String, usize>,
    /// Documents of other namespaces, skipped, per schema or kind.
    pub skipped: BTreeMap<String, usize>,
}

/// The result of ingestion: the design, the report and a summary.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Ingested {
    /// What was ingested (items of invalid documents may be missing).
    pub design: SiteDesign,
    /// Every problem found.
    pub report: ValidationReport,
    /// What was read.
    pub summary: IngestSummary,
}

/// Turns bytes into a site design. Validation problems belong in the report;
/// an `Err` is for failures that leave no report to give.
pub trait Ingester: Send + Sync + fmt::Debug + 'static {
    /// Short name, e.g. `yaml` or `deckhand`.
    fn name(&self) -> &'static str;
    /// A cheap look at the start of the content: is it this format?
    fn detect(&self, bytes: &[u8]) -> Detection;
    /// Ingests the content.
    fn ingest(&self, bytes: &Bytes, options: &IngestOptions) -> Result<Ingested>;
    /// Something that finds where a field of a document of `bytes` stands
    /// (line and column), for messages the design rules report with a path.
    fn locator<'b>(&self, _bytes: &'b [u8]) -> Option<Box<dyn Locator + 'b>> {
        None
    }
}

/// An ingester's link-time registration; submit it with [`crate::register_ingester!`].
#[derive(Clone, Copy)]
pub struct IngesterRegistration {
    name: &'static str,
    crate_name: &'static str,
    constructor: fn() -> Arc<dyn Ingester>,
}

impl IngesterRegistration {
    /// A registration; prefer [`crate::register_ingester!`], which fills `crate_name`.
    pub const fn new(
        name: &'static str,
        crate_name: &'static str,
        constructor: fn() -> Arc<dyn Ingester>,
    ) -> Self {
        IngesterRegistration {
            name,
            crate_name,
            constructor,
        }
    }
    /// The ingester's name.
    pub fn name(&self) -> &'static str {
        self.name
    }
    /// The crate that registered it.
    pub fn crate_name(&self) -> &'static str {
        self.crate_name
    }
    /// Builds the ingester.
    pub fn construct(&self) -> Arc<dyn Ingester> {
        (self.constructor)()
    }
}

impl fmt::Debug for IngesterRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IngesterRegistration")
            .field("name", &self.name)
            .field("crate_name", &self.crate_name)
            .finish()
    }
}

inventory::collect!(IngesterRegistration);
