//! Tasks as the original spells them: its action strings, values from other
//! versions kept, its orchestrator's result helpers (the API's JSON shape is
//! rendered above the store: `drydock::tasks`).

use drydock_store::{
    Backend, NewResultMessage, NewTask, ResultStatus, StoreError, TaskAction, TaskFilter, TaskLink,
    TaskStatus,
};
use serde_json::json;
use sqlx::Connection;

use crate::harness::Ctx;

/// Runs `sql` with `id` bound, as another version of drydock (or a person) would.
async fn raw(ctx: &Ctx, sql: &'static str, id: drydock_store::Uuid) {
    match ctx.backend() {
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&ctx.url).await.unwrap();
            sqlx::query(sql).bind(id).execute(&mut c).await.unwrap();
        }
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&ctx.url).await.unwrap();
            sqlx::query(sql).bind(id).execute(&mut c).await.unwrap();
        }
    }
}

pub async fn unknown_values_are_kept_bad_ones_are_corrupt(ctx: Ctx) {
    let s = &ctx.store;
    let t = s
        .create_task(&NewTask::new(TaskAction::PowerCycleNode))
        .await
        .unwrap();
    assert_eq!(
        t.action.as_str(),
        "power_cycle_node",
        "the original's spelling"
    );
    raw(
        &ctx,
        "UPDATE tasks SET action = 'rebuild_universe', status = 'paused', \
               result_status = 'mostly_fine' WHERE task_id = $1",
        t.task_id,
    )
    .await;
    let got = s.get_task(t.task_id).await.unwrap();
    assert_eq!(got.action, TaskAction::Unknown("rebuild_universe".into()));
    assert_eq!(got.status, TaskStatus::Unknown("paused".into()));
    assert_eq!(
        got.result.status,
        ResultStatus::Unknown("mostly_fine".into())
    );
    let saved = s.update_task(&got).await.unwrap();
    assert_eq!(
        saved.action.as_str(),
        "rebuild_universe",
        "written back as it was"
    );
    let filter = TaskFilter {
        statuses: vec![TaskStatus::Unknown("paused".into())],
        ..Default::default()
    };
    assert_eq!(s.list_tasks(&filter).await.unwrap().len(), 1);
    let claim = crate::claims::worker(&[]);
    assert!(
        s.claim_next_task(&claim).await.unwrap().is_none(),
        "a paused task is not queued"
    );
    let empty = NewTask::new(TaskAction::Unknown(String::new()));
    assert!(matches!(
        s.create_task(&empty).await,
        Err(StoreError::Invalid { .. })
    ));

    let sql = match ctx.backend() {
        Backend::Postgres => {
            "UPDATE tasks SET result_successes = '\"not a list\"' WHERE task_id = $1"
        }
        Backend::Sqlite => "UPDATE tasks SET result_successes = '{oops' WHERE task_id = $1",
    };
    raw(&ctx, sql, t.task_id).await;
    let err = s.get_task(t.task_id).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Corrupt { field, .. } if field == "result_successes"),
        "{err:?}"
    );
    assert!(
        s.list_tasks(&TaskFilter::default()).await.is_err(),
        "a list does not hide it either"
    );
}

pub async fn orchestrator_helpers_and_what_the_api_shows(ctx: Ctx) {
    let s = &ctx.store;
    let new = NewTask::new(TaskAction::DeployNodes)
        .with_design_ref("deckhand+https://svc:s3cret@deckhand:9000/revisions/7?token=abc")
        .with_node_filter(
            json!({"filter_set_type": "union", "filter_set": [{"node_names": ["n1"]}]}),
        )
        .with_created_by("ops");
    let task = s.create_task(&new).await.unwrap();
    // Credentials never reach the tasks table: the row keeps a usable
    // reference without them (the worker brings its own).
    let stored = "deckhand+https://svc@deckhand:9000/revisions/7";
    assert_eq!(task.design_ref.as_deref(), Some(stored));
    let mut leaked = s.get_task(task.task_id).await.unwrap();
    assert_eq!(leaked.design_ref.as_deref(), Some(stored));
    leaked.design_ref = Some("https://u:pw%2Fx@h/x?api_token=abc&rev=1".into());
    let updated = s.update_task(&leaked).await.unwrap();
    assert_eq!(updated.design_ref.as_deref(), Some("https://u@h/x?rev=1"));
    leaked.design_ref = new.design_ref.clone();
    leaked.version = updated.version;
    let task = s.update_task(&leaked).await.unwrap();
    assert_eq!(task.design_ref.as_deref(), Some(stored));
    let child = s
        .create_task(&NewTask::new(TaskAction::DeployNode).with_parent(task.task_id))
        .await
        .unwrap();

    let mut message = NewResultMessage::new("mtu too large", true)
        .with_context("drydock/NetworkLink/v1:oob", "document");
    message.extra = Some(json!({"code": "DD001"}));
    s.append_messages(task.task_id, &[message]).await.unwrap();
    let mut t = s.get_task(task.task_id).await.unwrap();
    t.success(Some("n1"));
    assert_eq!(t.result.status, ResultStatus::Success);
    t.failure(Some("n2"));
    assert_eq!(
        t.result.status,
        ResultStatus::PartialSuccess,
        "the original's partial success"
    );
    t.result.links.push(TaskLink {
        rel: "detail".into(),
        href: "http://d/1".into(),
    });
    t.complete("deployed what it could");
    assert_eq!(
        (t.status.clone(), t.result.status.clone()),
        (TaskStatus::Complete, ResultStatus::PartialSuccess)
    );
    let t = s.update_task(&t).await.unwrap();
    let t = s.get_task(t.task_id).await.unwrap();

    // Everything the original's API shows is read back.
    assert_eq!(t.action, TaskAction::DeployNodes);
    assert_eq!(t.status, TaskStatus::Complete);
    assert_eq!(t.subtask_id_list, [child.task_id]);
    assert_eq!(t.node_filter, new.node_filter);
    assert_eq!(t.created_by.as_deref(), Some("ops"));
    assert!(t.updated.is_some());
    let result = &t.result;
    assert_eq!(result.status, ResultStatus::PartialSuccess);
    assert_eq!(result.message.as_deref(), Some("deployed what it could"));
    assert_eq!(
        (result.successes.clone(), result.failures.clone()),
        (vec!["n1".to_owned()], vec!["n2".to_owned()])
    );
    assert_eq!(
        result.links,
        [TaskLink {
            rel: "detail".into(),
            href: "http://d/1".into(),
        }]
    );
    assert_eq!(result.error_count, 1);
    let m = &t.messages[0];
    assert_eq!((m.message.as_str(), m.error), ("mtu too large", true));
    assert_eq!(
        (m.context_type.as_deref(), m.context.as_deref()),
        (Some("document"), Some("drydock/NetworkLink/v1:oob"))
    );
    assert_eq!(m.extra.as_ref().unwrap()["code"], "DD001");

    // Links are text: a NUL in one is refused, naming the field.
    let mut bad = s.get_task(t.task_id).await.unwrap();
    bad.result.links.push(TaskLink {
        rel: "x".into(),
        href: "http://d/\0".into(),
    });
    let err = s.update_task(&bad).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid { field, .. } if field == "task.result.links"),
        "{err}"
    );

    // A task that fails as a whole, as the original records an exception.
    let mut other = s
        .create_task(&NewTask::new(TaskAction::PrepareSite))
        .await
        .unwrap();
    other.fail("the node driver is unreachable");
    let other = s.update_task(&other).await.unwrap();
    assert_eq!(
        (other.status, other.result.status),
        (TaskStatus::Complete, ResultStatus::Failure)
    );
    assert_eq!(
        other.result.reason.as_deref(),
        Some("the node driver is unreachable")
    );
}
