//! The original Drydock's REST API (`/api/v1.0`), over one [`Context`]:
//! thin handlers over the store and the resolver, for Shipyard and the
//! original's Python client (feature `server`).
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use drydock::server::{ApiState, Auth, Policy, ServerOptions, router, serve};
//! use drydock::store::{Store, StoreOptions};
//! use drydock::{CancellationToken, Context, Env, config::Config};
//! let config = Config::load(None, &Env::process())?;
//! let store = Store::connect("sqlite:///var/lib/drydock.db", &StoreOptions::default()).await?;
//! let context = Arc::new(Context::with_store(config, store));
//! let state = ApiState::new(context, Auth::None, Policy::default(), ServerOptions::default())?;
//! let app = router(state);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:9000").await?;
//! serve(listener, app, CancellationToken::new()).await?;
//! # Ok(()) }
//! ```
//!
//! Callers are authenticated by Keystone ([`Auth::Keystone`]) and checked
//! against the original's policy rules ([`Policy`]). `GET /nodes` answers
//! from the node source `[api] node_source` names ([`crate::nodes`]; built
//! in: the newest stored design). The node-facing boot-action routes
//! (`/bootactions/nodes/{hostname}/units|files`, `/bootactions/{action_id}`)
//! take the node's `X-Bootaction-Key` instead of a token.

mod admission;
mod auth;
mod bootaction;
mod conn;
mod design;
mod design_metrics;
mod error;
mod health;
mod listener;
mod metrics;
mod nodes;
mod policy;
mod process_metrics;
mod request;
mod store_metrics;
mod tasks;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post};
use drydock_core::{CancellationToken, Error, Result};
use drydock_store::Store;
use tower_http::timeout::TimeoutLayer;

use crate::Context;

pub use crate::worker::ORIGINAL_ACTIONS;
pub use auth::{AuthFailure, Identity, KeystoneAuth};
pub use conn::{ConnLimits, serve_bounded, tls_config};
pub use error::ApiError;
pub use listener::Limited;
pub use policy::{Credentials, Policy, RULES};
pub use request::{CONTEXT_MARKER_HEADER, END_USER_HEADER, REQUEST_ID_HEADER};
pub use tasks::DELETED_HEADER;

/// How the server bounds requests.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ServerOptions {
    /// Largest request body accepted (default 1 MiB); larger is 413.
    pub max_body: usize,
    /// Longest a request may take (default 300 s, Shipyard's read timeout).
    pub request_timeout: Duration,
    /// Design validations (`/validatedesign`, `/nodefilter`) run at once (default 4).
    pub max_validations: usize,
    /// Validations waiting for a slot before more are refused with 503 (default 16).
    pub max_queued_validations: usize,
    /// Where nodes report their boot actions (`action.report_url`; default
    /// the original's `http://localhost:9000/api/v1.0/bootactions/`).
    pub bootaction_report_url: String,
    /// Directories boot-action assets may name `file://` locations under
    /// (default none: no `file://` location is fetched).
    pub bootaction_file_roots: Vec<std::path::PathBuf>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            max_body: 1024 * 1024,
            request_timeout: Duration::from_secs(300),
            max_validations: 4,
            max_queued_validations: 16,
            bootaction_report_url: crate::bootaction::DEFAULT_REPORT_URL.to_owned(),
            bootaction_file_roots: Vec::new(),
        }
    }
}

/// How callers are authenticated.
#[derive(Debug)]
pub enum Auth {
    /// Nobody is checked: every caller is [`Identity::noauth`] (development only).
    None,
    /// `X-Auth-Token` validated against Keystone.
    Keystone(Box<KeystoneAuth>),
}

/// What every handler shares: the context (its resolver), the store, how
/// callers are authenticated and the policy.
#[derive(Clone, Debug)]
pub struct ApiState {
    context: Arc<Context>,
    store: Store,
    auth: Arc<Auth>,
    policy: Arc<Policy>,
    options: Arc<ServerOptions>,
    metrics: Arc<metrics::Metrics>,
    admission: Arc<admission::Admission>,
    boot: crate::bootaction::BootActions,
    node_source: &'static dyn crate::nodes::NodeSource,
}

impl ApiState {
    /// The state over `context`, which must have a store
    /// ([`Context::with_store`]); otherwise [`Error::Config`] about `[store]`,
    /// as when `[api] node_source` names no registered node source.
    pub fn new(
        context: Arc<Context>,
        auth: Auth,
        policy: Policy,
        options: ServerOptions,
    ) -> Result<Self> {
        let store = context.store().cloned().ok_or_else(|| Error::Config {
            section: "store".into(),
            origin: context.config().origin(),
            reason: "the API server needs a store: build the context with Context::with_store"
                .into(),
        })?;
        let node_source =
            crate::nodes::node_source(&context.config().api().node_source, context.config())?;
        // Every resolution through the server's context is counted once, by its resolver.
        let metrics = Arc::new(metrics::Metrics::default());
        let context = Arc::new(context.as_ref().clone().observed(metrics.designs.clone()));
        let locations = crate::bootaction::Locations::new(
            context.resolver().clone(),
            context.config().fetch_options(),
        )
        .with_file_roots(options.bootaction_file_roots.clone());
        let boot = crate::bootaction::BootActions::new(store.clone(), locations)
            .with_report_url(options.bootaction_report_url.clone());
        Ok(ApiState {
            context,
            store,
            boot,
            node_source,
            auth: Arc::new(auth),
            policy: Arc::new(policy),
            admission: Arc::new(admission::Admission::new(
                options.max_validations,
                options.max_queued_validations,
            )),
            options: Arc::new(options),
            metrics,
        })
    }

    /// The context the handlers use: the one given, its resolver also
    /// counting design fetch and cache outcomes for `/metrics`. A worker
    /// run beside the server should be built from it, so that its
    /// resolutions are counted too.
    pub fn context(&self) -> &Arc<Context> {
        &self.context
    }

    /// The caller's identity, if it passes every rule of `rules`: 401 without
    /// a valid token, 403 when a rule fails, 503 when Keystone cannot be asked.
    async fn authorize(
        &self,
        caller: &request::Caller,
        rules: &[&str],
    ) -> std::result::Result<Identity, ApiError> {
        let identity = match self.auth.as_ref() {
            Auth::None => Identity::noauth(),
            Auth::Keystone(keystone) => {
                let token = caller
                    .token
                    .as_ref()
                    .ok_or_else(ApiError::unauthenticated)?;
                keystone.identify(token.expose()).await.map_err(|e| match e {
                    AuthFailure::Unauthenticated => ApiError::unauthenticated(),
                    AuthFailure::Unavailable(why) => {
                        tracing::warn!(request = %caller.request_id, reason = why, "Keystone could not validate a token");
                        ApiError::unavailable("Keystone is unavailable")
                    }
                })?
            }
        };
        for rule in rules {
            if !self.policy.allows(rule, &identity.credentials) {
                tracing::info!(request = %caller.request_id, user = identity.user, rule, "forbidden");
                return Err(ApiError::new(StatusCode::FORBIDDEN, "Forbidden"));
            }
        }
        Ok(identity)
    }
}

/// Every route: `/versions` and `/metrics` at the root, the rest under `/api/v1.0`.
pub fn router(state: ApiState) -> Router {
    let options = state.options.clone();
    let api = Router::new()
        .route("/health", get(health::health))
        .route("/health/extended", get(health::extended))
        .route(
            "/tasks",
            get(tasks::list).post(tasks::create).delete(tasks::delete),
        )
        .route("/tasks/{task_id}", get(tasks::show))
        .route("/tasks/{task_id}/builddata", get(tasks::builddata))
        .route("/nodes", get(nodes::list))
        .route("/nodes/{hostname}/builddata", get(tasks::node_builddata))
        .route("/nodefilter", post(design::nodefilter))
        .route("/validatedesign", post(design::validate))
        .route(
            "/bootactions/nodes/{hostname}/units",
            get(bootaction::units),
        )
        .route(
            "/bootactions/nodes/{hostname}/files",
            get(bootaction::files),
        )
        .route("/bootactions/{action_id}", post(bootaction::signal))
        .route("/bootactions/{action_id}/", post(bootaction::signal));
    Router::new()
        .route("/versions", get(health::versions))
        .route("/metrics", get(health::metrics))
        .nest("/api/v1.0", api)
        .fallback(not_found)
        .with_state(state.clone())
        .layer(DefaultBodyLimit::max(options.max_body))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            options.request_timeout,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state,
            request::context,
        ))
}

async fn not_found() -> ApiError {
    ApiError::not_found("No such resource")
}

/// Serves `app` on `listener` until `shutdown` is cancelled, then finishes
/// the requests in flight (wrap the listener in [`Limited`] to bound the
/// connections open at once).
pub async fn serve<L>(listener: L, app: Router, shutdown: CancellationToken) -> std::io::Result<()>
where
    L: axum::serve::Listener,
    L::Addr: std::fmt::Debug,
{
    axum::serve(listener, app)
        .with_graceful_shutdown(async move { shutdown.cancelled().await })
        .await
}
