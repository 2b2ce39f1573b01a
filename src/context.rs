//! [`Context`]: what a program builds once from its configuration and shares
//! by reference — the configuration, its registry, one resolver, the store.

use std::sync::Arc;

use drydock_core::{ResolveObserver, ResolveOptions, Resolver};
use drydock_rules::Rules;

use crate::config::Config;

/// The configuration, its registry and one resolver (with the store as its
/// cache when there is one), built once per process and shared by
/// reference: the `drydock` command builds one, a server builds one at
/// start-up for its worker and its handlers (see [`Context::with_store`]).
#[derive(Clone, Debug)]
pub struct Context {
    config: Arc<Config>,
    resolver: Arc<Resolver>,
    rules: Arc<Rules>,
    #[cfg(feature = "store")]
    store: Option<drydock_store::Store>,
}

impl Context {
    /// A context without a store: the resolver over the configuration's
    /// registry with `[retry]`, no cache.
    pub fn new(config: Config) -> Self {
        let resolver = config.resolver();
        Context {
            rules: Arc::new(Rules::new(config.validation().clone())),
            config: Arc::new(config),
            resolver: Arc::new(resolver),
            #[cfg(feature = "store")]
            store: None,
        }
    }

    /// A context over `store`: the resolver uses it as its cache (with the
    /// `[cache]` options), so resolutions are shared by every user of the
    /// context, and across processes sharing the store; designs it loads
    /// from the store are kept in memory within `[worker.design_cache]`.
    ///
    /// A server builds one at start-up and hands the same objects to its
    /// worker and its handlers:
    ///
    /// ```no_run
    /// # async fn run() -> drydock::Result<()> {
    /// use std::sync::Arc;
    /// use drydock::config::Config;
    /// use drydock::store::{Store, StoreOptions, default_sqlite_url};
    /// use drydock::worker::{Worker, WorkerOptions};
    /// use drydock::{CancellationToken, Context, Env};
    ///
    /// // 1. The configuration, parsed and checked once (drivers configured).
    /// let config = Config::load(None, &Env::process())?;
    /// // 2. The store, and one resolver with the store as its cache.
    /// let url = config.store_url().map(str::to_owned).unwrap_or_else(default_sqlite_url);
    /// let store = Store::connect(&url, &StoreOptions::default()).await?;
    /// let context = Arc::new(Context::with_store(config, store));
    /// // 3. The worker runtime, over the same store and resolver.
    /// let worker = Worker::from_context(&context, WorkerOptions::from_config(context.config()))?;
    /// let shutdown = CancellationToken::new();
    /// let running = tokio::spawn({
    ///     let shutdown = shutdown.clone();
    ///     async move { worker.run(shutdown).await }
    /// });
    /// // 4. A request handler resolves with the same objects.
    /// let resolved = context
    ///     .resolver()
    ///     .resolve("file:///srv/designs/site.yaml", &context.resolve_options())
    ///     .await?;
    /// println!("{:?}", resolved.ingested.report.status);
    /// shutdown.cancel();
    /// let _report = running.await;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "store")]
    pub fn with_store(config: Config, store: drydock_store::Store) -> Self {
        let cache = Arc::new(drydock_store::StoreCache::new(store.clone()));
        let resolver = config
            .resolver_builder()
            .cache(cache, config.cache().clone())
            .design_cache(config.worker().design_cache.options())
            .build();
        Context {
            rules: Arc::new(Rules::new(config.validation().clone())),
            config: Arc::new(config),
            resolver: Arc::new(resolver),
            store: Some(store),
        }
    }

    /// This context, its resolver also telling `observer` how each
    /// resolution ended and how long each fetch took (a server's metrics);
    /// the cache stays shared with the original.
    pub fn observed(mut self, observer: Arc<dyn ResolveObserver>) -> Self {
        self.resolver = Arc::new(self.resolver.as_ref().clone().observed(observer));
        self
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The resolver every user of the context shares.
    pub fn resolver(&self) -> &Arc<Resolver> {
        &self.resolver
    }

    /// The design rules with `[validation]`, built once: the check
    /// [`Context::resolve_options`] runs after ingest.
    pub fn rules(&self) -> &Arc<Rules> {
        &self.rules
    }

    /// The store, if the context has one.
    #[cfg(feature = "store")]
    pub fn store(&self) -> Option<&drydock_store::Store> {
        self.store.as_ref()
    }

    /// Resolve options from the configuration: `[fetch]` and `[validation]`.
    pub fn resolve_options(&self) -> ResolveOptions {
        ResolveOptions::default()
            .with_fetch(self.config.fetch_options())
            .with_check(self.rules.clone())
    }
}
