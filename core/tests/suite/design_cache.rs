//! The resolver's memory of loaded stored resolutions (`design_cache`): a
//! stored resolution served again is not loaded again; it is keyed by
//! content digest and ingest key, bounded by entries and by bytes, and a
//! stored row that is refused is never kept.

use crate::support;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use drydock_core::{
    Bytes, CacheOptions, CacheStatus, DesignCacheOptions, DesignCheck, ResolveOptions, SiteDesign,
    ValidationReport,
};
use support::{MemoryCache, Setup, opts, setup, setup_kept};

fn kept(max_entries: usize, max_bytes: u64) -> Setup {
    let bounds = DesignCacheOptions::new(max_entries, max_bytes);
    setup_kept(
        true,
        CacheOptions::default(),
        MemoryCache::default(),
        Some(bounds),
    )
}

fn loads(s: &Setup) -> u32 {
    s.cache.loads.load(Ordering::SeqCst)
}

#[tokio::test]
async fn a_revalidated_resolution_is_loaded_once_then_served_from_memory() {
    let s = kept(8, 1 << 20);
    let (first, row) = s.resolve("src://h/site", &opts()).await;
    assert_eq!(first.cache_status(), CacheStatus::Miss);
    assert_eq!(loads(&s), 0, "fetched and ingested: nothing loaded");
    for n in 0..3 {
        let (again, same) = s.resolve("src://h/site", &opts()).await;
        assert_eq!(again.cache_status(), CacheStatus::Revalidated, "{n}");
        assert_eq!(again.from_snapshot, Some(row), "{n}");
        assert_eq!(same, row);
        assert_eq!(again.fetched.bytes, first.fetched.bytes, "{n}");
        assert_eq!(again.fetched.metadata.digest, first.fetched.metadata.digest);
    }
    assert_eq!(loads(&s), 1, "loaded once, then from memory");
    let (a, _) = s.resolve("src://h/site", &opts()).await;
    let (b, _) = s.resolve("src://h/site", &opts()).await;
    assert!(
        Arc::ptr_eq(&a.ingested, &b.ingested),
        "resolutions served from memory share one design, not a copy each"
    );
    assert_eq!(
        s.source.conditional_requests.load(Ordering::SeqCst),
        5,
        "the source is still asked every time"
    );
    assert_eq!(a.into_ingested(), first.into_ingested(), "the same design");
    assert_eq!(s.ingester.0.load(Ordering::SeqCst), 1);

    // Without the memory, every revalidation loads.
    let plain = setup(true, CacheOptions::default(), MemoryCache::default());
    for _ in 0..4 {
        plain.resolve("src://h/site", &opts()).await;
    }
    assert_eq!(loads(&plain), 3);
}

#[tokio::test]
async fn the_same_content_under_another_reference_shares_the_memory() {
    let s = kept(8, 1 << 20);
    s.resolve("src://h/a", &opts()).await;
    s.resolve("src://h/a", &opts()).await;
    s.resolve("src://h/b", &opts()).await;
    let (b, _) = s.resolve("src://h/b", &opts()).await;
    assert_eq!(b.cache_status(), CacheStatus::Revalidated);
    assert_eq!(loads(&s), 1, "one digest and ingest key: loaded once");
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
async fn another_ingest_key_is_not_served_from_memory() {
    let s = kept(8, 1 << 20);
    s.resolve("src://h/site", &opts()).await;
    s.resolve("src://h/site", &opts()).await;
    assert_eq!(loads(&s), 1);
    let judged = ResolveOptions::default().with_check(Arc::new(Judged));
    let (other, _) = s.resolve("src://h/site", &judged).await;
    assert_eq!(
        other.cache_status(),
        CacheStatus::Miss,
        "nothing stored judged so"
    );
    let (again, _) = s.resolve("src://h/site", &judged).await;
    assert_eq!(again.cache_status(), CacheStatus::Revalidated);
    assert_eq!(
        loads(&s),
        2,
        "the same bytes judged another way are loaded, not served from memory"
    );
    assert_ne!(again.ingest_key, opts_key(&s).await);
    s.resolve("src://h/site", &judged).await;
    s.resolve("src://h/site", &opts()).await;
    assert_eq!(loads(&s), 2, "both kept now");
}

async fn opts_key(s: &Setup) -> String {
    s.resolve("src://h/site", &opts()).await.0.ingest_key
}

/// Resolves `reference` until it is stored, then once more (a revalidation).
async fn twice(s: &Setup, body: &'static str, reference: &str) {
    *s.source.body.lock().unwrap() = body;
    s.resolve(reference, &opts()).await;
    let (again, _) = s.resolve(reference, &opts()).await;
    assert_eq!(again.cache_status(), CacheStatus::Revalidated);
}

#[tokio::test]
async fn the_least_recently_used_goes_when_the_entry_bound_is_reached() {
    const V1: &str = "kind: demo\nv: 1\n";
    const V2: &str = "kind: demo\nv: 2\n";
    for (max_entries, expected_loads) in [(1, 3), (2, 2)] {
        let s = kept(max_entries, 1 << 20);
        twice(&s, V1, "src://h/a").await;
        twice(&s, V2, "src://h/b").await;
        assert_eq!(loads(&s), 2);
        // a's content again: with room for one, b's pushed it out.
        *s.source.body.lock().unwrap() = V1;
        let (a, _) = s.resolve("src://h/a", &opts()).await;
        assert_eq!(a.cache_status(), CacheStatus::Revalidated);
        assert_eq!(a.fetched.bytes, Bytes::from_static(V1.as_bytes()));
        assert_eq!(loads(&s), expected_loads, "max_entries {max_entries}");
    }
}

#[tokio::test]
async fn nothing_is_kept_beyond_the_byte_bound_or_with_a_zero_bound() {
    for (max_entries, max_bytes) in [(8, 16), (0, 1 << 20), (8, 0)] {
        let s = kept(max_entries, max_bytes);
        for _ in 0..4 {
            s.resolve("src://h/site", &opts()).await;
        }
        assert_eq!(
            loads(&s),
            3,
            "{max_entries} entries, {max_bytes} bytes: loaded every time"
        );
    }
}

#[tokio::test]
async fn a_stored_row_whose_bytes_were_edited_is_refused_and_never_kept() {
    let s = kept(8, 1 << 20);
    s.resolve("src://h/site", &opts()).await;
    for (_, bytes, _) in s.cache.rows.lock().unwrap().values_mut() {
        *bytes = Bytes::from_static(b"kind: demo\nv: 9\n");
    }
    for n in 0..3 {
        let (again, _) = s.resolve("src://h/site", &opts()).await;
        assert_eq!(again.cache_status(), CacheStatus::Miss, "refused: {n}");
        assert_eq!(again.from_snapshot, None);
        assert_eq!(
            again.fetched.bytes,
            Bytes::from_static(b"kind: demo\nv: 1\n"),
            "the source's bytes, fetched again"
        );
    }
    assert_eq!(loads(&s), 3, "loaded (and refused) every time, never kept");
    assert_eq!(s.ingester.0.load(Ordering::SeqCst), 4);
}
