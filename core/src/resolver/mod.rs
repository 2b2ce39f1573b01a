//! The [`Resolver`]: reference → driver → bytes → ingester → design.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::driver::Driver;
use crate::error::{Error, Result};
use crate::fetch::{FetchOptions, Fetched};
use crate::ingester::{IngestOptions, Ingested};
use crate::layer::{Layer, apply_layers};
use crate::reference::DesignRef;
use crate::registry::Registry;
use crate::validation::ValidationConfig;

mod builder;
mod cached;
mod judge;

pub use builder::ResolverBuilder;
pub use judge::{AUTO_INGESTER, ingest_key};

/// What to do for one resolution.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ResolveOptions {
    /// Bounds of the fetch.
    pub fetch: FetchOptions,
    /// The ingester to use; `None` picks one by detection.
    pub ingester: Option<String>,
    /// The design rules run after ingest, with this configuration; `None`
    /// judges the design by its schemas only.
    pub validation: Option<Arc<ValidationConfig>>,
    /// Use the resolver's cache, if it has one (default true).
    pub use_cache: bool,
}

impl Default for ResolveOptions {
    fn default() -> Self {
        ResolveOptions {
            fetch: FetchOptions::default(),
            ingester: None,
            validation: Some(Arc::new(ValidationConfig::default())),
            use_cache: true,
        }
    }
}

impl ResolveOptions {
    /// Runs the design rules with `config`.
    pub fn with_validation(mut self, config: ValidationConfig) -> Self {
        self.validation = Some(Arc::new(config));
        self
    }
    /// Judges the design by its schemas only (no design rules).
    pub fn schema_only(mut self) -> Self {
        self.validation = None;
        self
    }
    /// Bypasses the resolver's cache: always fetch and ingest (the result is
    /// still recorded in the cache).
    pub fn without_cache(mut self) -> Self {
        self.use_cache = false;
        self
    }
    /// Sets the fetch options.
    pub fn with_fetch(mut self, fetch: FetchOptions) -> Self {
        self.fetch = fetch;
        self
    }
    /// Names the ingester to use.
    pub fn with_ingester(mut self, name: impl Into<String>) -> Self {
        self.ingester = Some(name.into());
        self
    }
}

/// A resolved design: the reference, what was fetched and what was ingested.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Resolved {
    /// The reference resolved.
    pub reference: DesignRef,
    /// The bytes and their metadata.
    pub fetched: Fetched,
    /// The design and its validation report.
    pub ingested: Ingested,
    /// How the bytes were judged: the ingester asked for, and the rules
    /// with their configuration (see [`ingest_key`]); the same bytes judged
    /// the same way give the same report.
    pub ingest_key: String,
    /// With a cache: the stored resolution this one is (its id, and whether
    /// an existing one was reused), or why it could not be stored (the
    /// resolution itself succeeded). `None` without a cache.
    pub record: Option<std::result::Result<CacheRecord, Arc<Error>>>,
}

/// Where a resolution was recorded by the resolver's cache.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CacheRecord {
    /// The cache's id (a snapshot id).
    pub id: String,
    /// True when an existing record was reused (served, revalidated, or the
    /// same content stored again) rather than a new one added.
    pub reused: bool,
}

impl CacheRecord {
    /// A record.
    pub fn new(id: impl Into<String>, reused: bool) -> Self {
        CacheRecord {
            id: id.into(),
            reused,
        }
    }
}

/// Resolves design references through a [`Registry`], with layers
/// (cancellation, deadline, retry, and any a program adds) around every driver.
///
/// ```no_run
/// # async fn run() -> drydock_core::Result<()> {
/// use drydock_core::{Resolver, ResolveOptions};
/// let resolved = Resolver::new().resolve("file:///srv/site.yaml", &ResolveOptions::default()).await?;
/// println!("{} documents", resolved.ingested.summary.documents);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Resolver {
    registry: Arc<Registry>,
    allowed: Option<BTreeSet<String>>,
    layers: Vec<Arc<dyn Layer>>,
    cache: Option<Arc<cached::CacheState>>,
}

impl Default for Resolver {
    fn default() -> Self {
        Resolver::new()
    }
}

/// Schemes, lower-cased, as an allow-list.
pub(super) fn scheme_set<I, S>(schemes: I) -> BTreeSet<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    schemes
        .into_iter()
        .map(|s| s.as_ref().to_ascii_lowercase())
        .collect()
}

impl Resolver {
    /// A resolver over everything linked into the program, default options.
    pub fn new() -> Self {
        Resolver::builder().build()
    }

    /// A builder.
    pub fn builder() -> ResolverBuilder {
        ResolverBuilder::default()
    }

    /// A resolver over a given registry, with the standard layers.
    pub fn with_registry(registry: Arc<Registry>) -> Self {
        Resolver::builder().registry(registry).build()
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

    /// The registry used.
    pub fn registry(&self) -> &Arc<Registry> {
        &self.registry
    }

    /// The driver for `reference`'s scheme, wrapped in this resolver's layers.
    pub fn driver_for(&self, reference: &DesignRef) -> Result<Arc<dyn Driver>> {
        let scheme = reference.scheme();
        if let Some(allowed) = &self.allowed
            && !allowed.contains(scheme)
        {
            return Err(Error::SchemeNotAllowed {
                scheme: scheme.to_owned(),
                allowed: allowed.iter().cloned().collect(),
            });
        }
        let driver = self.registry.driver(scheme)?;
        Ok(apply_layers(&self.layers, driver))
    }

    /// Fetches the bytes within the options' bounds, verifying size and digest.
    pub async fn fetch(&self, reference: &DesignRef, options: &FetchOptions) -> Result<Fetched> {
        use tracing::Instrument as _;
        let driver = self.driver_for(reference)?;
        let name = self
            .registry
            .driver_name(reference.scheme())
            .unwrap_or_default();
        let span = tracing::info_span!("fetch", reference = %reference, driver = name);
        let fetched = driver.fetch(reference, options).instrument(span).await?;
        check_fetched(reference, options, fetched)
    }

    /// Fetches and ingests `reference`.
    pub async fn resolve(&self, reference: &str, options: &ResolveOptions) -> Result<Resolved> {
        let reference = DesignRef::parse(reference)?;
        self.resolve_ref(&reference, options).await
    }

    /// Fetches and ingests an already parsed reference; with a cache, serves
    /// or revalidates what it stored (see [`crate::ResolveCache`]).
    pub async fn resolve_ref(
        &self,
        reference: &DesignRef,
        options: &ResolveOptions,
    ) -> Result<Resolved> {
        if let Some(cache) = &self.cache {
            return cache.resolve(self, reference, options).await;
        }
        self.resolve_uncached(reference, options).await
    }

    /// Fetches and ingests, without looking anything up.
    pub(crate) async fn resolve_uncached(
        &self,
        reference: &DesignRef,
        options: &ResolveOptions,
    ) -> Result<Resolved> {
        let fetched = self.fetch(reference, &options.fetch).await?;
        let (ingested, ingest_key) = self
            .ingest(
                reference,
                &fetched,
                options.ingester.as_deref(),
                options.validation.clone(),
            )
            .await?;
        Ok(Resolved {
            reference: reference.clone(),
            fetched,
            ingested,
            ingest_key,
            record: None,
        })
    }

    /// Ingests fetched bytes with the named ingester (or the one detection
    /// picks), then runs the design rules if `validation` is given; returns
    /// the design and its report, and the key of how it was judged.
    pub async fn ingest(
        &self,
        reference: &DesignRef,
        fetched: &Fetched,
        ingester: Option<&str>,
        validation: Option<Arc<ValidationConfig>>,
    ) -> Result<(Ingested, String)> {
        let ingester_name = ingester;
        let ingester =
            match ingester {
                Some(name) => self.registry.ingester(name)?,
                None => self.registry.detect(&fetched.bytes).ok_or_else(|| {
                    Error::NoIngesterDetected {
                        reference: reference.redacted().to_owned(),
                        known: self.registry.ingester_names(),
                    }
                })?,
            };
        let key = ingest_key(
            ingester_name.unwrap_or(AUTO_INGESTER),
            validation.as_deref(),
        );
        let bytes = fetched.bytes.clone();
        let options = IngestOptions::for_source(reference.redacted());
        let name = ingester.name();
        // Ingestion and the rules are CPU-bound: keep them off the async workers.
        let span = tracing::info_span!("ingest", ingester = name);
        let worker = tokio::task::spawn_blocking(move || {
            span.in_scope(|| {
                judge::judge(ingester.as_ref(), &bytes, &options, validation.as_deref())
            })
        });
        let ingested = worker.await.map_err(|join| Error::Ingest {
            ingester: name.into(),
            reference: reference.redacted().to_owned(),
            source: format!("the ingester panicked: {join}").into(),
        })??;
        Ok((ingested, key))
    }
}

fn check_fetched(
    reference: &DesignRef,
    options: &FetchOptions,
    fetched: Fetched,
) -> Result<Fetched> {
    let size = fetched.bytes.len() as u64;
    if size > options.max_size {
        return Err(Error::TooLarge {
            reference: reference.redacted().to_owned(),
            limit: options.max_size,
            size: Some(size),
            source: None,
        });
    }
    if fetched.metadata.not_modified {
        return Ok(fetched);
    }
    let actual = fetched.verified_digest();
    if actual != fetched.metadata.digest {
        return Err(Error::IntegrityMismatch {
            reference: reference.redacted().to_owned(),
            expected: fetched.metadata.digest.to_string(),
            actual: actual.to_string(),
        });
    }
    if let Some(expected) = options.expected_digest
        && expected != actual
    {
        return Err(Error::IntegrityMismatch {
            reference: reference.redacted().to_owned(),
            expected: expected.to_string(),
            actual: actual.to_string(),
        });
    }
    Ok(fetched)
}
