//! Snapshot lookups: canonical keys, `@latest` / `@previous`, revalidation,
//! pages of summaries.

use chrono::Duration;
use drydock_core::{DesignRef, Fetched};
use drydock_store::{Selection, SnapshotQuery, Store, StoreError, Uuid};

use crate::harness::Ctx;
use crate::snapshots::{put, sample};

/// The id of the latest snapshot of `r` ingested as `deckhand`.
async fn latest_id(s: &Store, r: &str) -> Option<Uuid> {
    let hit = s.latest_snapshot(&reference(r), "deckhand").await.unwrap();
    hit.map(|h| h.summary.snapshot_id)
}

fn reference(s: &str) -> DesignRef {
    DesignRef::parse(s).expect("reference")
}

/// One canonical key stores and finds: parameters that are not secret keep
/// references apart, secrets and credentials do not, and spelling does not.
pub async fn canonical_key_stores_and_finds(ctx: Ctx) {
    let s = &ctx.store;
    let alice = put(s, "https://d.example/site.yaml?author=alice", "a").await;
    let bob = put(s, "https://d.example/site.yaml?author=bob", "b").await;
    assert_ne!(alice.summary.key, bob.summary.key, "author is not a secret");
    let found = s
        .latest_snapshot(
            &reference("https://d.example/site.yaml?author=alice"),
            "deckhand",
        )
        .await
        .unwrap();
    assert_eq!(
        found.unwrap().summary.snapshot_id,
        alice.summary.snapshot_id
    );

    let secret = sample("https://ops:pw@d.example/rev/7?token=first", "t");
    let stored = s.put_snapshot(&secret).await.unwrap().summary;
    assert_eq!(
        stored.key, "https://d.example/rev/7",
        "credentials are not in the key"
    );
    assert_eq!(
        stored.reference, "https://ops:***@d.example/rev/7?token=***",
        "display form"
    );
    for other in [
        "https://d.example/rev/7?token=second",
        "https://d.example/rev/7",
        "https://someone:else@d.example/rev/7?token=x",
    ] {
        assert_eq!(
            latest_id(s, other).await,
            Some(stored.snapshot_id),
            "{other}"
        );
    }

    let spelled = put(s, "HTTPS://Designs.Example:443/a/./b/../site.yaml", "c").await;
    assert_eq!(
        latest_id(s, "https://designs.example/a/site.yaml").await,
        Some(spelled.summary.snapshot_id)
    );
    let compound = put(s, "deckhand+https://Deckhand:8443/revisions/7", "d").await;
    assert_eq!(
        latest_id(s, "deckhand+https://deckhand:8443/revisions/7").await,
        Some(compound.summary.snapshot_id)
    );
}

/// `@latest` is the newest row; `@previous` the newest with other content.
pub async fn latest_and_previous(ctx: Ctx) {
    let s = &ctx.store;
    let r = reference("https://d.example/site.yaml");
    assert!(
        s.select_snapshot(&r, None, Selection::Previous)
            .await
            .unwrap()
            .is_none()
    );
    let v1 = put(s, r.redacted(), "v1").await.summary;
    assert!(
        s.select_snapshot(&r, None, Selection::Previous)
            .await
            .unwrap()
            .is_none(),
        "one content: no previous"
    );
    let v2 = put(s, r.redacted(), "v2").await.summary;
    let mut again = sample(r.redacted(), "v2");
    again.always_new_row = true;
    let v2_again = s.put_snapshot(&again).await.unwrap().summary;
    let r = &r;
    let pick = |sel| async move {
        s.select_snapshot(r, Some("deckhand"), sel)
            .await
            .unwrap()
            .map(|x| x.summary.snapshot_id)
    };
    assert_eq!(pick(Selection::Latest).await, Some(v2_again.snapshot_id));
    assert_eq!(
        pick(Selection::Previous).await,
        Some(v1.snapshot_id),
        "previous skips rows of the latest content"
    );
    assert_ne!(v2.snapshot_id, v1.snapshot_id);
    assert!(
        s.select_snapshot(r, Some("yaml"), Selection::Latest)
            .await
            .unwrap()
            .is_none()
    );
    let err = s
        .select_snapshot(r, Some(""), Selection::Latest)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid { field, .. } if field == "snapshot.ingest_key"),
        "{err}"
    );
}

/// A 304 updates the row's metadata and counters, never its content.
pub async fn record_seen_revalidates(ctx: Ctx) {
    let s = &ctx.store;
    let r = reference("https://d.example/site.yaml");
    let stored = put(s, r.redacted(), "v1").await.summary;
    let mut seen = Fetched::not_modified("http", &r, Some("\"new-etag\"".into())).metadata;
    seen.fetched_at = stored.metadata.fetched_at + Duration::minutes(3);
    let after = s.record_seen(stored.snapshot_id, &seen).await.unwrap();
    assert_eq!(after.snapshot_id, stored.snapshot_id);
    assert_eq!(after.resolve_count, 2);
    assert!(after.resolved_at >= stored.resolved_at);
    assert_eq!(after.metadata.etag.as_deref(), Some("\"new-etag\""));
    assert_eq!(after.metadata.fetched_at, seen.fetched_at);
    assert_eq!(
        (
            after.metadata.digest,
            after.metadata.length,
            after.metadata.not_modified
        ),
        (stored.digest, stored.length, false),
        "the stored content's digest and length are kept"
    );
    assert_eq!(
        s.get_snapshot(stored.snapshot_id).await.unwrap().summary,
        after
    );
    assert_eq!(ctx.count("design_snapshot").await, 1);

    let changed = Fetched::new("http", &r, bytes::Bytes::from_static(b"v2")).metadata;
    let err = s
        .record_seen(stored.snapshot_id, &changed)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid { field, .. } if field == "seen.digest"),
        "{err}"
    );
    let err = s.record_seen(Uuid::new_v4(), &seen).await.unwrap_err();
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
    let mut hostile = seen.clone();
    hostile.etag = Some("a\0b".into());
    let err = s
        .record_seen(stored.snapshot_id, &hostile)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid { field, .. } if field == "snapshot.metadata.etag"),
        "{err}"
    );
}

/// Lists page newest first, of one key or of all.
pub async fn lists_page_newest_first(ctx: Ctx) {
    let s = &ctx.store;
    let mut ids = Vec::new();
    for i in 0..5 {
        let r = if i % 2 == 0 {
            "https://d.example/even.yaml"
        } else {
            "https://d.example/odd.yaml"
        };
        ids.push(put(s, r, &format!("body {i}")).await.summary.snapshot_id);
    }
    ids.reverse();
    let mut pages = Vec::new();
    let mut query = SnapshotQuery {
        limit: 2,
        ..SnapshotQuery::all()
    };
    loop {
        let page = s.list_snapshots(&query).await.unwrap();
        let Some(last) = page.last() else { break };
        query = query.clone().after(last.snapshot_id);
        pages.push(page.iter().map(|x| x.snapshot_id).collect::<Vec<_>>());
    }
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 1]);
    assert_eq!(pages.concat(), ids, "every snapshot once, newest first");

    let even = s
        .list_snapshots(&SnapshotQuery::of(&reference(
            "https://d.example/even.yaml",
        )))
        .await
        .unwrap();
    assert_eq!(
        even.iter().map(|x| x.snapshot_id).collect::<Vec<_>>(),
        [ids[0], ids[2], ids[4]]
    );
    let keyed = SnapshotQuery {
        ingest_key: Some("yaml".into()),
        ..SnapshotQuery::all()
    };
    assert!(s.list_snapshots(&keyed).await.unwrap().is_empty());
    let one = SnapshotQuery {
        limit: 0,
        ..SnapshotQuery::all()
    };
    assert_eq!(
        s.list_snapshots(&one).await.unwrap().len(),
        1,
        "a zero limit is one"
    );
    let lost = SnapshotQuery::all().after(Uuid::new_v4());
    let err = s.list_snapshots(&lost).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
}
