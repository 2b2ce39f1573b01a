//! [`ResolverBuilder`]: the registry, retries, layers, allow-list and cache.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::{ResolveObserver, Resolver, cached::CacheState, scheme_set};
use crate::cache::{CacheOptions, DesignCacheOptions, ResolveCache};
use crate::layer::{Layer, RetryPolicy};
use crate::registry::Registry;

/// Builds a [`Resolver`]: its registry, its retry policy, extra layers and
/// an allow-list of schemes.
#[derive(Debug, Default)]
pub struct ResolverBuilder {
    registry: Option<Arc<Registry>>,
    retry: RetryPolicy,
    extra: Vec<Arc<dyn Layer>>,
    allowed: Option<BTreeSet<String>>,
    cache: Option<(Arc<dyn ResolveCache>, CacheOptions)>,
    observers: Vec<Arc<dyn ResolveObserver>>,
    design_cache: Option<DesignCacheOptions>,
}

impl ResolverBuilder {
    /// Resolves through `registry` instead of [`Registry::global`].
    pub fn registry(mut self, registry: Arc<Registry>) -> Self {
        self.registry = Some(registry);
        self
    }
    /// Retries transient failures with `policy` (default [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }
    /// Adds a layer inside the standard ones (cancellation, deadline, retry),
    /// outside the driver; layers added first are outermost.
    pub fn layer(mut self, layer: Arc<dyn Layer>) -> Self {
        self.extra.push(layer);
        self
    }
    /// Restricts the resolver to these schemes (e.g. no `file` for references
    /// written inside a design).
    pub fn allow_only<I, S>(mut self, schemes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.allowed = Some(scheme_set(schemes));
        self
    }
    /// Serves resolutions from `cache` (e.g. the store): immutable
    /// references and pinned digests are served without a request, mutable
    /// ones revalidated (a conditional request, or the same digest) without
    /// ingesting again, and concurrent resolves of one reference make one
    /// fetch. The cache only reads: the caller stores what it resolved.
    pub fn cache(mut self, cache: Arc<dyn ResolveCache>, options: CacheOptions) -> Self {
        self.cache = Some((cache, options));
        self
    }
    /// Tells `observer` how each resolution ended and how long each fetch
    /// took (e.g. a server's metrics); see [`ResolveObserver`].
    pub fn observer(mut self, observer: Arc<dyn ResolveObserver>) -> Self {
        self.observers.push(observer);
        self
    }
    /// Keeps the stored resolutions the cache loads in memory, within
    /// `options`' bounds, so that the next resolution served from one of them
    /// (a hit, or revalidated with the source) does not load and parse it
    /// again (default: none kept; only with [`ResolverBuilder::cache`]).
    /// Every check a stored resolution gets still runs: the cache's lookup
    /// names it (by digest and ingest key), access and confinement are
    /// checked, and its bytes are hashed again.
    pub fn design_cache(mut self, options: DesignCacheOptions) -> Self {
        self.design_cache = Some(options);
        self
    }
    /// The resolver.
    pub fn build(self) -> Resolver {
        let design_cache = self.design_cache;
        let mut layers = crate::layer::standard_layers(self.retry);
        layers.extend(self.extra);
        Resolver {
            registry: self.registry.unwrap_or_else(Registry::global),
            allowed: self.allowed,
            layers,
            cache: self
                .cache
                .map(|(cache, options)| Arc::new(CacheState::new(cache, options, design_cache))),
            observers: self.observers,
        }
    }
}
