//! Tasks: create, get, update, list, subtasks, claim, retention.

use chrono::Duration;
use drydock_store::{
    NewResultMessage, NewTask, ResultStatus, StoreError, SubtaskFilter, TaskAction, TaskFilter,
    TaskStatus, Uuid, now,
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
    a.result.links = vec![drydock_store::TaskLink {
        rel: "detail".into(),
        href: "http://x/1".into(),
    }];
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

/// Eight writers, each its own pool, increment one counter by read-modify-write
/// with retry on conflict: no increment is lost.
pub async fn racing_updates_lose_nothing(ctx: Ctx) {
    const WRITERS: i32 = 8;
    const EACH: i32 = 10;
    let t = ctx
        .store
        .create_task(&NewTask::new(TaskAction::VerifyNodes))
        .await
        .unwrap();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..WRITERS {
        let store = ctx
            .another(&drydock_store::StoreOptions {
                max_connections: 1,
                ..Default::default()
            })
            .await;
        set.spawn(async move {
            let mut conflicts = 0;
            for _ in 0..EACH {
                loop {
                    let mut task = store.get_task(t.task_id).await.unwrap();
                    task.retry += 1;
                    match store.update_task(&task).await {
                        Ok(_) => break,
                        Err(StoreError::Conflict { .. }) => conflicts += 1,
                        Err(e) => panic!("{e}"),
                    }
                }
            }
            conflicts
        });
    }
    let conflicts: i32 = set.join_all().await.into_iter().sum();
    let end = ctx.store.get_task(t.task_id).await.unwrap();
    assert_eq!(
        end.retry,
        WRITERS * EACH,
        "every increment kept ({conflicts} conflicts retried)"
    );
    assert_eq!(end.version, 1 + i64::from(WRITERS * EACH));
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
        let mut t = NewTask::new(action.clone());
        t.status = status.clone();
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
    assert_eq!(
        s.delete_tasks_older_than(u32::MAX).await.unwrap(),
        0,
        "a huge period deletes nothing"
    );
    assert_eq!(s.delete_tasks_older_than(0).await.unwrap(), 1);
}
