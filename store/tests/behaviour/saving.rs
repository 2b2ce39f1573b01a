//! `save_resolved`: whoever resolves stores the resolution as it was
//! obtained, through a resolver whose cache (`StoreCache`) only reads.

use std::sync::{Arc, Mutex};

use drydock_core::{
    Bytes, CacheOptions, CacheStatus, Capabilities, DesignRef, Detection, Digest, Driver,
    FetchOptions, Fetched, IngestOptions, Ingested, Ingester, Registry, ResolveOptions, Resolver,
    async_trait,
};
use drydock_store::{StoreCache, StoreError, Uuid};

use crate::harness::Ctx;

/// Serves a body tests change, with its digest as ETag; references under
/// `/rev/` are immutable.
#[derive(Debug)]
struct Source(Mutex<&'static str>);

#[async_trait]
impl Driver for Source {
    fn capabilities(&self) -> Capabilities {
        Capabilities::NONE.with_conditional_fetch()
    }
    fn immutable(&self, reference: &DesignRef) -> bool {
        reference.url().path().starts_with("/rev/")
    }
    async fn fetch(&self, r: &DesignRef, o: &FetchOptions) -> drydock_core::Result<Fetched> {
        let body = *self.0.lock().unwrap();
        let etag = format!("\"{}\"", Digest::of(body.as_bytes()).hex());
        if o.if_none_match.as_deref() == Some(etag.as_str()) {
            return Ok(Fetched::not_modified("mem", r, Some(etag)));
        }
        Ok(Fetched::new("mem", r, Bytes::from_static(body.as_bytes())).with_etag(etag))
    }
}

#[derive(Debug)]
struct Plain;

impl Ingester for Plain {
    fn name(&self) -> &'static str {
        "plain"
    }
    fn detect(&self, _: &[u8]) -> Detection {
        Detection::Yes
    }
    fn ingest(&self, _: &Bytes, _: &IngestOptions) -> drydock_core::Result<Ingested> {
        Ok(Ingested::default())
    }
}

pub async fn resolutions_are_saved_as_they_were_obtained(ctx: Ctx) {
    let s = &ctx.store;
    let source = Arc::new(Source(Mutex::new("v: 1\n")));
    let registry = Registry::builder()
        .driver_instance("mem-test", "mem", &["mem"], source.clone())
        .ingester_instance("plain-test", Arc::new(Plain))
        .build()
        .unwrap();
    let resolver = Resolver::builder()
        .registry(Arc::new(registry))
        .cache(
            Arc::new(StoreCache::new(s.clone())),
            CacheOptions::default(),
        )
        .build();
    let opts = ResolveOptions::default().schema_only();
    let resolve = async |reference: &str, options: &ResolveOptions| {
        let resolved = resolver.resolve(reference, options).await.unwrap();
        let saved = s.save_resolved(&resolved).await.unwrap();
        (resolved, saved)
    };

    // Fetched and ingested now: a new row. The cache wrote nothing.
    let (first, saved) = resolve("mem://h/site", &opts).await;
    assert_eq!(first.cache_status(), CacheStatus::Miss);
    assert!(!saved.reused);
    let row = s.get_snapshot(saved.snapshot_id).await.unwrap().summary;
    assert_eq!(row.resolve_count, 1);
    assert_eq!(ctx.count("design_snapshot").await, 1);

    // Revalidated (not modified): its row records the source's word.
    let (again, saved_again) = resolve("mem://h/site", &opts).await;
    assert_eq!(again.cache_status(), CacheStatus::Revalidated);
    assert_eq!(
        again.from_snapshot.map(|id| Uuid::from_u128(id.as_u128())),
        Some(saved.snapshot_id),
        "a typed id, the stored row's"
    );
    assert_eq!(saved_again.snapshot_id, saved.snapshot_id);
    assert!(saved_again.reused);
    let seen = s.get_snapshot(saved.snapshot_id).await.unwrap().summary;
    assert_eq!(seen.resolve_count, 2);
    assert!(seen.resolved_at >= row.resolved_at);

    // A pinned digest, another reference: a hit on that row, nothing written.
    let pinned = opts
        .clone()
        .with_fetch(FetchOptions::default().with_expected_digest(row.digest));
    let (hit, saved_hit) = resolve("mem://h/other", &pinned).await;
    assert_eq!(hit.cache_status(), CacheStatus::Hit);
    assert_eq!(
        (saved_hit.snapshot_id, saved_hit.reused),
        (saved.snapshot_id, true)
    );
    let after_hit = s.get_snapshot(saved.snapshot_id).await.unwrap().summary;
    assert_eq!(after_hit, seen, "a hit writes nothing");

    // Bypassing the cache: the same content stored again reuses the row.
    let (bypass, saved_bypass) = resolve("mem://h/site", &opts.clone().without_cache()).await;
    assert_eq!(bypass.cache_status(), CacheStatus::Miss);
    assert_eq!(
        (saved_bypass.snapshot_id, saved_bypass.reused),
        (saved.snapshot_id, true)
    );

    // Changed content: a new row.
    *source.0.lock().unwrap() = "v: 2\n";
    let (changed, saved_changed) = resolve("mem://h/site", &opts).await;
    assert_eq!(changed.cache_status(), CacheStatus::Miss);
    assert!(!saved_changed.reused);
    assert_ne!(saved_changed.snapshot_id, saved.snapshot_id);
    assert_eq!(ctx.count("design_snapshot").await, 2);

    // An immutable reference: stored once, then served with no request.
    let (_, saved_rev) = resolve("mem://h/rev/7", &opts).await;
    *source.0.lock().unwrap() = "v: 3\n";
    let (served, saved_served) = resolve("mem://h/rev/7", &opts).await;
    assert_eq!(served.cache_status(), CacheStatus::Hit);
    assert_eq!(&served.fetched.bytes[..], b"v: 2\n");
    assert_eq!(
        (saved_served.snapshot_id, saved_served.reused),
        (saved_rev.snapshot_id, true)
    );

    // A store that cannot save says why; the resolution itself stands.
    let resolved = resolver.resolve("mem://h/site", &opts).await.unwrap();
    s.close().await;
    let err = s.save_resolved(&resolved).await.unwrap_err();
    assert!(!matches!(err, StoreError::Invalid { .. }), "{err:?}");
}
