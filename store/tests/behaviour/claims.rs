//! Claiming the next queued task: oldest first, by action, never twice.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::Duration;
use drydock_store::{
    Claim, NewResultMessage, NewTask, StoreOptions, TaskAction, TaskFilter, TaskStatus, Uuid, now,
};

use crate::harness::Ctx;

/// A claim by one worker with a minute's lease, of `actions`.
pub fn worker(actions: &[TaskAction]) -> Claim {
    Claim::new(Uuid::new_v4(), std::time::Duration::from_secs(60)).of(actions)
}

pub async fn claim_takes_oldest_matching(ctx: Ctx) {
    let s = &ctx.store;
    assert!(
        s.claim_next_task(&worker(&[])).await.unwrap().is_none(),
        "nothing queued"
    );
    let base = now() - Duration::seconds(60);
    let mk = |action, secs, status| {
        let mut t = NewTask::new(action);
        t.created = base + Duration::seconds(secs);
        t.status = status;
        t
    };
    let newer = s
        .create_task(&mk(TaskAction::ValidateDesign, 20, TaskStatus::Queued))
        .await
        .unwrap();
    let older = s
        .create_task(&mk(TaskAction::ValidateDesign, 10, TaskStatus::Queued))
        .await
        .unwrap();
    let deploy = s
        .create_task(&mk(TaskAction::DeployNodes, 30, TaskStatus::Queued))
        .await
        .unwrap();
    s.create_task(&mk(TaskAction::DeployNodes, 0, TaskStatus::Requested))
        .await
        .unwrap();
    s.append_message(
        older.task_id,
        &NewResultMessage::new("queued by test", false),
    )
    .await
    .unwrap();

    let c = s
        .claim_next_task(&worker(&[TaskAction::DeployNodes]))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.task_id, deploy.task_id, "only the asked-for actions");
    assert_eq!(c.status, TaskStatus::Running);
    assert_eq!(c.version, 2);
    let c = s.claim_next_task(&worker(&[])).await.unwrap().unwrap();
    assert_eq!(c.task_id, older.task_id, "oldest first");
    assert_eq!(c.messages.len(), 1, "claimed task comes with its messages");
    assert!(
        s.claim_next_task(&worker(&[TaskAction::DeployNodes, TaskAction::PrepareSite]))
            .await
            .unwrap()
            .is_none()
    );
    let c = s
        .claim_next_task(&worker(&[TaskAction::ValidateDesign]))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.task_id, newer.task_id);
    assert!(
        s.claim_next_task(&worker(&[])).await.unwrap().is_none(),
        "requested is not queued"
    );
    assert_eq!(
        s.get_task(older.task_id).await.unwrap().status,
        TaskStatus::Running
    );
}

pub async fn eight_workers_claim_2000_tasks_once_each(ctx: Ctx) {
    const TASKS: usize = 2000;
    const WORKERS: usize = 8;
    let creator = Arc::new(ctx.store.clone());
    let mut created = HashSet::new();
    for chunk in 0..TASKS / 100 {
        let mut set = tokio::task::JoinSet::new();
        for i in 0..100 {
            let s = creator.clone();
            set.spawn(async move {
                let mut t = NewTask::new(if i % 2 == 0 {
                    TaskAction::DeployNode
                } else {
                    TaskAction::PrepareNodes
                });
                t.created_by = Some(format!("chunk {chunk}"));
                s.create_task(&t).await.unwrap().task_id
            });
        }
        created.extend(set.join_all().await);
    }
    assert_eq!(created.len(), TASKS);

    let options = StoreOptions {
        max_connections: 2,
        ..Default::default()
    };
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..WORKERS {
        let store = ctx.another(&options).await;
        workers.spawn(async move {
            let mut mine = Vec::new();
            loop {
                // A busy SQLite file (the busy timeout ran out on a loaded
                // machine) is a retryable error: a worker claims again, and
                // so does this one; exactly-once is what is checked below.
                match store.claim_next_task(&worker(&[])).await {
                    Ok(Some(t)) => {
                        assert_eq!(t.status, TaskStatus::Running);
                        mine.push(t.task_id);
                    }
                    Ok(None) => break,
                    Err(e) if e.is_retryable() => continue,
                    Err(e) => panic!("claim failed: {e}"),
                }
            }
            mine
        });
    }
    let per_worker = workers.join_all().await;
    let claimed: Vec<Uuid> = per_worker.iter().flatten().copied().collect();
    let unique: HashSet<Uuid> = claimed.iter().copied().collect();
    assert_eq!(
        claimed.len(),
        TASKS,
        "every task claimed, none twice (per worker: {:?})",
        per_worker.iter().map(Vec::len).collect::<Vec<_>>()
    );
    assert_eq!(unique, created, "no task lost");
    let queued = ctx
        .store
        .list_tasks(&TaskFilter {
            statuses: vec![TaskStatus::Queued],
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(queued.is_empty());
}
