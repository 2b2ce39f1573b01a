//! The resolver with a cache: single-flight per reference, served when
//! immutable (or pinned, or within the TTL), revalidated otherwise. The
//! cache is only read: the [`Resolved`] says how it was obtained and from
//! which stored resolution, and the caller stores it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::{ResolveOptions, Resolved, Resolver, ingest_key};
use crate::cache::{CacheOptions, CachedEntry, CachedResolution, ResolveCache};
use crate::error::Result;
use crate::fetch::{CacheStatus, FetchMetadata, Fetched};
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
}

impl std::fmt::Debug for CacheState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CacheState")
            .field("cache", &self.cache)
            .field("options", &self.options)
            .finish()
    }
}

impl CacheState {
    pub(crate) fn new(cache: Arc<dyn ResolveCache>, options: CacheOptions) -> Self {
        CacheState {
            cache,
            options,
            flights: Mutex::new(HashMap::new()),
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
        let pinned = options
            .fetch
            .expected_digest
            .map(|d| d.to_string())
            .unwrap_or_default();
        let key = format!("{}\n{ik}\n{pinned}", reference.canonical_key());
        let slot = self.slot(&key);
        let waited_since = Instant::now();
        let mut memo = slot.lock().await;
        if let Some(m) = memo.as_ref() {
            let concurrent = m.at >= waited_since;
            let fresh = !self.options.ttl.is_zero() && m.at.elapsed() < self.options.ttl;
            if concurrent || fresh {
                let mut resolved = m.resolved.clone();
                resolved.reference = reference.clone();
                resolved.fetched.metadata.cache = CacheStatus::Hit;
                return Ok(resolved);
            }
        }
        let outcome = self
            .resolve_through(resolver, reference, options, &ik)
            .await;
        if let Ok(resolved) = &outcome {
            *memo = Some(Memo {
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
    ) -> Result<Resolved> {
        let driver = resolver.driver_for(reference)?;
        // A cache that cannot be read is no reason not to resolve.
        let unread = |e: crate::Error| {
            tracing::warn!(reference = %reference, error = %e, "the cache could not be read; resolving without it");
        };
        let entry = match &options.fetch.expected_digest {
            // A pinned digest names its content: a stored match is served.
            Some(digest) => match self.cache.lookup_digest(digest, ik).await {
                Ok(Some(found)) => {
                    tracing::debug!(reference = %reference, id = %found.entry.id, "served from the cache");
                    return Ok(self.served(reference, ik, found, None, CacheStatus::Hit));
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
        if let Some(entry) = &entry {
            let age = chrono::Utc::now() - entry.resolved_at;
            let within_ttl =
                !self.options.ttl.is_zero() && age.to_std().is_ok_and(|age| age < self.options.ttl);
            if driver.immutable(reference) || within_ttl {
                let loaded = self.cache.load(entry).await?;
                tracing::debug!(reference = %reference, id = %entry.id, "served from the cache");
                return Ok(self.served(reference, ik, loaded, None, CacheStatus::Hit));
            }
        }
        let mut fetch = options.fetch.clone();
        if let Some(entry) = &entry
            && driver.capabilities().conditional_fetch
        {
            fetch.if_none_match = entry.metadata.etag.clone();
            fetch.if_modified_since = entry.metadata.last_modified.clone();
        }
        let fetched = resolver.fetch(reference, &fetch).await?;
        if let Some(entry) = &entry
            && (fetched.metadata.not_modified || fetched.metadata.digest == entry.metadata.digest)
        {
            let mut seen = fetched.metadata.clone();
            seen.cache = CacheStatus::Revalidated;
            if seen.not_modified {
                seen.digest = entry.metadata.digest;
                seen.length = entry.metadata.length;
                seen.etag = seen.etag.or_else(|| entry.metadata.etag.clone());
                seen.last_modified = seen
                    .last_modified
                    .or_else(|| entry.metadata.last_modified.clone());
            }
            let loaded = self.cache.load(entry).await?;
            tracing::debug!(reference = %reference, id = %entry.id, "revalidated with the source: not ingested again");
            return Ok(self.served(reference, ik, loaded, Some(seen), CacheStatus::Revalidated));
        }
        let (ingested, ingest_key) = resolver
            .ingest(
                reference,
                &fetched,
                options.ingester.as_deref(),
                options.check.clone(),
            )
            .await?;
        Ok(Resolved {
            reference: reference.clone(),
            fetched,
            ingested,
            ingest_key,
            from_snapshot: None,
        })
    }

    /// A resolution served from a stored one (with the source's latest word, if any).
    fn served(
        &self,
        reference: &DesignRef,
        ik: &str,
        loaded: CachedResolution,
        seen: Option<FetchMetadata>,
        status: CacheStatus,
    ) -> Resolved {
        let CachedResolution {
            entry,
            bytes,
            ingested,
            ..
        } = loaded;
        let CachedEntry { id, metadata, .. } = entry;
        let mut fetched = Fetched::from_parts(bytes, seen.unwrap_or(metadata));
        fetched.metadata.cache = status;
        Resolved {
            reference: reference.clone(),
            fetched,
            ingested,
            ingest_key: ik.to_owned(),
            from_snapshot: Some(id),
        }
    }
}
