//! The [`Resolver`]: reference → driver → bytes → ingester → design.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::cache::SnapshotId;
use crate::check::{DesignCheck, DesignReader};
use crate::driver::Driver;
use crate::error::{Error, Result};
use crate::fetch::{CacheStatus, FetchOptions, Fetched};
use crate::ingester::{IngestOptions, Ingested};
use crate::layer::{Layer, apply_layers};
use crate::reference::DesignRef;
use crate::registry::Registry;

mod builder;
mod cached;
mod judge;
mod kept;
mod observe;

pub use builder::ResolverBuilder;
pub use judge::{AUTO_INGESTER, ingest_key};
pub use observe::{FetchEvent, OTHER_SCHEME, ResolveEvent, ResolveObserver, ResolveOutcome};

/// What to do for one resolution.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ResolveOptions {
    /// Bounds of the fetch.
    pub fetch: FetchOptions,
    /// The ingester to use; `None` picks one by detection.
    pub ingester: Option<String>,
    /// The check run after ingest (the design rules of `drydock-rules`);
    /// `None`, the default, judges the design by its schemas only.
    pub check: Option<Arc<dyn DesignCheck>>,
    /// Use the resolver's cache, if it has one (default true).
    pub use_cache: bool,
    /// Reads the design once ingested, while the check runs (see
    /// [`DesignReader`]); `None`, the default, reads nothing.
    pub reader: Option<DesignReader>,
}

impl Default for ResolveOptions {
    fn default() -> Self {
        ResolveOptions {
            fetch: FetchOptions::default(),
            ingester: None,
            check: None,
            use_cache: true,
            reader: None,
        }
    }
}

impl ResolveOptions {
    /// Runs `check` after ingest (e.g. `drydock_rules::Rules`).
    pub fn with_check(mut self, check: Arc<dyn DesignCheck>) -> Self {
        self.check = Some(check);
        self
    }
    /// Judges the design by its schemas only (no check after ingest).
    pub fn schema_only(mut self) -> Self {
        self.check = None;
        self
    }
    /// Bypasses the resolver's cache: always fetch and ingest.
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
    /// Has `reader` read the design once ingested, while the check runs.
    pub fn with_reader(mut self, reader: DesignReader) -> Self {
        self.reader = Some(reader);
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
    /// The design and its validation report, shared: a resolution served
    /// from memory (and every copy of this one) holds the same design, not
    /// a copy of it.
    pub ingested: Arc<Ingested>,
    /// How the bytes were judged: the ingester asked for, and the check
    /// after ingest (see [`ingest_key`]); the same bytes judged
    /// the same way give the same report.
    pub ingest_key: String,
    /// The stored resolution it was served from (a hit, or revalidated with
    /// the source); `None` when fetched and ingested now, and for a hit the
    /// resolver served from memory (a concurrent resolve, or within the TTL)
    /// of what was fetched now. How it was obtained is
    /// [`Resolved::cache_status`]; whoever resolved stores it (the store's
    /// `save_resolved`).
    pub from_snapshot: Option<SnapshotId>,
}

impl Resolved {
    /// How it was obtained: fetched and ingested now (miss), a stored one the
    /// source confirmed (revalidated), or served without asking (hit).
    pub fn cache_status(&self) -> CacheStatus {
        self.fetched.metadata.cache
    }

    /// The design and report, owned: taken as they are when nothing else
    /// shares them, else copied.
    pub fn into_ingested(self) -> Ingested {
        Arc::unwrap_or_clone(self.ingested)
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
    observers: Vec<Arc<dyn ResolveObserver>>,
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
        let span = tracing::info_span!(
            "fetch",
            reference = %reference,
            driver = name,
            bytes = tracing::field::Empty
        );
        let mut fetched = driver
            .fetch(reference, options)
            .instrument(span.clone())
            .await?;
        if fetched.metadata.not_modified {
            span.record("bytes", "not modified");
        } else {
            span.record("bytes", fetched.bytes.len());
        }
        fetched.metadata.access = driver.access(reference, options).stored();
        check_fetched(reference, options, fetched)
    }

    /// Fetches and ingests `reference`.
    pub async fn resolve(&self, reference: &str, options: &ResolveOptions) -> Result<Resolved> {
        let started = std::time::Instant::now();
        let reference = match DesignRef::parse(reference) {
            Ok(reference) => reference,
            Err(err) => {
                let failed = Err(err);
                self.report_resolution(OTHER_SCHEME, started, &failed);
                return failed;
            }
        };
        self.resolve_ref(&reference, options).await
    }

    /// Fetches and ingests an already parsed reference; with a cache, serves
    /// or revalidates what it stored (see [`crate::ResolveCache`]).
    pub async fn resolve_ref(
        &self,
        reference: &DesignRef,
        options: &ResolveOptions,
    ) -> Result<Resolved> {
        let started = std::time::Instant::now();
        let resolved = match &self.cache {
            Some(cache) => cache.resolve(self, reference, options).await,
            None => self.resolve_uncached(reference, options).await,
        };
        self.report_resolution(reference.scheme(), started, &resolved);
        resolved
    }

    /// Fetches and ingests, without looking anything up.
    pub(crate) async fn resolve_uncached(
        &self,
        reference: &DesignRef,
        options: &ResolveOptions,
    ) -> Result<Resolved> {
        let fetched = self.fetch_observed(reference, &options.fetch).await?;
        let (ingested, ingest_key) = self.ingest_for(reference, &fetched, options).await?;
        Ok(Resolved {
            reference: reference.clone(),
            fetched,
            ingested: Arc::new(ingested),
            ingest_key,
            from_snapshot: None,
        })
    }

    /// Ingests fetched bytes with the named ingester (or the one detection
    /// picks), then runs `check` if given; returns
    /// the design and its report, and the key of how it was judged.
    pub async fn ingest(
        &self,
        reference: &DesignRef,
        fetched: &Fetched,
        ingester: Option<&str>,
        check: Option<Arc<dyn DesignCheck>>,
    ) -> Result<(Ingested, String)> {
        self.ingest_reading(reference, fetched, ingester, check, None)
            .await
    }

    /// [`Resolver::ingest`] as `options` ask (ingester, check, reader).
    pub(crate) async fn ingest_for(
        &self,
        reference: &DesignRef,
        fetched: &Fetched,
        options: &ResolveOptions,
    ) -> Result<(Ingested, String)> {
        let (ingester, check) = (options.ingester.as_deref(), options.check.clone());
        self.ingest_reading(reference, fetched, ingester, check, options.reader.clone())
            .await
    }

    async fn ingest_reading(
        &self,
        reference: &DesignRef,
        fetched: &Fetched,
        ingester: Option<&str>,
        check: Option<Arc<dyn DesignCheck>>,
        reader: Option<DesignReader>,
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
        let key = ingest_key(ingester_name.unwrap_or(AUTO_INGESTER), check.as_deref());
        let bytes = fetched.bytes.clone();
        let options = IngestOptions::for_source(reference.redacted());
        let name = ingester.name();
        // Ingestion and the rules are CPU-bound: keep them off the async workers.
        let span = tracing::info_span!(
            "ingest",
            ingester = name,
            bytes = bytes.len(),
            documents = tracing::field::Empty
        );
        let within = span.clone();
        let worker = tokio::task::spawn_blocking(move || {
            within.in_scope(|| {
                let judged = judge::Judged {
                    check: check.as_deref(),
                    reader: reader.as_ref(),
                };
                judge::judge(ingester.as_ref(), &bytes, &options, judged)
            })
        });
        let ingested = worker.await.map_err(|join| Error::Ingest {
            ingester: name.into(),
            reference: reference.redacted().to_owned(),
            source: format!("the ingester panicked: {join}").into(),
        })??;
        span.record("documents", ingested.summary.documents);
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
