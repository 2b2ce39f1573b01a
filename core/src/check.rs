//! [`DesignCheck`]: what the resolver runs on a design after ingest.

use std::fmt;
use std::sync::Arc;

use crate::design::SiteDesign;
use crate::report::ValidationReport;

/// A check of an ingested design beyond its schemas: the design rules of
/// `drydock-rules` are one. The resolver runs it after every ingest, then
/// places (line and column) each message it reported with a field path.
///
/// ```
/// use drydock_core::report::{Level, Message, ValidationReport};
/// use drydock_core::{DesignCheck, SiteDesign};
///
/// /// A site must declare at least one node.
/// #[derive(Debug)]
/// struct HasNodes;
///
/// impl DesignCheck for HasNodes {
///     fn key(&self) -> &str {
///         "has-nodes:1"
///     }
///     fn check(&self, design: &SiteDesign, report: &mut ValidationReport) {
///         if design.baremetal_nodes.is_empty() {
///             report.append(vec![Message::new("XX0001", Level::Error, "no nodes")]);
///         }
///     }
/// }
///
/// let mut report = ValidationReport::default();
/// HasNodes.check(&SiteDesign::default(), &mut report);
/// assert_eq!(report.error_count(), 1);
/// ```
pub trait DesignCheck: Send + Sync + fmt::Debug {
    /// Names this check and its configuration inside the ingest key (after
    /// the ingester's name and `+`): two checks with the same key must give
    /// the same report for the same design, since a cache reuses it.
    fn key(&self) -> &str;
    /// Checks `design`, adding what it finds to `report` (the ingest
    /// report: its status says whether ingest succeeded).
    fn check(&self, design: &SiteDesign, report: &mut ValidationReport);
}

/// Reads a design as soon as it is ingested, on a thread of its own while
/// the [`DesignCheck`] runs (both only read the design): a command line
/// writes the design out meanwhile rather than after the check. The
/// resolution waits for it; it is not called for a design served from a
/// cache (nothing was ingested).
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::sync::Arc;
/// use drydock_core::{DesignReader, SiteDesign};
///
/// let nodes = Arc::new(AtomicUsize::new(0));
/// let seen = nodes.clone();
/// let reader = DesignReader::new(move |design: &SiteDesign| {
///     seen.store(design.baremetal_nodes.len(), Ordering::SeqCst);
/// });
/// reader.read(&SiteDesign::default());
/// assert_eq!(nodes.load(Ordering::SeqCst), 0);
/// ```
#[derive(Clone)]
pub struct DesignReader(Arc<dyn Fn(&SiteDesign) + Send + Sync>);

impl DesignReader {
    /// A reader calling `read` with the design.
    pub fn new(read: impl Fn(&SiteDesign) + Send + Sync + 'static) -> Self {
        DesignReader(Arc::new(read))
    }

    /// Reads `design`.
    pub fn read(&self, design: &SiteDesign) {
        (self.0)(design)
    }
}

impl fmt::Debug for DesignReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DesignReader")
    }
}
