//! The resolver with a cache: single-flight per reference, served when
//! immutable (or pinned, or within the TTL), revalidated otherwise. The
//! cache is only read: the [`Resolved`] says how it was obtained and from
//! which stored resolution, and the caller stores it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::kept::KeptDesigns;
use super::{ResolveOptions, Resolved, Resolver, ingest_key};
use crate::cache::{CacheOptions, CachedEntry, CachedResolution, DesignCacheOptions, ResolveCache};
use crate::digest::HashedBytes;
use crate::error::Result;
use crate::fetch::{CacheStatus, FetchMetadata, Fetched};
use crate::ingester::Ingested;
use crate::reference::DesignRef;

/// A resolution kept in memory: for resolves that waited on it, and within the TTL.
struct Memo {
    at: Instant,
    resolved: Resolved,
}

type Slot = Arc<tokio::sync::Mutex<Option<Memo>>>;

/// The cache, its options, and the resolutions in flight.
pub(crate) struct CacheState {
    cache: Arc<dyn ResolveCache>,
    options: CacheOptions,
    flights: Mutex<HashMap<String, Slot>>,
    /// Stored resolutions loaded and verified, kept in memory (if bounded so).
    kept: Option<KeptDesigns>,
}

impl std::fmt::Debug for CacheState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CacheState")
            .field("cache", &self.cache)
            .field("options", &self.options)
            .field("kept", &self.kept)
            .finish()
    }
}

impl CacheState {
    pub(crate) fn new(
        cache: Arc<dyn ResolveCache>,
        options: CacheOptions,
        design_cache: Option<DesignCacheOptions>,
    ) -> Self {
        CacheState {
            cache,
            options,
            flights: Mutex::new(HashMap::new()),
            kept: design_cache.as_ref().and_then(KeptDesigns::new),
        }
    }

    fn flights(&self) -> std::sync::MutexGuard<'_, HashMap<String, Slot>> {
        self.flights.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The slot of `key`; makes room (dropping idle slots, oldest first)
    /// so that memory holds at most `max_entries` resolutions.
    fn slot(&self, key: &str) -> Slot {
        let mut flights = self.flights();
        if !flights.contains_key(key) && flights.len() >= self.options.max_entries.max(1) {
            let idle: Vec<String> = flights
                .iter()
                .filter(|(_, slot)| Arc::strong_count(slot) == 1)
                .map(|(k, _)| k.clone())
                .collect();
            for k in idle
                .into_iter()
                .take(flights.len() + 1 - self.options.max_entries.max(1))
            {
                flights.remove(&k);
            }
        }
        flights.entry(key.to_owned()).or_default().clone()
    }

    /// After a flight: without a TTL nothing is kept once nobody waits.
    fn settle(&self, key: &str, slot: Slot) {
        let mut flights = self.flights();
        if self.options.ttl.is_zero() && Arc::strong_count(&slot) <= 2 {
            flights.remove(key);
        }
    }

    pub(crate) async fn resolve(
        &self,
        resolver: &Resolver,
        reference: &DesignRef,
        options: &ResolveOptions,
    ) -> Result<Resolved> {
        let requested = options.ingester.as_deref().unwrap_or(super::AUTO_INGESTER);
        let ik = ingest_key(requested, options.check.as_deref());
        if !options.use_cache {
            return resolver.resolve_uncached(reference, options).await;
        }
        // Every check a fresh fetch makes on the reference comes before any
        // lookup: the cache is no way around confinement.
        let driver = resolver.driver_for(reference)?;
        driver.admit(reference)?;
        let access = driver.access(reference, &options.fetch);
        let pinned = options
            .fetch
            .expected_digest
            .map(|d| d.to_string())
            .unwrap_or_default();
        let key = format!(
            "{}\n{ik}\n{pinned}\n{}",
            reference.canonical_key(),
            access.stored().unwrap_or_default()
        );
        let slot = self.slot(&key);
        let waited_since = Instant::now();
        let mut memo = slot.lock().await;
        if let Some(m) = memo.as_ref() {
            let concurrent = m.at >= waited_since;
            let fresh = !self.options.ttl.is_zero() && m.at.elapsed() < self.options.ttl;
            if (concurrent || fresh) && access != crate::Access::Unknown {
                let mut resolved = m.resolved.clone();
                resolved.reference = reference.clone();
                resolved.fetched.metadata.cache = CacheStatus::Hit;
                return Ok(resolved);
            }
        }
        let outcome = self
            .resolve_through(resolver, reference, options, &ik, &access)
            .await;
        // Kept for those waiting on this resolution, or within a TTL; with
        // neither it would be dropped at once (a copy of a whole design).
        let wanted = !self.options.ttl.is_zero() || Arc::strong_count(&slot) > 2;
        if let Ok(resolved) = &outcome {
            *memo = wanted.then(|| Memo {
                at: Instant::now(),
                resolved: resolved.clone(),
            });
        }
        drop(memo);
        self.settle(&key, slot);
        outcome
    }

    async fn resolve_through(
        &self,
        resolver: &Resolver,
        reference: &DesignRef,
        options: &ResolveOptions,
        ik: &str,
        access: &crate::Access,
    ) -> Result<Resolved> {
        let driver = resolver.driver_for(reference)?;
        // Served without asking the source only to whoever it was fetched
        // as; anyone else is revalidated with their own credentials.
        let readable = |entry: &CachedEntry| access.may_read(entry.metadata.access.as_deref());
        // A cache that cannot be read is no reason not to resolve.
        let unread = |e: crate::Error| {
            tracing::warn!(reference = %reference, error = %e, "the cache could not be read; resolving without it");
        };
        // A stored resolution that cannot be served (a corrupt row, bytes
        // that are not the pinned ones) is refused: resolve afresh.
        let unusable = |e: crate::Error| {
            tracing::warn!(reference = %reference, error = %e, "a stored resolution was refused; resolving afresh");
        };
        let entry = match &options.fetch.expected_digest {
            // A pinned digest names its content: a stored match is served.
            Some(digest) => match self.cache.lookup_digest(digest, ik).await {
                Ok(Some(found)) if !readable(&found.entry) => {
                    self.cache.lookup(reference, ik).await.unwrap_or_else(|e| {
                        unread(e);
                        None
                    })
                }
                Ok(Some(found)) => {
                    let id = found.entry.id;
                    match self.served_loaded(reference, ik, options, found, None, CacheStatus::Hit)
                    {
                        Ok(served) => {
                            tracing::debug!(reference = %reference, id = %id, "served from the cache");
                            return Ok(served);
                        }
                        Err(e) => unusable(e),
                    }
                    None
                }
                Ok(None) => None,
                Err(e) => {
                    unread(e);
                    None
                }
            },
            None => self.cache.lookup(reference, ik).await.unwrap_or_else(|e| {
                unread(e);
                None
            }),
        };
        let mut entry = entry;
        if let Some(found) = &entry {
            let age = chrono::Utc::now() - found.resolved_at;
            let within_ttl =
                !self.options.ttl.is_zero() && age.to_std().is_ok_and(|age| age < self.options.ttl);
            if (driver.immutable(reference) || within_ttl) && readable(found) {
                match self
                    .load_served(reference, ik, options, found, None, CacheStatus::Hit)
                    .await
                {
                    Ok(served) => {
                        tracing::debug!(reference = %reference, id = %found.id, "served from the cache");
                        return Ok(served);
                    }
                    Err(e) => {
                        unusable(e);
                        entry = None;
                    }
                }
            }
        }
        let mut fetch = options.fetch.clone();
        if let Some(entry) = &entry
            && driver.capabilities().conditional_fetch
        {
            fetch.if_none_match = entry.metadata.etag.clone();
            fetch.if_modified_since = entry.metadata.last_modified.clone();
            fetch.validated_at = Some(entry.metadata.location.clone());
        }
        let mut fetched = resolver.fetch_observed(reference, &fetch).await?;
        if let Some(found) = &entry
            && fetched.metadata.not_modified
            && fetched.metadata.location != found.metadata.location
        {
            // "Not modified" from elsewhere than where the validators came
            // from proves nothing about what is stored: fetch whole.
            tracing::warn!(reference = %reference, "not modified, but from another location than the stored one; fetching again");
            entry = None;
            fetched = resolver.fetch_observed(reference, &options.fetch).await?;
        }
        if fetched.metadata.not_modified && entry.is_none() {
            return Err(crate::Error::IntegrityMismatch {
                reference: reference.redacted().to_owned(),
                expected: "content".into(),
                actual: "\"not modified\" to a request without validators".into(),
            });
        }
        if let Some(found) = &entry
            && (fetched.metadata.not_modified || fetched.metadata.digest == found.metadata.digest)
        {
            let mut seen = fetched.metadata.clone();
            seen.cache = CacheStatus::Revalidated;
            if seen.not_modified {
                seen.digest = found.metadata.digest;
                seen.length = found.metadata.length;
                seen.etag = seen.etag.or_else(|| found.metadata.etag.clone());
                seen.last_modified = seen
                    .last_modified
                    .or_else(|| found.metadata.last_modified.clone());
            }
            let was_not_modified = seen.not_modified;
            match self
                .load_served(
                    reference,
                    ik,
                    options,
                    found,
                    Some(seen),
                    CacheStatus::Revalidated,
                )
                .await
            {
                Ok(served) => {
                    tracing::debug!(reference = %reference, id = %found.id, "revalidated with the source: not ingested again");
                    return Ok(served);
                }
                Err(e) => {
                    unusable(e);
                    if was_not_modified {
                        fetched = resolver.fetch_observed(reference, &options.fetch).await?;
                    }
                }
            }
        }
        let (ingested, ingest_key) = resolver.ingest_for(reference, &fetched, options).await?;
        Ok(Resolved {
            reference: reference.clone(),
            fetched,
            ingested: Arc::new(ingested),
            ingest_key,
            from_snapshot: None,
        })
    }

    /// Serves a resolution the cache loaded whole ([`CacheState::served`]),
    /// its bytes hashed against the digest it was stored under.
    fn served_loaded(
        &self,
        reference: &DesignRef,
        ik: &str,
        options: &ResolveOptions,
        loaded: CachedResolution,
        seen: Option<FetchMetadata>,
        status: CacheStatus,
    ) -> Result<Resolved> {
        let CachedResolution {
            entry,
            bytes,
            ingested,
            ..
        } = loaded;
        let content = HashedBytes::new(bytes);
        self.served(
            reference, ik, options, entry, content, ingested, seen, status,
        )
    }

    /// Loads `entry` and serves it ([`CacheState::served`]): from memory
    /// when kept there (verified when it was kept), else from the cache,
    /// hashed against the digest it was stored under.
    async fn load_served(
        &self,
        reference: &DesignRef,
        ik: &str,
        options: &ResolveOptions,
        entry: &CachedEntry,
        seen: Option<FetchMetadata>,
        status: CacheStatus,
    ) -> Result<Resolved> {
        let digest = entry.metadata.digest;
        if let Some(kept) = self.kept.as_ref().and_then(|k| k.get(&digest, ik)) {
            tracing::debug!(reference = %reference, id = %entry.id, "the stored resolution is in memory: not loaded again");
            let content = kept.content.clone();
            let ingested = kept.ingested.clone();
            return self.served(
                reference,
                ik,
                options,
                entry.clone(),
                content,
                ingested,
                seen,
                status,
            );
        }
        let loaded = self.cache.load(entry).await?;
        let served = self.served_loaded(reference, ik, options, loaded, seen, status)?;
        if let Some(kept) = &self.kept {
            // Verified: its bytes are the digest the cache named.
            let fetched = &served.fetched;
            let content = HashedBytes::from_parts(fetched.bytes.clone(), fetched.verified_digest());
            kept.keep(ik, content, served.ingested.clone());
        }
        Ok(served)
    }

    /// A resolution served from a stored one (with the source's latest word,
    /// if any). A stored row whose bytes are not the digest it was stored
    /// under is refused as corrupt, and so are bytes other than a pinned
    /// digest, whichever way they were found.
    #[allow(clippy::too_many_arguments)]
    fn served(
        &self,
        reference: &DesignRef,
        ik: &str,
        options: &ResolveOptions,
        entry: CachedEntry,
        content: HashedBytes,
        ingested: Arc<Ingested>,
        seen: Option<FetchMetadata>,
        status: CacheStatus,
    ) -> Result<Resolved> {
        let CachedEntry { id, metadata, .. } = entry;
        let stored = metadata.digest;
        let mut fetched = Fetched::from_hashed_parts(content, seen.unwrap_or(metadata));
        let actual = fetched.metadata.digest;
        for expected in [Some(stored), options.fetch.expected_digest]
            .into_iter()
            .flatten()
        {
            if expected != actual {
                return Err(crate::Error::IntegrityMismatch {
                    reference: format!("{} (stored resolution {id})", reference.redacted()),
                    expected: expected.to_string(),
                    actual: actual.to_string(),
                });
            }
        }
        fetched.metadata.cache = status;
        Ok(Resolved {
            reference: reference.clone(),
            fetched,
            ingested,
            ingest_key: ik.to_owned(),
            from_snapshot: Some(id),
        })
    }
}
