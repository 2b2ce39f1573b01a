//! Design snapshots: stored once per content, read back typed, reused when
//! nothing changed, looked up by canonical key.

use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use chrono::{Duration, SubsecRound, Utc};
use drydock_core::{
    DesignRef, Fetched, IngestOptions, Ingested, Ingester, Message, SiteDesign, ValidationReport,
};
use drydock_store::{
    NewSnapshot, NewTask, SnapshotQuery, SnapshotStatus, Store, StoreError, Stored, TaskAction,
    Uuid,
};

use crate::harness::Ctx;

/// A small real design, ingested once by the Deckhand ingester.
pub fn small_site() -> &'static Ingested {
    static SITE: OnceLock<Ingested> = OnceLock::new();
    SITE.get_or_init(|| {
        ingest(&drydock_fixtures::sitegen::deckhand(
            &drydock_fixtures::sitegen::SiteSpec::new(2),
        ))
    })
}

/// `yaml` ingested by the Deckhand ingester.
pub fn ingest(yaml: &str) -> Ingested {
    drydock_ingester_deckhand::DeckhandIngester::default()
        .ingest(
            &Bytes::from(yaml.to_owned()),
            &IngestOptions::for_source("test"),
        )
        .expect("ingests")
}

/// What a driver would have fetched for `reference`: `body`, `minutes_ago`.
pub fn fetched(reference: &DesignRef, body: &str, minutes_ago: i64) -> Fetched {
    let mut f = Fetched::new("http", reference, Bytes::from(body.to_owned()))
        .with_content_type("application/yaml")
        .with_etag("\"abc\"")
        .with_revision("7")
        .with_last_modified("Tue, 24 Nov 2026 10:00:00 GMT");
    f.metadata.fetched_at = Utc::now().trunc_subsecs(6) - Duration::minutes(minutes_ago);
    f
}

/// A snapshot of `body` at `reference`, ingested as `ingest_key` into `design`.
pub fn snapshot_of(
    reference: &str,
    body: &str,
    ingest_key: &str,
    design: &SiteDesign,
    report: ValidationReport,
) -> NewSnapshot {
    let r = DesignRef::parse(reference).expect("reference");
    let model = serde_json::value::to_raw_value(design).expect("model JSON");
    let mut summary = small_site().summary.clone();
    summary.ingester = "deckhand".into();
    NewSnapshot::new(
        &r,
        &fetched(&r, body, 0),
        ingest_key,
        Arc::from(model),
        report,
        summary,
    )
}

/// A snapshot of `body` at `reference` with the small site as its model.
pub fn sample(reference: &str, body: &str) -> NewSnapshot {
    snapshot_of(
        reference,
        body,
        "deckhand",
        &small_site().design,
        small_site().report.clone(),
    )
}

/// Stores [`sample`] of `reference` and `body`.
pub async fn put(store: &Store, reference: &str, body: &str) -> Stored {
    store.put_snapshot(&sample(reference, body)).await.unwrap()
}

fn reference(s: &str) -> DesignRef {
    DesignRef::parse(s).expect("reference")
}

pub async fn store_get_list_latest(ctx: Ctx) {
    let s = &ctx.store;
    let r = "https://designs.example/site.yaml";
    let old = sample(r, "version: 1");
    let new = sample(r, "version: 2");
    let a = s.put_snapshot(&old).await.unwrap();
    let b = s.put_snapshot(&new).await.unwrap();
    assert!(!a.reused && !b.reused);
    let (a, b) = (a.summary, b.summary);
    assert_ne!(a.snapshot_id, b.snapshot_id);
    assert_eq!(a.digest, old.digest());
    assert_eq!(
        a.digest.to_string(),
        format!("sha256:{}", old.digest().hex())
    );
    assert_eq!(a.length, 10);
    assert_eq!(a.metadata, old.metadata, "fetch metadata stored as it is");
    assert_eq!((a.reference.as_str(), a.key.as_str()), (r, r));
    assert_eq!(
        (a.ingester.as_str(), a.ingest_key.as_str()),
        ("deckhand", "deckhand")
    );
    assert_eq!(a.status, SnapshotStatus::Valid);
    assert_eq!((a.error_count, a.warning_count), (0, 0));
    assert_eq!(a.revision.as_deref(), Some("7"));
    assert_eq!((a.resolve_count, a.stored_at), (1, a.resolved_at));

    let got = s.get_snapshot(a.snapshot_id).await.unwrap();
    assert_eq!(got.summary, a);
    assert_eq!(got.bytes, old.bytes);
    assert_eq!(got.model, small_site().design, "model read back typed");
    assert_eq!(got.report, old.report);
    assert_eq!(got.ingest, old.ingest);
    assert_eq!(
        s.snapshot_model_json(a.snapshot_id).await.unwrap(),
        old.model.get(),
        "the model's JSON text is stored byte for byte"
    );

    let list = s
        .list_snapshots(&SnapshotQuery::of(&reference(r)))
        .await
        .unwrap();
    assert_eq!(
        list.iter().map(|x| x.snapshot_id).collect::<Vec<_>>(),
        vec![b.snapshot_id, a.snapshot_id],
        "newest first"
    );
    let latest = s.latest_snapshot(&reference(r), "deckhand").await.unwrap();
    assert_eq!(latest.unwrap().bytes, new.bytes);
    let nothing = reference("file:///nothing");
    assert!(
        s.latest_snapshot(&nothing, "deckhand")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.latest_snapshot(&reference(r), "yaml")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.list_snapshots(&SnapshotQuery::of(&nothing))
            .await
            .unwrap()
            .is_empty()
    );

    let missing = Uuid::new_v4();
    for err in [
        s.get_snapshot(missing).await.unwrap_err(),
        s.snapshot_model_json(missing).await.unwrap_err(),
    ] {
        assert!(
            matches!(&err, StoreError::NotFound { what: "snapshot", id } if *id == missing.to_string()),
            "{err}"
        );
    }
}

pub async fn same_bytes_stored_once(ctx: Ctx) {
    let s = &ctx.store;
    let first = put(s, "https://designs.example/site.yaml", "same bytes").await;
    let mirror = put(s, "file:///srv/mirror/site.yaml", "same bytes").await;
    assert!(!mirror.reused, "another reference is another snapshot");
    assert_ne!(first.summary.snapshot_id, mirror.summary.snapshot_id);
    assert_eq!(first.summary.digest, mirror.summary.digest);
    assert_eq!(ctx.count("design_snapshot").await, 2);
    assert_eq!(ctx.count("design_content").await, 1, "bytes stored once");
    assert_eq!(
        ctx.count("design_ingest").await,
        1,
        "model stored once per ingest key"
    );
    let back = s.get_snapshot(mirror.summary.snapshot_id).await.unwrap();
    assert_eq!(&back.bytes[..], b"same bytes");
    let hit = s
        .snapshot_by_digest(&first.summary.digest, "deckhand")
        .await
        .unwrap()
        .expect("content-addressed hit");
    assert_eq!(
        hit.summary.snapshot_id, mirror.summary.snapshot_id,
        "the newest with that digest"
    );
    assert!(
        s.snapshot_by_digest(&first.summary.digest, "yaml")
            .await
            .unwrap()
            .is_none()
    );
    let unknown = drydock_core::Digest::of(b"never stored");
    assert!(
        s.snapshot_by_digest(&unknown, "deckhand")
            .await
            .unwrap()
            .is_none()
    );
}

/// The same bytes ingested two ways keep two models and reports.
pub async fn ingest_keys_keep_their_own_reports(ctx: Ctx) {
    let s = &ctx.store;
    let r = "https://designs.example/site.yaml";
    let lenient = put(s, r, "one body").await.summary;
    let mut failing = ValidationReport::default();
    failing.push(Message::error("DD001", "strict rules refuse it").about("Network", "oob"));
    let strict_snapshot = snapshot_of(
        r,
        "one body",
        "deckhand+strict",
        &SiteDesign::default(),
        failing.clone(),
    );
    let strict = s.put_snapshot(&strict_snapshot).await.unwrap();
    assert!(!strict.reused, "another ingest key is another snapshot");
    let strict = strict.summary;
    assert_eq!(lenient.digest, strict.digest);
    assert_eq!(ctx.count("design_content").await, 1);
    assert_eq!(ctx.count("design_ingest").await, 2);
    assert_eq!(
        (strict.status, strict.error_count),
        (SnapshotStatus::Invalid, 1)
    );
    assert_eq!(
        (lenient.status, lenient.error_count),
        (SnapshotStatus::Valid, 0)
    );

    let got = s
        .latest_snapshot(&reference(r), "deckhand+strict")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.report, failing, "its own report, not the first one's");
    assert_eq!(got.model, SiteDesign::default());
    let got = s
        .latest_snapshot(&reference(r), "deckhand")
        .await
        .unwrap()
        .unwrap();
    assert!(got.report.is_success());
    assert_eq!(got.model, small_site().design);
    let by_digest = s
        .snapshot_by_digest(&strict.digest, "deckhand+strict")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_digest.report, failing);
}

/// Re-resolving unchanged content reuses the latest row; a change adds one.
pub async fn unchanged_content_reuses_the_row(ctx: Ctx) {
    let s = &ctx.store;
    let r = "https://designs.example/site.yaml";
    let first = put(s, r, "v1").await;
    let mut again = sample(r, "v1");
    again.metadata.etag = Some("\"def\"".into());
    again.metadata.fetched_at += Duration::seconds(5);
    let second = s.put_snapshot(&again).await.unwrap();
    assert!(second.reused, "same digest as the latest: reused");
    assert_eq!(second.summary.snapshot_id, first.summary.snapshot_id);
    assert_eq!(second.summary.resolve_count, 2);
    assert!(second.summary.resolved_at >= first.summary.resolved_at);
    assert_eq!(
        second.summary.stored_at, first.summary.stored_at,
        "first stored_at kept"
    );
    assert_eq!(
        second.summary.metadata, again.metadata,
        "metadata of the last resolution"
    );
    assert_eq!(ctx.count("design_snapshot").await, 1);

    let mut forced = sample(r, "v1");
    forced.always_new_row = true;
    let third = s.put_snapshot(&forced).await.unwrap();
    assert!(!third.reused);
    assert_ne!(third.summary.snapshot_id, first.summary.snapshot_id);

    let changed = put(s, r, "v2").await;
    assert!(!changed.reused);
    let back = put(s, r, "v1").await;
    assert!(
        !back.reused,
        "the latest is v2: going back to v1 is a new row"
    );
    assert_eq!(ctx.count("design_snapshot").await, 4);
    assert_eq!(ctx.count("design_content").await, 2);
}

/// Concurrent puts of one unchanged design add one row between them.
pub async fn concurrent_puts_add_one_row(ctx: Ctx) {
    const WRITERS: u64 = 6;
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..WRITERS {
        let store = ctx.another(&drydock_store::StoreOptions::default()).await;
        set.spawn(async move {
            store
                .put_snapshot(&sample("https://designs.example/site.yaml", "same"))
                .await
                .unwrap()
        });
    }
    let stored = set.join_all().await;
    assert_eq!(
        stored.iter().filter(|s| !s.reused).count(),
        1,
        "one row added"
    );
    assert_eq!(ctx.count("design_snapshot").await, 1);
    let max = stored.iter().map(|s| s.summary.resolve_count).max();
    assert_eq!(max, Some(WRITERS), "every resolution counted");
}

pub async fn task_records_its_snapshot(ctx: Ctx) {
    let s = &ctx.store;
    let snap = put(s, "https://d/site.yaml", "x").await.summary;
    let mut t = NewTask::new(TaskAction::ValidateDesign);
    t.design_ref = Some("https://d/site.yaml".into());
    t.design_snapshot_id = Some(snap.snapshot_id);
    let task = s.create_task(&t).await.unwrap();
    assert_eq!(
        s.get_task(task.task_id).await.unwrap().design_snapshot_id,
        Some(snap.snapshot_id)
    );

    let mut bad = NewTask::new(TaskAction::ValidateDesign);
    bad.design_snapshot_id = Some(Uuid::new_v4());
    let err = s.create_task(&bad).await.unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NotFound {
                what: "snapshot",
                ..
            }
        ),
        "{err}"
    );

    let mut plain = s
        .create_task(&NewTask::new(TaskAction::VerifySite))
        .await
        .unwrap();
    plain.design_snapshot_id = Some(snap.snapshot_id);
    assert_eq!(
        s.update_task(&plain).await.unwrap().design_snapshot_id,
        Some(snap.snapshot_id)
    );
}
