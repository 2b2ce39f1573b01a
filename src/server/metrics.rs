//! `/metrics` (Prometheus text, OpenMetrics format): requests by route
//! template, latency, requests in flight, tasks created by action,
//! validations by result, admission refusals, design fetch and cache
//! outcomes (told by the context's resolver), build and process figures;
//! from the store at each scrape: tasks finished by action and result, queue
//! depth and oldest age, claims and requeues, leadership, pool use.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// Labels of a request.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The method.
    pub method: String,
    /// The route template (`/api/v1.0/tasks/{task_id}`), never the raw path.
    pub route: String,
    /// The status code.
    pub status: u16,
}

/// Labels of a route.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    /// The method.
    pub method: String,
    /// The route template.
    pub route: String,
}

/// One label: the action, or the result.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct NameLabel {
    /// Its value.
    pub name: String,
}

fn latency() -> Histogram {
    Histogram::new(exponential_buckets(0.0005, 2.5, 14))
}

/// The server's metrics.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// `http_requests` (counter).
    pub requests: Family<RequestLabels, Counter>,
    /// `http_request_duration_seconds` (histogram).
    pub duration: Family<RouteLabels, Histogram, fn() -> Histogram>,
    /// `http_requests_in_flight`.
    pub in_flight: Gauge,
    /// `drydock_tasks_created` by action.
    pub tasks_created: Family<NameLabel, Counter>,
    /// `drydock_validations` by result (`success`, `failure`, `error`).
    pub validations: Family<NameLabel, Counter>,
    /// `drydock_validations_waiting`: admitted validations waiting for a slot.
    pub validations_waiting: Gauge,
    /// `drydock_admission_refused`: requests answered 503 because the queue was full.
    pub admission_refused: Counter,
    process: super::process_metrics::ProcessGauges,
    store: super::store_metrics::StoreGauges,
    /// Design resolutions and fetches: the context's resolver's observer.
    pub designs: std::sync::Arc<super::design_metrics::DesignMetrics>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests by route template and status",
            requests.clone(),
        );
        let duration =
            Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(latency);
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency",
            duration.clone(),
        );
        let in_flight = Gauge::default();
        registry.register(
            "http_requests_in_flight",
            "HTTP requests being served",
            in_flight.clone(),
        );
        let tasks_created = Family::<NameLabel, Counter>::default();
        registry.register(
            "drydock_tasks_created",
            "Tasks created through the API, by action",
            tasks_created.clone(),
        );
        let validations = Family::<NameLabel, Counter>::default();
        registry.register(
            "drydock_validations",
            "Design validations through the API, by result",
            validations.clone(),
        );
        let validations_waiting = Gauge::default();
        registry.register(
            "drydock_validations_waiting",
            "Validations waiting to be admitted",
            validations_waiting.clone(),
        );
        let admission_refused = Counter::default();
        registry.register(
            "drydock_admission_refused",
            "Requests refused (503) because the validation queue was full",
            admission_refused.clone(),
        );
        let build = Family::<NameLabel, Gauge>::default();
        build
            .get_or_create(&NameLabel {
                name: env!("CARGO_PKG_VERSION").into(),
            })
            .set(1);
        registry.register(
            "drydock_build_info",
            "The running version (label name)",
            build,
        );
        let process = super::process_metrics::ProcessGauges::register(&mut registry);
        let store = super::store_metrics::StoreGauges::register(&mut registry);
        let designs = std::sync::Arc::new(super::design_metrics::DesignMetrics::register(
            &mut registry,
        ));
        Metrics {
            store,
            designs,
            registry,
            requests,
            duration,
            in_flight,
            tasks_created,
            validations,
            validations_waiting,
            admission_refused,
            process,
        }
    }
}

impl Metrics {
    /// Counts one request.
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let (method, route) = (method.to_owned(), route.to_owned());
        self.requests
            .get_or_create(&RequestLabels {
                method: method.clone(),
                route: route.clone(),
                status,
            })
            .inc();
        self.duration
            .get_or_create(&RouteLabels { method, route })
            .observe(seconds);
    }

    /// The text exposition, process figures and the store's task, queue
    /// and leadership figures refreshed.
    pub async fn render(&self, store: &drydock_store::Store) -> String {
        self.store.refresh(store).await;
        self.process.refresh();
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}
