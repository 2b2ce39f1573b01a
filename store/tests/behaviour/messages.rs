//! Result messages: append one or many, gap-free sequences under concurrency.

use std::collections::HashMap;

use chrono::Duration;
use drydock_store::{NewResultMessage, NewTask, StoreError, StoreOptions, TaskAction, Uuid, now};
use serde_json::json;

use crate::harness::Ctx;

pub async fn append_one_and_many(ctx: Ctx) {
    let s = &ctx.store;
    let t = s
        .create_task(&NewTask::new(TaskAction::PrepareNodes))
        .await
        .unwrap();
    let mut first = NewResultMessage::new("node n1 prepared", false).with_context("n1", "node");
    first.ts = now() - Duration::seconds(5);
    first.extra = Some(json!({"attempt": 1, "tags": ["a", "b"]}));
    assert_eq!(s.append_message(t.task_id, &first).await.unwrap(), 1);

    let batch: Vec<_> = (0..250)
        .map(|i| NewResultMessage::new(format!("m{i}"), i % 10 == 0))
        .collect();
    let seqs = s.append_messages(t.task_id, &batch).await.unwrap();
    assert_eq!(seqs, (2..=251).collect::<Vec<i64>>());
    assert!(s.append_messages(t.task_id, &[]).await.unwrap().is_empty());

    let got = s.get_task(t.task_id).await.unwrap();
    assert_eq!(got.messages.len(), 251);
    assert_eq!(
        got.result.error_count, 25,
        "error count is the number of error messages"
    );
    let m = &got.messages[0];
    assert_eq!(
        (m.sequence, m.task_id, m.message.as_str(), m.error),
        (1, t.task_id, "node n1 prepared", false)
    );
    assert_eq!(
        (m.context.as_deref(), m.context_type.as_deref()),
        (Some("n1"), Some("node"))
    );
    assert_eq!(m.ts, first.ts);
    assert_eq!(m.extra, first.extra);
    for (i, m) in got.messages.iter().enumerate() {
        assert_eq!(m.sequence, i as i64 + 1);
    }
    assert_eq!(got.messages[1].message, "m0");
    assert!(got.messages[1].error);
    assert_eq!(got.messages[250].message, "m249");
    assert_eq!(s.messages(t.task_id).await.unwrap(), got.messages);

    let err = s.append_message(Uuid::new_v4(), &first).await.unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound { what: "task", .. }),
        "{err}"
    );
}

pub async fn concurrent_appends_are_gap_free(ctx: Ctx) {
    const WRITERS: usize = 8;
    const BATCHES: usize = 25;
    const PER_BATCH: usize = 10;
    let t = ctx
        .store
        .create_task(&NewTask::new(TaskAction::DeployNodes))
        .await
        .unwrap();
    let other = ctx
        .store
        .create_task(&NewTask::new(TaskAction::DeployNodes))
        .await
        .unwrap();
    let options = StoreOptions {
        max_connections: 2,
        ..Default::default()
    };
    let mut set = tokio::task::JoinSet::new();
    for w in 0..WRITERS {
        let store = ctx.another(&options).await;
        let (task, other) = (t.task_id, other.task_id);
        set.spawn(async move {
            let mut got = Vec::new();
            for b in 0..BATCHES {
                let batch: Vec<_> = (0..PER_BATCH)
                    .map(|i| NewResultMessage::new(format!("w{w} b{b} i{i}"), w == 0))
                    .collect();
                let seqs = store.append_messages(task, &batch).await.unwrap();
                assert!(
                    seqs.windows(2).all(|p| p[1] == p[0] + 1),
                    "a batch is contiguous: {seqs:?}"
                );
                got.push(seqs);
                store
                    .append_message(other, &NewResultMessage::new("x", false))
                    .await
                    .unwrap();
            }
            got
        });
    }
    let all: Vec<Vec<i64>> = set.join_all().await.into_iter().flatten().collect();
    let mut seqs: Vec<i64> = all.iter().flatten().copied().collect();
    seqs.sort_unstable();
    let total = (WRITERS * BATCHES * PER_BATCH) as i64;
    assert_eq!(
        seqs,
        (1..=total).collect::<Vec<_>>(),
        "gap-free, no duplicates"
    );

    let stored = ctx.store.get_task(t.task_id).await.unwrap();
    assert_eq!(stored.messages.len() as i64, total);
    assert_eq!(stored.result.error_count, (BATCHES * PER_BATCH) as i64);
    // Each writer's messages appear in the order it wrote them.
    let mut last: HashMap<String, i64> = HashMap::new();
    for m in &stored.messages {
        let writer = m.message.split(' ').next().unwrap().to_owned();
        let prev = last.insert(writer, m.sequence).unwrap_or(0);
        assert!(m.sequence > prev);
    }
    let o = ctx.store.messages(other.task_id).await.unwrap();
    assert_eq!(
        o.iter().map(|m| m.sequence).collect::<Vec<_>>(),
        (1..=(WRITERS * BATCHES) as i64).collect::<Vec<_>>()
    );
}
