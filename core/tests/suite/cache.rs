//! The resolver with a cache: hits without a request, revalidation without
//! an ingest, one fetch for concurrent resolves; the cache only read, and
//! every resolution saying how it was obtained and from which stored one.

use crate::support;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use drydock_core::{
    CacheOptions, CacheStatus, DesignCheck, Digest, FetchOptions, ResolveOptions, SiteDesign,
    SnapshotId, ValidationReport,
};
use support::{MemoryCache, opts, setup};

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
