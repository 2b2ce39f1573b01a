//! The [`Resolver`]: reference → driver → bytes → ingester → design.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::fetch::{FetchOptions, Fetched};
use crate::ingester::{IngestOptions, Ingested};
use crate::reference::DesignRef;
use crate::registry::Registry;

/// What to do for one resolution.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct ResolveOptions {
    /// Bounds of the fetch.
    pub fetch: FetchOptions,
    /// The ingester to use; `None` picks one by detection.
    pub ingester: Option<String>,
}

impl ResolveOptions {
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
}

/// Resolves design references through a [`Registry`].
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
}

impl Default for Resolver {
    fn default() -> Self {
        Resolver::new()
    }
}

impl Resolver {
    /// A resolver over everything linked into the program.
    pub fn new() -> Self {
        Resolver::with_registry(Registry::global())
    }

    /// A resolver over a given registry.
    pub fn with_registry(registry: Arc<Registry>) -> Self {
        Resolver {
            registry,
            allowed: None,
        }
    }

    /// Restricts the resolver to these schemes (e.g. no `file` for references
    /// written inside a design).
    pub fn allow_only<I, S>(mut self, schemes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let set = schemes
            .into_iter()
            .map(|s| s.as_ref().to_ascii_lowercase())
            .collect();
        self.allowed = Some(set);
        self
    }

    /// The registry used.
    pub fn registry(&self) -> &Arc<Registry> {
        &self.registry
    }

    /// Fetches the bytes within the options' bounds, verifying size and digest.
    pub async fn fetch(&self, reference: &DesignRef, options: &FetchOptions) -> Result<Fetched> {
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
        let redacted = || reference.redacted().to_owned();
        if options.cancel.is_cancelled() {
            return Err(Error::Cancelled {
                reference: redacted(),
            });
        }
        let fetched = tokio::select! {
            biased;
            _ = options.cancel.cancelled() => return Err(Error::Cancelled { reference: redacted() }),
            outcome = tokio::time::timeout(backstop(options.deadline), driver.fetch(reference, options)) => {
                outcome.map_err(|_| Error::DeadlineExceeded {
                    reference: redacted(),
                    deadline: options.deadline,
                })??
            }
        };
        check_fetched(reference, options, fetched)
    }

    /// Fetches and ingests `reference`.
    pub async fn resolve(&self, reference: &str, options: &ResolveOptions) -> Result<Resolved> {
        let reference = DesignRef::parse(reference)?;
        self.resolve_ref(&reference, options).await
    }

    /// Fetches and ingests an already parsed reference.
    pub async fn resolve_ref(
        &self,
        reference: &DesignRef,
        options: &ResolveOptions,
    ) -> Result<Resolved> {
        let fetched = self.fetch(reference, &options.fetch).await?;
        let ingested = self
            .ingest(reference, &fetched, options.ingester.as_deref())
            .await?;
        Ok(Resolved {
            reference: reference.clone(),
            fetched,
            ingested,
        })
    }

    /// Ingests fetched bytes with the named ingester, or the one detection picks.
    pub async fn ingest(
        &self,
        reference: &DesignRef,
        fetched: &Fetched,
        ingester: Option<&str>,
    ) -> Result<Ingested> {
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
        let bytes = fetched.bytes.clone();
        let options = IngestOptions::for_source(reference.redacted());
        // Ingestion is CPU-bound: keep it off the async workers.
        let worker = tokio::task::spawn_blocking(move || ingester.ingest(&bytes, &options));
        worker.await.map_err(|join| Error::Ingest {
            ingester: "unknown".into(),
            reference: reference.redacted().to_owned(),
            source: format!("the ingester panicked: {join}").into(),
        })?
    }
}

/// How long past the deadline the resolver waits before abandoning a driver.
///
/// A driver that honours the deadline answers by then with its own error (the
/// last failure and the attempt count), which says more than a bare
/// "deadline exceeded"; one that ignores it is cut off this much later.
pub const DEADLINE_GRACE: Duration = Duration::from_millis(250);

fn backstop(deadline: Duration) -> Duration {
    deadline.saturating_add(DEADLINE_GRACE)
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
