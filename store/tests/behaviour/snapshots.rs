//! Design snapshots.

use bytes::Bytes;
use chrono::{Duration, SubsecRound, Utc};
use drydock_store::{NewSnapshot, NewTask, SnapshotMetadata, StoreError, TaskAction, Uuid};
use serde_json::json;

use crate::harness::Ctx;

pub fn sample(reference: &str, body: &str, minutes_ago: i64) -> NewSnapshot {
    NewSnapshot {
        reference: reference.into(),
        metadata: SnapshotMetadata {
            driver: "http".into(),
            content_type: Some("application/yaml".into()),
            etag: Some("\"abc\"".into()),
            revision: Some("7".into()),
            last_modified: Some("Tue, 24 Nov 2026 10:00:00 GMT".into()),
            location: reference.into(),
            fetched_at: Utc::now().trunc_subsecs(6) - Duration::minutes(minutes_ago),
        },
        bytes: Bytes::from(body.to_owned()),
        model: json!({"nodes": [{"name": "n1"}], "body": body}),
        report: json!({"status": "Success", "messages": []}),
    }
}

pub async fn store_get_list_latest(ctx: Ctx) {
    let s = &ctx.store;
    let r = "https://designs.example/site.yaml";
    let old = sample(r, "version: 1", 10);
    let new = sample(r, "version: 2", 1);
    let a = s.put_snapshot(&old).await.unwrap();
    let b = s.put_snapshot(&new).await.unwrap();
    assert_ne!(a.snapshot_id, b.snapshot_id);
    assert_eq!(a.digest, old.digest());
    assert_eq!(a.length, 10);
    assert_eq!(a.metadata, old.metadata);
    assert_eq!(a.reference, r);

    let got = s.get_snapshot(a.snapshot_id).await.unwrap();
    assert_eq!(got.summary, a);
    assert_eq!(got.bytes, old.bytes);
    assert_eq!(got.model, old.model);
    assert_eq!(got.report, old.report);
    let by_digest = s
        .get_snapshot_by_digest(&format!("sha256:{}", old.digest()))
        .await
        .unwrap();
    assert_eq!(by_digest.summary.snapshot_id, a.snapshot_id);

    let list = s.list_snapshots(r).await.unwrap();
    assert_eq!(
        list.iter().map(|x| x.snapshot_id).collect::<Vec<_>>(),
        vec![b.snapshot_id, a.snapshot_id]
    );
    assert_eq!(
        s.latest_snapshot(r).await.unwrap().unwrap().bytes,
        new.bytes
    );
    assert!(
        s.latest_snapshot("file:///nothing")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.list_snapshots("file:///nothing")
            .await
            .unwrap()
            .is_empty()
    );

    assert!(matches!(
        s.get_snapshot(Uuid::new_v4()).await,
        Err(StoreError::NotFound { .. })
    ));
    let unknown = "0".repeat(64);
    assert!(matches!(
        s.get_snapshot_by_digest(&unknown).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.get_snapshot_by_digest("sha256:xyz").await,
        Err(StoreError::Invalid { .. })
    ));
}

pub async fn same_bytes_stored_once(ctx: Ctx) {
    let s = &ctx.store;
    let snap = sample("https://designs.example/site.yaml", "same bytes", 5);
    let first = s.put_snapshot(&snap).await.unwrap();
    let again = s.put_snapshot(&snap).await.unwrap();
    assert_eq!(
        first, again,
        "the same resolution stored twice is one snapshot"
    );
    assert_eq!(ctx.count("design_snapshot").await, 1);
    assert_eq!(ctx.count("design_content").await, 1);

    // Another reference and a later resolution of the same bytes: new snapshots, same content row.
    let mirror = sample("file:///srv/mirror/site.yaml", "same bytes", 1);
    let later = sample("https://designs.example/site.yaml", "same bytes", 0);
    let m = s.put_snapshot(&mirror).await.unwrap();
    let l = s.put_snapshot(&later).await.unwrap();
    assert_eq!(
        (m.digest.clone(), l.digest.clone()),
        (first.digest.clone(), first.digest.clone())
    );
    assert_eq!(ctx.count("design_snapshot").await, 3);
    assert_eq!(ctx.count("design_content").await, 1);
    assert_eq!(
        s.get_snapshot(m.snapshot_id).await.unwrap().bytes,
        snap.bytes
    );
    assert_eq!(
        s.get_snapshot_by_digest(&first.digest)
            .await
            .unwrap()
            .summary
            .snapshot_id,
        l.snapshot_id
    );
}

pub async fn task_records_its_snapshot(ctx: Ctx) {
    let s = &ctx.store;
    let snap = s
        .put_snapshot(&sample("https://d/site.yaml", "x", 0))
        .await
        .unwrap();
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

    // Set it later through an update.
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
