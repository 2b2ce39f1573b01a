//! Finishing a claimed task: result and messages in one transaction, only by
//! the worker still holding the claim, so a task is finished exactly once.

use std::time::Duration;

use drydock_store::{
    Claim, NewResultMessage, NewTask, ResultStatus, StoreError, TaskAction, TaskStatus, Uuid,
};

use crate::harness::Ctx;

pub async fn finish_writes_result_and_messages_once(ctx: Ctx) {
    let s = &ctx.store;
    let created = s
        .create_task(&NewTask::new(TaskAction::ValidateDesign))
        .await
        .unwrap();
    let worker = Claim::new(Uuid::new_v4(), Duration::from_secs(60));
    let mut task = s.claim_next_task(&worker).await.unwrap().expect("claimed");
    assert_eq!(task.task_id, created.task_id);
    task.success(None);
    task.complete("Site design passed validation");
    let messages = [
        NewResultMessage::new("first", false),
        NewResultMessage::new("second", true),
    ];
    let done = s.finish_task(&task, worker.owner, &messages).await.unwrap();
    assert_eq!(done.status, TaskStatus::Complete);
    assert_eq!(done.result.status, ResultStatus::Success);
    assert_eq!(done.result.error_count, 1);
    let texts: Vec<&str> = done.messages.iter().map(|m| m.message.as_str()).collect();
    assert_eq!(texts, ["first", "second"]);
    // Finishing again (a retry, a second worker with a stale copy) writes nothing.
    let err = s
        .finish_task(&task, worker.owner, &messages)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err}");
    assert_eq!(s.messages(task.task_id).await.unwrap().len(), 2);
}

pub async fn a_lapsed_claim_cannot_finish(ctx: Ctx) {
    let s = &ctx.store;
    s.create_task(&NewTask::new(TaskAction::ValidateDesign))
        .await
        .unwrap();
    let slow = Claim::new(Uuid::new_v4(), Duration::from_millis(200));
    let mut stale = s.claim_next_task(&slow).await.unwrap().expect("claimed");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let requeued = s.requeue_expired(3).await.unwrap();
    assert_eq!(requeued.requeued, [stale.task_id]);
    let other = Claim::new(Uuid::new_v4(), Duration::from_secs(60));
    let mut fresh = s
        .claim_next_task(&other)
        .await
        .unwrap()
        .expect("claimed again");
    // The slow worker comes back: its claim is gone, its result is refused.
    stale.failure(None);
    stale.complete("stale");
    let err = s
        .finish_task(&stale, slow.owner, &[NewResultMessage::new("stale", true)])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("at the version read (its lease lapsed, or it was changed)"),
        "one space between words: {err}"
    );
    fresh.success(None);
    fresh.complete("fresh");
    let done = s
        .finish_task(
            &fresh,
            other.owner,
            &[NewResultMessage::new("fresh", false)],
        )
        .await
        .unwrap();
    assert_eq!(done.result.message.as_deref(), Some("fresh"));
    let texts: Vec<String> = done.messages.iter().map(|m| m.message.clone()).collect();
    assert_eq!(texts, ["fresh"], "nothing of the stale worker's");
}
