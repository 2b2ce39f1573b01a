//! The work queue: batch claims, terminate flags, leases that lapse when a
//! worker stops (crashes), clean release, waiting for work, ping.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use drydock_store::{
    Claim, NewTask, ResultStatus, Store, StoreError, StoreOptions, TaskAction, TaskStatus, Uuid,
};

use crate::harness::Ctx;

async fn queue(store: &Store, n: usize) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for _ in 0..n {
        ids.push(
            store
                .create_task(&NewTask::new(TaskAction::DeployNode))
                .await
                .unwrap()
                .task_id,
        );
    }
    ids
}

pub async fn batch_claims_take_each_task_once(ctx: Ctx) {
    const TASKS: usize = 600;
    const WORKERS: usize = 6;
    let created: HashSet<Uuid> = queue(&ctx.store, TASKS).await.into_iter().collect();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..WORKERS {
        let store = ctx
            .another(&StoreOptions {
                max_connections: 2,
                ..Default::default()
            })
            .await;
        set.spawn(async move {
            let claim = Claim::new(Uuid::new_v4(), Duration::from_secs(60));
            let mut mine = Vec::new();
            loop {
                let batch = store.claim_tasks(&claim, 25).await.unwrap();
                if batch.is_empty() {
                    break;
                }
                assert!(batch.len() <= 25);
                assert!(
                    batch.windows(2).all(|w| w[0].created <= w[1].created),
                    "oldest first"
                );
                for t in &batch {
                    assert_eq!(t.status, TaskStatus::Running);
                    assert_eq!(t.claimed_by, Some(claim.owner));
                    assert!(t.lease_expires.is_some_and(|e| e > chrono::Utc::now()));
                }
                mine.extend(batch.into_iter().map(|t| t.task_id));
            }
            mine
        });
    }
    let claimed: Vec<Uuid> = set.join_all().await.into_iter().flatten().collect();
    assert_eq!(claimed.len(), TASKS, "every task claimed once");
    assert_eq!(
        claimed.into_iter().collect::<HashSet<_>>(),
        created,
        "none twice, none lost"
    );

    // Limits are clamped: zero is one, more than the maximum is the maximum.
    queue(&ctx.store, 3).await;
    let claim = Claim::new(Uuid::new_v4(), Duration::from_secs(60));
    assert_eq!(ctx.store.claim_tasks(&claim, 0).await.unwrap().len(), 1);
    assert_eq!(
        ctx.store.claim_tasks(&claim, u32::MAX).await.unwrap().len(),
        2
    );
    for lease in [Duration::ZERO, Duration::from_secs(8 * 24 * 3600)] {
        let err = ctx
            .store
            .claim_tasks(&Claim::new(claim.owner, lease), 1)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::Invalid { field, .. } if field == "claim.lease"),
            "{err}"
        );
    }
}

pub async fn claims_skip_terminated_tasks(ctx: Ctx) {
    let s = &ctx.store;
    let ids = queue(s, 2).await;
    let mut doomed = s.get_task(ids[0]).await.unwrap();
    doomed.terminate = true;
    s.update_task(&doomed).await.unwrap();
    let claim = Claim::new(Uuid::new_v4(), Duration::from_secs(60));
    let got = s.claim_tasks(&claim, 10).await.unwrap();
    assert_eq!(got.iter().map(|t| t.task_id).collect::<Vec<_>>(), [ids[1]]);
    assert!(
        s.claim_next_task(&claim).await.unwrap().is_none(),
        "the terminated one stays"
    );
    assert_eq!(s.get_task(ids[0]).await.unwrap().status, TaskStatus::Queued);

    // A hostile action name in a claim is a value, never SQL.
    let hostile = TaskAction::Unknown("deploy_node'); DELETE FROM tasks; --".into());
    let odd = claim.clone().of(&[hostile]);
    assert!(s.claim_tasks(&odd, 10).await.unwrap().is_empty());
    assert_eq!(s.list_tasks(&Default::default()).await.unwrap().len(), 2);
}

/// A worker that stops renewing (crashed) loses its tasks to the queue, and
/// after `max_attempts` lapses they fail with a reason; a live worker keeps
/// its tasks by renewing; a clean shutdown gives tasks back uncounted.
pub async fn lapsed_leases_requeue_then_fail(ctx: Ctx) {
    let s = &ctx.store;
    let lease = Duration::from_millis(700);
    let ids = queue(s, 4).await;
    let crashed = ctx.another(&StoreOptions::default()).await;
    let lost = Claim::new(Uuid::new_v4(), lease);
    let taken = crashed.claim_tasks(&lost, 3).await.unwrap();
    assert_eq!(taken.len(), 3);
    crashed.close().await; // the worker is gone: nobody renews its claims
    let alive = Claim::new(Uuid::new_v4(), lease);
    let kept = s.claim_next_task(&alive).await.unwrap().unwrap();

    let until = Instant::now() + lease * 2;
    while Instant::now() < until {
        assert_eq!(s.renew_claims(alive.owner, lease).await.unwrap(), 1);
        tokio::time::sleep(lease / 4).await;
    }
    let out = s.requeue_expired(2).await.unwrap();
    let lost_ids: HashSet<Uuid> = taken.iter().map(|t| t.task_id).collect();
    assert_eq!(
        out.requeued.iter().copied().collect::<HashSet<_>>(),
        lost_ids
    );
    assert!(out.failed.is_empty());
    for id in &lost_ids {
        let t = s.get_task(*id).await.unwrap();
        assert_eq!(
            (t.status, t.attempts, t.claimed_by, t.lease_expires),
            (TaskStatus::Queued, 1, None, None)
        );
    }
    let still = s.get_task(kept.task_id).await.unwrap();
    assert_eq!(
        (still.status, still.claimed_by),
        (TaskStatus::Running, Some(alive.owner)),
        "renewed: kept"
    );
    assert!(
        s.requeue_expired(2).await.unwrap().requeued.is_empty(),
        "nothing lapsed twice"
    );
    // The live worker takes a longer lease while the others lapse again.
    assert_eq!(
        s.renew_claims(alive.owner, Duration::from_secs(60))
            .await
            .unwrap(),
        1
    );

    // They lapse a second time: at two attempts they are given up on.
    let again = Claim::new(Uuid::new_v4(), Duration::from_millis(200));
    let retaken = s.claim_tasks(&again, 10).await.unwrap();
    assert_eq!(retaken.len(), 3, "the requeued tasks are claimed again");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let out = s.requeue_expired(2).await.unwrap();
    assert!(out.requeued.is_empty());
    assert_eq!(out.failed.iter().copied().collect::<HashSet<_>>(), lost_ids);
    for id in &lost_ids {
        let t = s.get_task(*id).await.unwrap();
        assert_eq!((t.status, t.attempts), (TaskStatus::Complete, 2));
        assert_eq!(t.result.status, ResultStatus::Failure);
        assert!(
            t.result
                .reason
                .as_deref()
                .is_some_and(|r| r.contains("claimed 2 times")),
            "{:?}",
            t.result.reason
        );
        assert_eq!(
            t.claimed_by,
            Some(again.owner),
            "the last owner is kept for the record"
        );
    }

    // A clean shutdown: released, queued again, no attempt counted.
    assert!(
        !s.release_task(kept.task_id, Uuid::new_v4()).await.unwrap(),
        "not the owner"
    );
    assert!(s.release_task(kept.task_id, alive.owner).await.unwrap());
    let released = s.get_task(kept.task_id).await.unwrap();
    assert_eq!(
        (released.status, released.attempts, released.claimed_by),
        (TaskStatus::Queued, 0, None)
    );
    assert!(
        !s.release_task(kept.task_id, alive.owner).await.unwrap(),
        "released once"
    );
    assert_eq!(ids.len(), 4);

    let err = s.requeue_expired(0).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid { field, .. } if field == "max_attempts"),
        "{err}"
    );
    let err = s
        .renew_claims(alive.owner, Duration::ZERO)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid { .. }), "{err}");
}

/// A waiting worker wakes when a task is queued (or requeued), not before,
/// and gives up after its timeout.
pub async fn waiting_wakes_when_work_is_queued(ctx: Ctx) {
    let s = &ctx.store;
    let start = Instant::now();
    assert!(
        !s.wait_for_task(Duration::from_millis(300)).await.unwrap(),
        "nothing queued"
    );
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_secs(3),
        "{waited:?}"
    );

    let producer = ctx.another(&StoreOptions::default()).await;
    let waiter = s.clone();
    let wake = tokio::spawn(async move {
        let start = Instant::now();
        (
            waiter.wait_for_task(Duration::from_secs(20)).await.unwrap(),
            start.elapsed(),
        )
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(!wake.is_finished(), "no task yet: still waiting");
    producer
        .create_task(&NewTask::new(TaskAction::Noop))
        .await
        .unwrap();
    let (woke, after) = wake.await.unwrap();
    assert!(
        woke && after < Duration::from_secs(5),
        "woke after {after:?}"
    );
    assert!(
        s.wait_for_task(Duration::from_secs(5)).await.unwrap(),
        "a task is queued: at once"
    );

    // A requeued task wakes a waiter too.
    let claim = Claim::new(Uuid::new_v4(), Duration::from_millis(200));
    assert!(s.claim_next_task(&claim).await.unwrap().is_some());
    let waiter = s.clone();
    let wake =
        tokio::spawn(async move { waiter.wait_for_task(Duration::from_secs(20)).await.unwrap() });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!wake.is_finished(), "the claimed task is not queued");
    assert_eq!(producer.requeue_expired(3).await.unwrap().requeued.len(), 1);
    assert!(
        tokio::time::timeout(Duration::from_secs(5), wake)
            .await
            .unwrap()
            .unwrap()
    );
}

pub async fn ping_answers_or_fails_typed(ctx: Ctx) {
    let store = ctx.another(&StoreOptions::default()).await;
    store.ping().await.unwrap();
    store.close().await;
    let err = store.ping().await.unwrap_err();
    assert!(matches!(err, StoreError::Unavailable { .. }), "{err:?}");
    assert!(err.is_retryable());
}

pub async fn waiting_for_work_ignores_other_actions(ctx: Ctx) {
    let s = &ctx.store;
    s.create_task(&NewTask::new(TaskAction::PrepareNodes))
        .await
        .unwrap();
    let mine = [TaskAction::ValidateDesign];
    let start = Instant::now();
    assert!(
        !s.wait_for_work(&mine, Duration::from_millis(300))
            .await
            .unwrap(),
        "a prepare_nodes task is no work for a validate_design worker"
    );
    assert!(start.elapsed() >= Duration::from_millis(300), "it waited");
    assert!(
        s.wait_for_work(&[], Duration::ZERO).await.unwrap(),
        "any action"
    );
    assert!(s.wait_for_task(Duration::ZERO).await.unwrap());
    s.create_task(&NewTask::new(TaskAction::ValidateDesign))
        .await
        .unwrap();
    assert!(s.wait_for_work(&mine, Duration::ZERO).await.unwrap());
    let both = [TaskAction::DeployNodes, TaskAction::ValidateDesign];
    assert!(s.wait_for_work(&both, Duration::ZERO).await.unwrap());
}

/// A store of one connection (a CLI command's) waits for work on that one
/// connection: the wait looks for queued tasks on its listening connection
/// instead of asking the pool for a second one, which would wait for the
/// acquire timeout and fail.
pub async fn a_one_connection_store_waits_on_its_one_connection(ctx: Ctx) {
    let options = StoreOptions {
        acquire_timeout: Duration::from_secs(2),
        ..StoreOptions::default()
    }
    .single_connection();
    let s = ctx.another(&options).await;
    let start = Instant::now();
    let waited = s.wait_for_task(Duration::from_millis(200)).await;
    assert!(matches!(waited, Ok(false)), "{waited:?}");
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    s.create_task(&NewTask::new(TaskAction::ValidateDesign))
        .await
        .unwrap();
    let mine = [TaskAction::ValidateDesign];
    assert!(s.wait_for_work(&mine, Duration::ZERO).await.unwrap());
    let other = [TaskAction::DeployNodes];
    let start = Instant::now();
    let waited = s.wait_for_work(&other, Duration::from_millis(200)).await;
    assert!(matches!(waited, Ok(false)), "{waited:?}");
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    // The connection is back in the pool for the next call.
    assert!(s.wait_for_task(Duration::ZERO).await.unwrap());
    assert_eq!(s.list_tasks(&Default::default()).await.unwrap().len(), 1);
}
