//! The resolver with a cache: hits without a request, revalidation without
//! an ingest, one fetch for concurrent resolves; the cache only read, and
//! every resolution saying how it was obtained and from which stored one.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use drydock_core::{
    Bytes, CacheOptions, CacheStatus, CachedEntry, CachedResolution, Capabilities, DesignCheck,
    DesignRef, Detection, Digest, Driver, Error, ErrorKind, FetchOptions, Fetched, IngestOptions,
    Ingested, Ingester, Registry, ResolveCache, ResolveOptions, Resolved, Resolver, Result,
    SiteDesign, SnapshotId, ValidationReport, async_trait,
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

/// A cache in memory, as the store is one on disk; [`MemoryCache::save`] is
/// what the store's `save_resolved` does for whoever resolved.
#[derive(Debug, Default)]
struct MemoryCache {
    rows: Mutex<HashMap<String, (CachedEntry, Bytes, String)>>,
    /// Resolutions put (fetched and ingested, or served from memory).
    puts: AtomicU32,
    /// Rows added (a put of unchanged content reuses the latest row).
    stores: AtomicU32,
    seen: AtomicU32,
    fail_reads: bool,
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
    fn save(&self, resolved: &Resolved) -> SnapshotId {
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

impl Setup {
    /// Resolves, then stores as whoever resolves does; returns the resolution
    /// and the id of the row it is now.
    async fn resolve(&self, reference: &str, options: &ResolveOptions) -> (Resolved, SnapshotId) {
        let resolved = self.resolver.resolve(reference, options).await.unwrap();
        let id = self.cache.save(&resolved);
        (resolved, id)
    }
}

fn opts() -> ResolveOptions {
    ResolveOptions::default().schema_only()
}

#[tokio::test]
async fn an_unchanged_mutable_reference_is_revalidated_with_one_conditional_request_and_no_ingest()
{
    let s = setup(true, CacheOptions::default(), MemoryCache::default());
    let (first, row) = s.resolve("src://h/site", &opts()).await;
    assert_eq!(first.cache_status(), CacheStatus::Miss);
    assert_eq!(first.from_snapshot, None, "fetched and ingested now");
    assert_eq!(s.cache.stores.load(Ordering::SeqCst), 1);
    let (second, same) = s.resolve("src://h/site", &opts()).await;
    assert_eq!(second.cache_status(), CacheStatus::Revalidated);
    assert_eq!(second.from_snapshot, Some(row), "the stored resolution");
    assert_eq!(same, row, "its row is reused");
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
    assert_eq!(s.cache.stores.load(Ordering::SeqCst), 1, "nothing stored");

    // Changed content: a miss, ingested and stored as a new row.
    *s.source.body.lock().unwrap() = "kind: demo\nv: 2\n";
    let (third, new_row) = s.resolve("src://h/site", &opts()).await;
    assert_eq!(third.cache_status(), CacheStatus::Miss);
    assert_eq!(third.from_snapshot, None);
    assert_ne!(new_row, row);
    assert_eq!(s.ingester.0.load(Ordering::SeqCst), 2);
    assert_eq!(s.cache.stores.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn without_conditional_fetch_the_same_digest_still_skips_the_ingest() {
    let s = setup(false, CacheOptions::default(), MemoryCache::default());
    let (_, row) = s.resolve("src://h/site", &opts()).await;
    let (again, _) = s.resolve("src://h/site", &opts()).await;
    assert_eq!(again.cache_status(), CacheStatus::Revalidated);
    assert_eq!(again.from_snapshot, Some(row));
    assert_eq!(s.source.fetches.load(Ordering::SeqCst), 2);
    assert_eq!(s.ingester.0.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn immutable_references_and_pinned_digests_are_hits_with_no_request() {
    let s = setup(true, CacheOptions::default(), MemoryCache::default());
    let (_, row) = s.resolve("src://h/rev/7", &opts()).await;
    let (hit, _) = s.resolve("src://h/rev/7", &opts()).await;
    assert_eq!(hit.cache_status(), CacheStatus::Hit);
    assert_eq!(hit.from_snapshot, Some(row));
    assert_eq!(
        s.source.fetches.load(Ordering::SeqCst),
        1,
        "no request for a hit"
    );

    let digest = Digest::of(b"kind: demo\nv: 1\n");
    let mut pinned = opts();
    pinned.fetch = FetchOptions::default().with_expected_digest(digest);
    // Another reference with the same content: the digest names it.
    let (hit, _) = s.resolve("src://h/other", &pinned).await;
    assert_eq!(hit.cache_status(), CacheStatus::Hit);
    assert_eq!(hit.from_snapshot, Some(row), "served from that row");
    assert_eq!(hit.fetched.metadata.digest, digest);
    assert_eq!(hit.reference.canonical_key(), "src://h/other");
    assert_eq!(s.source.fetches.load(Ordering::SeqCst), 1);
    assert_eq!(
        s.cache.stores.load(Ordering::SeqCst),
        1,
        "hits store nothing"
    );
    assert_eq!(s.cache.seen.load(Ordering::SeqCst), 0);
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
        statuses.push(t.await.unwrap().unwrap().cache_status());
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
    let (_, row) = s.resolve("src://h/site", &opts()).await;
    let (within, same) = s.resolve("src://h/site", &opts()).await;
    assert_eq!(within.cache_status(), CacheStatus::Hit);
    assert_eq!(same, row, "served from memory: stored on the same row");
    assert_eq!(s.source.fetches.load(Ordering::SeqCst), 1);
    let (bypass, again) = s.resolve("src://h/site", &opts().without_cache()).await;
    assert_eq!(bypass.cache_status(), CacheStatus::Miss);
    assert_eq!(bypass.from_snapshot, None);
    assert_eq!(again, row, "unchanged content reuses the row");
    assert_eq!(s.source.fetches.load(Ordering::SeqCst), 2);
    assert_eq!(s.ingester.0.load(Ordering::SeqCst), 2);
    assert_eq!(
        s.cache.puts.load(Ordering::SeqCst),
        3,
        "every resolution is put by whoever resolved"
    );
    assert_eq!(s.cache.stores.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_cache_that_cannot_be_read_is_no_reason_not_to_resolve() {
    let s = setup(
        true,
        CacheOptions::default(),
        MemoryCache {
            fail_reads: true,
            ..MemoryCache::default()
        },
    );
    let resolved = s.resolver.resolve("src://h/site", &opts()).await.unwrap();
    assert_eq!(resolved.cache_status(), CacheStatus::Miss);
    assert_eq!(resolved.from_snapshot, None);
    let mut pinned = opts();
    pinned.fetch = FetchOptions::default().with_expected_digest(Digest::of(b"kind: demo\nv: 1\n"));
    let resolved = s.resolver.resolve("src://h/site", &pinned).await.unwrap();
    assert_eq!(resolved.cache_status(), CacheStatus::Miss);
    assert_eq!(s.source.fetches.load(Ordering::SeqCst), 2);
    assert_eq!(s.ingester.0.load(Ordering::SeqCst), 2);
}

#[test]
fn a_snapshot_id_shows_as_a_hyphenated_uuid() {
    let id = SnapshotId::from_u128(0x0192_3a4b_5c6d_7e8f_9012_3456_789a_bcde);
    assert_eq!(id.to_string(), "01923a4b-5c6d-7e8f-9012-3456789abcde");
    assert_eq!(SnapshotId::from_u128(id.as_u128()), id);
    assert_eq!(
        SnapshotId::from_u128(1).to_string(),
        "00000000-0000-0000-0000-000000000001"
    );
}

/// A check after ingest that finds nothing: enough to change the ingest key.
#[derive(Debug)]
struct Judged;

impl DesignCheck for Judged {
    fn key(&self) -> &str {
        "judged"
    }
    fn check(&self, _: &SiteDesign, _: &mut ValidationReport) {}
}

#[tokio::test]
async fn other_ingest_keys_do_not_share_a_cached_report() {
    let s = setup(true, CacheOptions::default(), MemoryCache::default());
    s.resolve("src://h/site", &opts()).await;
    let judged = ResolveOptions::default().with_check(Arc::new(Judged));
    let (other, _) = s.resolve("src://h/site", &judged).await;
    assert_eq!(
        other.cache_status(),
        CacheStatus::Miss,
        "a check after ingest: another key"
    );
    let (plain, _) = s.resolve("src://h/site", &opts()).await;
    assert_ne!(other.ingest_key, plain.ingest_key);
}
