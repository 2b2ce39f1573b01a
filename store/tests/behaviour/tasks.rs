//! Tasks: create, get, update, list, subtasks, claim, retention.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::Duration;
use drydock_store::{
    NewResultMessage, NewTask, ResultStatus, StoreError, StoreOptions, SubtaskFilter, TaskAction,
    TaskFilter, TaskStatus, Uuid, now,
};
use serde_json::json;

use crate::harness::Ctx;

pub async fn create_and_get(ctx: Ctx) {
    let s = &ctx.store;
    let mut new = NewTask::new(TaskAction::DeployNodes);
    new.design_ref = Some("deckhand+https://deckhand:8443/revisions/7".into());
    new.node_filter =
        Some(json!({"filter_set_type": "union", "filter_set": [{"node_names": ["n1", "n2"]}]}));
    new.request_context = Some(json!({"user": "ops", "request_id": "r-1"}));
    new.created_by = Some("ops".into());
    let created = s.create_task(&new).await.unwrap();
    assert_eq!(created.task_id, new.task_id);
    assert_eq!(created.status, TaskStatus::Queued);
    assert_eq!(created.action, TaskAction::DeployNodes);
    assert_eq!(created.result.status, ResultStatus::Unreported);
    assert_eq!(created.created, new.created);
    assert_eq!(created.version, 1);

    let got = s.get_task(new.task_id).await.unwrap();
    assert_eq!(got, created);
    assert_eq!(got.node_filter, new.node_filter);
    assert_eq!(got.request_context, new.request_context);

    let dup = s.create_task(&new).await.unwrap_err();
    assert!(matches!(dup, StoreError::Conflict { .. }), "{dup}");

    let missing = Uuid::new_v4();
    match s.get_task(missing).await.unwrap_err() {
        StoreError::NotFound { what, id } => assert_eq!((what, id), ("task", missing.to_string())),
        other => panic!("expected NotFound, got {other}"),
    }
}

pub async fn update_guards_lost_updates(ctx: Ctx) {
    let s = &ctx.store;
    let t = s
        .create_task(&NewTask::new(TaskAction::VerifySite))
        .await
        .unwrap();
    let mut a = s.get_task(t.task_id).await.unwrap();
    let mut b = a.clone();

    a.status = TaskStatus::Complete;
    a.result.status = ResultStatus::PartialSuccess;
    a.result.message = Some("2 of 3".into());
    a.result.reason = Some("n3 did not answer".into());
    a.result.successes = vec!["n1".into(), "n2".into()];
    a.result.failures = vec!["n3".into()];
    a.result.links = Some(json!([{"rel": "detail", "uri": "http://x/1"}]));
    a.retry = 2;
    a.terminate = true;
    a.terminated = Some(now());
    a.terminated_by = Some("ops".into());
    let saved = s.update_task(&a).await.unwrap();
    assert_eq!(saved.version, a.version + 1);
    assert!(saved.updated.is_some());
    assert_eq!(saved.result, a.result);
    assert_eq!((saved.retry, saved.terminate), (2, true));
    assert_eq!(saved.terminated, a.terminated);
    assert_eq!(s.get_task(t.task_id).await.unwrap(), saved);

    // b was read before a's update: writing it would lose a's changes.
    b.status = TaskStatus::Terminated;
    let err = s.update_task(&b).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err}");
    assert!(err.to_string().contains(&t.task_id.to_string()), "{err}");
    assert_eq!(
        s.get_task(t.task_id).await.unwrap().status,
        TaskStatus::Complete
    );

    // Re-read, re-apply: now it goes through.
    let mut fresh = s.get_task(t.task_id).await.unwrap();
    fresh.status = TaskStatus::Terminated;
    assert_eq!(
        s.update_task(&fresh).await.unwrap().status,
        TaskStatus::Terminated
    );

    let mut ghost = fresh.clone();
    ghost.task_id = Uuid::new_v4();
    assert!(matches!(
        s.update_task(&ghost).await.unwrap_err(),
        StoreError::NotFound { .. }
    ));
}

pub async fn list_filters_by_status_and_action(ctx: Ctx) {
    let s = &ctx.store;
    let plan = [
        (TaskAction::ValidateDesign, TaskStatus::Queued),
        (TaskAction::ValidateDesign, TaskStatus::Complete),
        (TaskAction::DeployNodes, TaskStatus::Queued),
        (TaskAction::DeployNodes, TaskStatus::Running),
        (TaskAction::PrepareSite, TaskStatus::Requested),
    ];
    let mut ids = Vec::new();
    for (i, (action, status)) in plan.iter().enumerate() {
        let mut t = NewTask::new(*action);
        t.status = *status;
        t.created = now() - Duration::seconds(100 - i as i64);
        ids.push(s.create_task(&t).await.unwrap().task_id);
    }
    let all = s.list_tasks(&TaskFilter::default()).await.unwrap();
    assert_eq!(
        all.iter().map(|t| t.task_id).collect::<Vec<_>>(),
        ids,
        "oldest first"
    );
    let queued = s
        .list_tasks(&TaskFilter {
            statuses: vec![TaskStatus::Queued],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        queued.iter().map(|t| t.task_id).collect::<Vec<_>>(),
        vec![ids[0], ids[2]]
    );
    let deploy_active = s
        .list_tasks(&TaskFilter {
            statuses: vec![TaskStatus::Queued, TaskStatus::Running],
            actions: vec![TaskAction::DeployNodes],
            limit: None,
        })
        .await
        .unwrap();
    assert_eq!(
        deploy_active.iter().map(|t| t.task_id).collect::<Vec<_>>(),
        vec![ids[2], ids[3]]
    );
    let limited = s
        .list_tasks(&TaskFilter {
            limit: Some(2),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(limited.len(), 2);
    let none = s
        .list_tasks(&TaskFilter {
            actions: vec![TaskAction::DestroyNodes],
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(none.is_empty());
}

pub async fn subtasks_active_complete_all(ctx: Ctx) {
    let s = &ctx.store;
    let parent = s
        .create_task(&NewTask::new(TaskAction::DeployNodes))
        .await
        .unwrap();
    let mut kids = Vec::new();
    for (i, status) in [
        TaskStatus::Running,
        TaskStatus::Complete,
        TaskStatus::Terminating,
        TaskStatus::Terminated,
        TaskStatus::Queued,
    ]
    .into_iter()
    .enumerate()
    {
        let mut t = NewTask::new(TaskAction::DeployNode);
        t.status = status;
        t.created = now() + Duration::milliseconds(i as i64);
        if i < 4 {
            t.parent_task_id = Some(parent.task_id);
        }
        kids.push(s.create_task(&t).await.unwrap().task_id);
    }
    // The last one becomes a subtask afterwards.
    s.link_subtask(parent.task_id, kids[4]).await.unwrap();
    assert_eq!(
        s.get_task(kids[4]).await.unwrap().parent_task_id,
        Some(parent.task_id)
    );

    let got = s.get_task(parent.task_id).await.unwrap();
    assert_eq!(got.subtask_id_list, kids);
    let ids = |v: Vec<drydock_store::Task>| v.into_iter().map(|t| t.task_id).collect::<Vec<_>>();
    assert_eq!(
        ids(s
            .subtasks(parent.task_id, SubtaskFilter::Active)
            .await
            .unwrap()),
        vec![kids[0], kids[2]]
    );
    assert_eq!(
        ids(s
            .subtasks(parent.task_id, SubtaskFilter::Complete)
            .await
            .unwrap()),
        vec![kids[1], kids[3]]
    );
    assert_eq!(
        ids(s
            .subtasks(parent.task_id, SubtaskFilter::All)
            .await
            .unwrap()),
        kids
    );
    assert!(
        s.subtasks(kids[0], SubtaskFilter::All)
            .await
            .unwrap()
            .is_empty()
    );

    assert!(matches!(
        s.link_subtask(Uuid::new_v4(), kids[0]).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.link_subtask(parent.task_id, Uuid::new_v4()).await,
        Err(StoreError::NotFound { .. })
    ));
}

pub async fn claim_takes_oldest_matching(ctx: Ctx) {
    let s = &ctx.store;
    assert!(
        s.claim_next_task(&[]).await.unwrap().is_none(),
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
        .claim_next_task(&[TaskAction::DeployNodes])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.task_id, deploy.task_id, "only the asked-for actions");
    assert_eq!(c.status, TaskStatus::Running);
    assert_eq!(c.version, 2);
    let c = s.claim_next_task(&[]).await.unwrap().unwrap();
    assert_eq!(c.task_id, older.task_id, "oldest first");
    assert_eq!(c.messages.len(), 1, "claimed task comes with its messages");
    assert!(
        s.claim_next_task(&[TaskAction::DeployNodes, TaskAction::PrepareSite])
            .await
            .unwrap()
            .is_none()
    );
    let c = s
        .claim_next_task(&[TaskAction::ValidateDesign])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.task_id, newer.task_id);
    assert!(
        s.claim_next_task(&[]).await.unwrap().is_none(),
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
            while let Some(t) = store.claim_next_task(&[]).await.unwrap() {
                assert_eq!(t.status, TaskStatus::Running);
                mine.push(t.task_id);
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

pub async fn retention_deletes_old_tasks_subtasks_messages(ctx: Ctx) {
    let s = &ctx.store;
    let mut old = NewTask::new(TaskAction::DeployNodes);
    old.created = now() - Duration::days(10);
    let old = s.create_task(&old).await.unwrap();
    let mut child = NewTask::new(TaskAction::DeployNode);
    child.parent_task_id = Some(old.task_id);
    let child = s.create_task(&child).await.unwrap();
    let mut grandchild = NewTask::new(TaskAction::ApplyNodeNetworking);
    grandchild.parent_task_id = Some(child.task_id);
    let grandchild = s.create_task(&grandchild).await.unwrap();
    let mut recent = NewTask::new(TaskAction::DeployNodes);
    recent.created = now() - Duration::days(6);
    let recent = s.create_task(&recent).await.unwrap();
    for t in [old.task_id, child.task_id, recent.task_id] {
        s.append_messages(
            t,
            &[
                NewResultMessage::new("a", false),
                NewResultMessage::new("b", true),
            ],
        )
        .await
        .unwrap();
    }
    s.put_build_data(&drydock_store::BuildData::new(
        "n1",
        old.task_id,
        "lshw",
        "text/plain",
        "<xml/>",
    ))
    .await
    .unwrap();

    assert_eq!(s.delete_tasks_older_than(7).await.unwrap(), 3);
    for gone in [old.task_id, child.task_id, grandchild.task_id] {
        assert!(matches!(
            s.get_task(gone).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(s.messages(gone).await.unwrap().is_empty());
    }
    let kept = s.get_task(recent.task_id).await.unwrap();
    assert_eq!(kept.messages.len(), 2);
    assert_eq!(
        ctx.count("result_message").await,
        2,
        "orphaned messages deleted"
    );
    assert_eq!(ctx.count("build_data").await, 1, "build data survives");
    assert_eq!(s.delete_tasks_older_than(7).await.unwrap(), 0);
    assert_eq!(s.delete_tasks_older_than(0).await.unwrap(), 1);
}
