//! What the cache tests share: a source whose body tests change, an
//! ingester that counts, and a cache in memory as the store is one on disk.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use drydock_core::{
    Bytes, CacheOptions, CacheStatus, CachedEntry, CachedResolution, Capabilities,
    DesignCacheOptions, DesignRef, Detection, Digest, Driver, Error, ErrorKind, FetchOptions,
    Fetched, IngestOptions, Ingested, Ingester, Registry, ResolveCache, ResolveOptions, Resolved,
    Resolver, Result, SnapshotId, async_trait,
};

/// Serves a body that tests change; answers "not modified" to its ETag when
/// `conditional`; `immutable` references are those under `/rev/`.
#[derive(Debug)]
pub struct Source {
    pub body: Mutex<&'static str>,
    pub fetches: AtomicU32,
    pub conditional_requests: AtomicU32,
    conditional: bool,
    delay: Duration,
}

impl Source {
    fn new(conditional: bool) -> Arc<Self> {
        Arc::new(Source {
            body: Mutex::new("kind: demo\nv: 1\n"),
            fetches: AtomicU32::new(0),
            conditional_requests: AtomicU32::new(0),
            conditional,
            delay: Duration::from_millis(50),
        })
    }
    fn etag(body: &str) -> String {
        format!("\"{}\"", Digest::of(body.as_bytes()).hex())
    }
}

#[async_trait]
impl Driver for Source {
    fn capabilities(&self) -> Capabilities {
        if self.conditional {
            Capabilities::NONE.with_conditional_fetch()
        } else {
            Capabilities::NONE
        }
    }
    fn immutable(&self, reference: &DesignRef) -> bool {
        reference.url().path().starts_with("/rev/")
    }
    async fn fetch(&self, reference: &DesignRef, options: &FetchOptions) -> Result<Fetched> {
        self.fetches.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(self.delay).await;
        let body = *self.body.lock().unwrap();
        let etag = Source::etag(body);
        if self.conditional && options.if_none_match.is_some() {
            self.conditional_requests.fetch_add(1, Ordering::SeqCst);
            if options.if_none_match.as_deref() == Some(etag.as_str()) {
                return Ok(Fetched::not_modified("src", reference, Some(etag)));
            }
        }
        Ok(Fetched::new("src", reference, Bytes::from_static(body.as_bytes())).with_etag(etag))
    }
}

#[derive(Debug, Default)]
pub struct CountingIngester(pub AtomicU32);

impl Ingester for CountingIngester {
    fn name(&self) -> &'static str {
        "demo"
    }
    fn detect(&self, bytes: &[u8]) -> Detection {
        if bytes.starts_with(b"kind: demo") {
            Detection::Yes
        } else {
            Detection::No
        }
    }
    fn ingest(&self, _: &Bytes, _: &IngestOptions) -> Result<Ingested> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(Ingested::default())
    }
}

/// A cache in memory, as the store is one on disk; [`MemoryCache::save`] is
/// what the store's `save_resolved` does for whoever resolved.
#[derive(Debug, Default)]
pub struct MemoryCache {
    pub rows: Mutex<HashMap<String, (CachedEntry, Bytes, String)>>,
    /// Resolutions put (fetched and ingested, or served from memory).
    pub puts: AtomicU32,
    /// Rows added (a put of unchanged content reuses the latest row).
    pub stores: AtomicU32,
    pub seen: AtomicU32,
    /// Stored resolutions loaded ([`ResolveCache::load`]).
    pub loads: AtomicU32,
    pub fail_reads: bool,
}

impl MemoryCache {
    fn down() -> Error {
        Error::fetch(
            ErrorKind::Unavailable,
            "memory",
            "cache",
            "the cache is down",
        )
    }

    /// Keeps a hit from a row as it is, records a revalidated one (its
    /// row's metadata), puts anything else (a new row, unless the latest of
    /// its key has the same content); returns the row's id.
    pub fn save(&self, resolved: &Resolved) -> SnapshotId {
        let mut rows = self.rows.lock().unwrap();
        match (resolved.cache_status(), resolved.from_snapshot) {
            (CacheStatus::Hit, Some(id)) => id,
            (CacheStatus::Revalidated, Some(id)) => {
                self.seen.fetch_add(1, Ordering::SeqCst);
                for (e, _, _) in rows.values_mut().filter(|(e, _, _)| e.id == id) {
                    e.metadata = resolved.fetched.metadata.clone();
                    e.resolved_at = chrono::Utc::now();
                }
                id
            }
            _ => {
                self.puts.fetch_add(1, Ordering::SeqCst);
                let key = format!(
                    "{}|{}",
                    resolved.reference.canonical_key(),
                    resolved.ingest_key
                );
                if let Some((e, _, _)) = rows.get_mut(&key)
                    && e.metadata.digest == resolved.fetched.metadata.digest
                {
                    e.resolved_at = chrono::Utc::now();
                    return e.id;
                }
                let n = self.stores.fetch_add(1, Ordering::SeqCst);
                let id = SnapshotId::from_u128(u128::from(n) + 1);
                let entry =
                    CachedEntry::new(id, resolved.fetched.metadata.clone(), chrono::Utc::now());
                let row = (
                    entry,
                    resolved.fetched.bytes.clone(),
                    resolved.ingest_key.clone(),
                );
                rows.insert(key, row);
                id
            }
        }
    }
}

#[async_trait]
impl ResolveCache for MemoryCache {
    async fn lookup(&self, reference: &DesignRef, ingest_key: &str) -> Result<Option<CachedEntry>> {
        if self.fail_reads {
            return Err(MemoryCache::down());
        }
        let key = format!("{}|{ingest_key}", reference.canonical_key());
        Ok(self
            .rows
            .lock()
            .unwrap()
            .get(&key)
            .map(|(e, _, _)| e.clone()))
    }
    async fn lookup_digest(
        &self,
        digest: &Digest,
        ingest_key: &str,
    ) -> Result<Option<CachedResolution>> {
        if self.fail_reads {
            return Err(MemoryCache::down());
        }
        Ok(self
            .rows
            .lock()
            .unwrap()
            .values()
            .find(|(e, _, ik)| e.metadata.digest == *digest && ik == ingest_key)
            .map(|(e, bytes, _)| {
                CachedResolution::new(e.clone(), bytes.clone(), Ingested::default())
            }))
    }
    async fn load(&self, entry: &CachedEntry) -> Result<CachedResolution> {
        self.loads.fetch_add(1, Ordering::SeqCst);
        let rows = self.rows.lock().unwrap();
        let (_, bytes, _) = rows
            .values()
            .find(|(e, _, _)| e.id == entry.id)
            .expect("stored");
        Ok(CachedResolution::new(
            entry.clone(),
            bytes.clone(),
            Ingested::default(),
        ))
    }
}

pub struct Setup {
    pub source: Arc<Source>,
    pub ingester: Arc<CountingIngester>,
    pub cache: Arc<MemoryCache>,
    pub resolver: Resolver,
}

pub fn setup(conditional: bool, options: CacheOptions, cache: MemoryCache) -> Setup {
    setup_kept(conditional, options, cache, None)
}

/// [`setup`], the resolver keeping loaded designs within `design_cache`.
pub fn setup_kept(
    conditional: bool,
    options: CacheOptions,
    cache: MemoryCache,
    design_cache: Option<DesignCacheOptions>,
) -> Setup {
    let source = Source::new(conditional);
    let ingester = Arc::new(CountingIngester::default());
    let cache = Arc::new(cache);
    let registry = Registry::builder()
        .driver_instance("test", "src", &["src"], source.clone())
        .ingester_instance("test", ingester.clone())
        .build()
        .unwrap();
    let mut resolver = Resolver::builder()
        .registry(Arc::new(registry))
        .cache(cache.clone(), options);
    if let Some(bounds) = design_cache {
        resolver = resolver.design_cache(bounds);
    }
    let resolver = resolver.build();
    Setup {
        source,
        ingester,
        cache,
        resolver,
    }
}

impl Setup {
    /// Resolves, then stores as whoever resolves does; returns the resolution
    /// and the id of the row it is now.
    pub async fn resolve(
        &self,
        reference: &str,
        options: &ResolveOptions,
    ) -> (Resolved, SnapshotId) {
        let resolved = self.resolver.resolve(reference, options).await.unwrap();
        let id = self.cache.save(&resolved);
        (resolved, id)
    }
}

pub fn opts() -> ResolveOptions {
    ResolveOptions::default().schema_only()
}
