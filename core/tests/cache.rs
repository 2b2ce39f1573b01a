//! The resolver with a cache: hits without a request, revalidation without
//! an ingest, one fetch for concurrent resolves, every miss recorded.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use drydock_core::{
    Bytes, CacheOptions, CacheStatus, CachedEntry, CachedResolution, Capabilities, DesignRef,
    Detection, Digest, Driver, Error, ErrorKind, FetchMetadata, FetchOptions, Fetched,
    IngestOptions, Ingested, Ingester, Registry, ResolveCache, ResolveOptions, Resolved, Resolver,
    Result, async_trait,
};

/// Serves a body that tests change; answers "not modified" to its ETag when
/// `conditional`; `immutable` references are those under `/rev/`.
#[derive(Debug)]
struct Source {
    body: Mutex<&'static str>,
    fetches: AtomicU32,
    conditional_requests: AtomicU32,
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
struct CountingIngester(AtomicU32);

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

/// A cache in memory, as the store is one on disk.
#[derive(Debug, Default)]
struct MemoryCache {
    rows: Mutex<HashMap<String, (CachedEntry, Bytes, String)>>,
    stores: AtomicU32,
    seen: AtomicU32,
    fail_stores: bool,
}

#[async_trait]
impl ResolveCache for MemoryCache {
    async fn lookup(&self, reference: &DesignRef, ingest_key: &str) -> Result<Option<CachedEntry>> {
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
    ) -> Result<Option<CachedEntry>> {
        Ok(self
            .rows
            .lock()
            .unwrap()
            .values()
            .find(|(e, _, ik)| e.metadata.digest == *digest && ik == ingest_key)
            .map(|(e, _, _)| e.clone()))
    }
    async fn load(&self, entry: &CachedEntry) -> Result<CachedResolution> {
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
    async fn store(&self, resolved: &Resolved) -> Result<String> {
        if self.fail_stores {
            return Err(Error::fetch(
                ErrorKind::Unavailable,
                "memory",
                "cache",
                "the cache is down",
            ));
        }
        let n = self.stores.fetch_add(1, Ordering::SeqCst);
        let id = format!("row-{n}");
        let key = format!(
            "{}|{}",
            resolved.reference.canonical_key(),
            resolved.ingest_key
        );
        let entry = CachedEntry::new(&id, resolved.fetched.metadata.clone(), chrono::Utc::now());
        let row = (
            entry,
            resolved.fetched.bytes.clone(),
            resolved.ingest_key.clone(),
        );
        self.rows.lock().unwrap().insert(key, row);
        Ok(id)
    }
    async fn seen(&self, entry: &CachedEntry, seen: &FetchMetadata) -> Result<()> {
        self.seen.fetch_add(1, Ordering::SeqCst);
        for (e, _, _) in self.rows.lock().unwrap().values_mut() {
            if e.id == entry.id {
                e.metadata = seen.clone();
                e.resolved_at = chrono::Utc::now();
            }
        }
        Ok(())
    }
}

struct Setup {
    source: Arc<Source>,
    ingester: Arc<CountingIngester>,
    cache: Arc<MemoryCache>,
    resolver: Resolver,
}

fn setup(conditional: bool, options: CacheOptions, cache: MemoryCache) -> Setup {
    let source = Source::new(conditional);
    let ingester = Arc::new(CountingIngester::default());
    let cache = Arc::new(cache);
    let registry = Registry::builder()
        .driver_instance("test", "src", &["src"], source.clone())
        .ingester_instance("test", ingester.clone())
        .build()
        .unwrap();
    let resolver = Resolver::builder()
        .registry(Arc::new(registry))
        .cache(cache.clone(), options)
        .build();
    Setup {
        source,
        ingester,
        cache,
        resolver,
    }
}

fn opts() -> ResolveOptions {
    ResolveOptions::default().schema_only()
}

#[tokio::test]
async fn an_unchanged_mutable_reference_is_revalidated_with_one_conditional_request_and_no_ingest()
{
    let s = setup(true, CacheOptions::default(), MemoryCache::default());
    let first = s.resolver.resolve("src://h/site", &opts()).await.unwrap();
    assert_eq!(first.fetched.metadata.cache, CacheStatus::Miss);
    assert_eq!(s.cache.stores.load(Ordering::SeqCst), 1);
    let second = s.resolver.resolve("src://h/site", &opts()).await.unwrap();
    assert_eq!(second.fetched.metadata.cache, CacheStatus::Revalidated);
    assert_eq!(
        second.fetched.bytes, first.fetched.bytes,
        "the stored bytes"
    );
    assert_eq!(
        second.fetched.metadata.digest,
        first.fetched.metadata.digest
    );
    assert_eq!(s.source.conditional_requests.load(Ordering::SeqCst), 1);
    assert_eq!(s.ingester.0.load(Ordering::SeqCst), 1, "not ingested again");
    assert_eq!(s.cache.seen.load(Ordering::SeqCst), 1);
    assert!(matches!(&second.record, Some(Ok(r)) if r.reused));

    // Changed content: a miss, ingested and recorded.
    *s.source.body.lock().unwrap() = "kind: demo\nv: 2\n";
    let third = s.resolver.resolve("src://h/site", &opts()).await.unwrap();
    assert_eq!(third.fetched.metadata.cache, CacheStatus::Miss);
    assert_eq!(s.ingester.0.load(Ordering::SeqCst), 2);
    assert_eq!(s.cache.stores.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn without_conditional_fetch_the_same_digest_still_skips_the_ingest() {
    let s = setup(false, CacheOptions::default(), MemoryCache::default());
    s.resolver.resolve("src://h/site", &opts()).await.unwrap();
    let again = s.resolver.resolve("src://h/site", &opts()).await.unwrap();
    assert_eq!(again.fetched.metadata.cache, CacheStatus::Revalidated);
    assert_eq!(s.source.fetches.load(Ordering::SeqCst), 2);
    assert_eq!(s.ingester.0.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn immutable_references_and_pinned_digests_are_hits_with_no_request() {
    let s = setup(true, CacheOptions::default(), MemoryCache::default());
    s.resolver.resolve("src://h/rev/7", &opts()).await.unwrap();
    let hit = s.resolver.resolve("src://h/rev/7", &opts()).await.unwrap();
    assert_eq!(hit.fetched.metadata.cache, CacheStatus::Hit);
    assert_eq!(
        s.source.fetches.load(Ordering::SeqCst),
        1,
        "no request for a hit"
    );

    let digest = Digest::of(b"kind: demo\nv: 1\n");
    let mut pinned = opts();
    pinned.fetch = FetchOptions::default().with_expected_digest(digest);
    // Another reference with the same content: the digest names it.
    let hit = s.resolver.resolve("src://h/other", &pinned).await.unwrap();
    assert_eq!(hit.fetched.metadata.cache, CacheStatus::Hit);
    assert_eq!(hit.fetched.metadata.digest, digest);
    assert_eq!(s.source.fetches.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_two_concurrent_resolves_make_one_fetch() {
    let s = setup(true, CacheOptions::default(), MemoryCache::default());
    let resolver = Arc::new(s.resolver);
    let tasks: Vec<_> = (0..32)
        .map(|_| {
            let r = resolver.clone();
            tokio::spawn(async move { r.resolve("src://h/site", &opts()).await })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap().unwrap().fetched.metadata.cache);
    }
    assert_eq!(s.source.fetches.load(Ordering::SeqCst), 1, "{statuses:?}");
    assert_eq!(
        statuses.iter().filter(|c| **c == CacheStatus::Miss).count(),
        1
    );
    assert_eq!(s.ingester.0.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_ttl_serves_without_asking_and_no_cache_bypasses() {
    let s = setup(
        true,
        CacheOptions::default().with_ttl(Duration::from_secs(60)),
        MemoryCache::default(),
    );
    s.resolver.resolve("src://h/site", &opts()).await.unwrap();
    let within = s.resolver.resolve("src://h/site", &opts()).await.unwrap();
    assert_eq!(within.fetched.metadata.cache, CacheStatus::Hit);
    assert_eq!(s.source.fetches.load(Ordering::SeqCst), 1);
    let bypass = s
        .resolver
        .resolve("src://h/site", &opts().without_cache())
        .await
        .unwrap();
    assert_eq!(bypass.fetched.metadata.cache, CacheStatus::Miss);
    assert_eq!(s.source.fetches.load(Ordering::SeqCst), 2);
    assert_eq!(s.ingester.0.load(Ordering::SeqCst), 2);
    assert_eq!(
        s.cache.stores.load(Ordering::SeqCst),
        2,
        "a bypass is still recorded"
    );
}

#[tokio::test]
async fn a_cache_that_cannot_store_keeps_the_resolution_and_says_why() {
    let s = setup(
        true,
        CacheOptions::default(),
        MemoryCache {
            fail_stores: true,
            ..MemoryCache::default()
        },
    );
    let resolved = s.resolver.resolve("src://h/site", &opts()).await.unwrap();
    assert_eq!(resolved.fetched.metadata.cache, CacheStatus::Miss);
    match &resolved.record {
        Some(Err(e)) => assert!(e.to_string().contains("the cache is down"), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn other_ingest_keys_do_not_share_a_cached_report() {
    let s = setup(true, CacheOptions::default(), MemoryCache::default());
    s.resolver.resolve("src://h/site", &opts()).await.unwrap();
    let judged = ResolveOptions::default();
    let other = s.resolver.resolve("src://h/site", &judged).await.unwrap();
    assert_eq!(
        other.fetched.metadata.cache,
        CacheStatus::Miss,
        "rules on: another key"
    );
    assert_ne!(
        other.ingest_key,
        s.resolver
            .resolve("src://h/site", &opts())
            .await
            .unwrap()
            .ingest_key
    );
}
