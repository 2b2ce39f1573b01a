//! Design fetch and cache outcomes on `/metrics`: the server's context's
//! resolver tells [`DesignMetrics`] how every resolution ended (the
//! handlers', the in-process worker's, whatever the driver), so each is
//! counted once, where the outcome is known.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use drydock_core::{FetchEvent, ResolveEvent, ResolveObserver};

/// Labels of a resolution.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    /// The reference's scheme (`other` when no linked driver serves it).
    pub scheme: String,
    /// `fetched`, `hit`, `revalidated`, `refused` or `error`.
    pub outcome: String,
}

/// Labels of a fetch from a source.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct FetchLabels {
    /// The reference's scheme.
    pub scheme: String,
    /// `ok`, `not_modified` or `error`.
    pub result: String,
}

fn fetch_buckets() -> Histogram {
    // 1 ms to about 4.5 min: a local file to a slow Deckhand render.
    Histogram::new(exponential_buckets(0.001, 3.0, 12))
}

/// `drydock_design_resolutions` by scheme and outcome, and
/// `drydock_design_fetch_duration_seconds` by scheme and result.
#[derive(Debug)]
pub struct DesignMetrics {
    outcomes: Family<OutcomeLabels, Counter>,
    fetches: Family<FetchLabels, Histogram, fn() -> Histogram>,
}

impl DesignMetrics {
    /// The metrics, registered in `registry`.
    pub fn register(registry: &mut Registry) -> Self {
        let outcomes = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "drydock_design_resolutions",
            "Design resolutions by scheme and outcome (fetched, hit, revalidated, refused, error)",
            outcomes.clone(),
        );
        let fetches = Family::<FetchLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            fetch_buckets,
        );
        registry.register(
            "drydock_design_fetch_duration_seconds",
            "Fetches of designs from their source (retries included), by scheme and result",
            fetches.clone(),
        );
        DesignMetrics { outcomes, fetches }
    }
}

impl ResolveObserver for DesignMetrics {
    fn resolved(&self, event: &ResolveEvent<'_>) {
        self.outcomes
            .get_or_create(&OutcomeLabels {
                scheme: event.scheme.to_owned(),
                outcome: event.outcome.as_str().to_owned(),
            })
            .inc();
    }

    fn fetched(&self, event: &FetchEvent<'_>) {
        self.fetches
            .get_or_create(&FetchLabels {
                scheme: event.scheme.to_owned(),
                result: event.result.to_owned(),
            })
            .observe(event.elapsed.as_secs_f64());
    }
}
