//! Imported rows: written as given (ids, sequences, counters, timestamps),
//! each only if absent, in chunks, identity keys as hashes; a bad batch is
//! refused whole.

use chrono::{TimeZone as _, Utc};
use drydock_store::{
    BuildData, ImportBatch, ImportedBootAction, ImportedBootContext, ImportedTask,
    NewResultMessage, NewTask, ResultMessage, StoreError, TaskAction, TaskStatus, Uuid,
};

use crate::harness::Ctx;

fn batch() -> (ImportBatch, Vec<Uuid>) {
    let created = Utc.with_ymd_and_hms(2018, 3, 1, 10, 0, 0).unwrap();
    let mut batch = ImportBatch::default();
    let mut ids = Vec::new();
    // More tasks and messages than one multi-row INSERT holds.
    for i in 0..250u128 {
        let id = Uuid::from_u128(i + 1);
        ids.push(id);
        let template = NewTask::new(TaskAction::DeployNodes);
        let mut task = drydock_store::Task {
            task_id: id,
            parent_task_id: (i > 0).then(|| Uuid::from_u128(1)),
            subtask_id_list: Vec::new(),
            status: TaskStatus::Complete,
            action: template.action,
            design_ref: Some("https://ops:pw@h/site.yaml".into()),
            design_snapshot_id: None,
            node_filter: None,
            request_context: Some(serde_json::json!({"user": "shipyard"})),
            result: Default::default(),
            retry: 0,
            created: created + chrono::Duration::minutes(i as i64),
            created_by: Some("shipyard".into()),
            updated: None,
            terminated: None,
            terminated_by: None,
            terminate: false,
            claimed_by: None,
            lease_expires: None,
            attempts: 0,
            version: 1,
            messages: Vec::new(),
        };
        task.result.error_count = 1;
        batch.tasks.push(ImportedTask {
            task,
            message_seq: 2,
        });
        for seq in 1..=2 {
            batch.messages.push(ResultMessage {
                sequence: seq,
                task_id: id,
                message: format!("message {seq} of {i}"),
                error: seq == 2,
                context: None,
                context_type: None,
                ts: created,
                extra: Some(serde_json::json!({"n": seq})),
            });
        }
    }
    let data = BuildData {
        node_name: "n1".into(),
        task_id: ids[0],
        collected_date: created,
        generator: "lshw".into(),
        data_format: "text/plain".into(),
        data_element: "x".into(),
    };
    batch.build_data = vec![data.clone(), data];
    batch.boot_contexts.push(ImportedBootContext {
        node_name: "n1".into(),
        task_id: ids[0],
        identity_key: vec![0xab; 32],
    });
    batch.boot_actions.push(ImportedBootAction {
        action_id: Uuid::from_u128(0x0189f3d2c4a07e3b9c1d2e3f40516273),
        node_name: "n1".into(),
        action_name: "hello".into(),
        task_id: ids[0],
        identity_key: vec![0xab; 32],
        status: "success".into(),
    });
    (batch, ids)
}

pub async fn imported_rows_are_added_once(ctx: Ctx) {
    let s = &ctx.store;
    let (batch, ids) = batch();
    let written = s.import_rows(&batch).await.unwrap();
    assert_eq!(
        (written.tasks, written.messages, written.build_data),
        (250, 500, 1),
        "the second build-data row equals the first"
    );
    assert_eq!((written.boot_contexts, written.boot_actions), (1, 1));
    let again = s.import_rows(&batch).await.unwrap();
    assert_eq!(again, Default::default(), "a second import adds nothing");

    // Messages the source gained after its task was imported are not added
    // beyond the task's sequence (the next append would collide).
    let mut later = ImportBatch::default();
    let mut task = batch.tasks[0].clone();
    task.message_seq = 3;
    later.tasks.push(task);
    let mut gained = batch.messages[1].clone();
    gained.sequence = 3;
    later.messages.push(gained);
    assert_eq!(s.import_rows(&later).await.unwrap(), Default::default());

    let last = s.get_task(ids[249]).await.unwrap();
    assert_eq!(
        last.created,
        Utc.with_ymd_and_hms(2018, 3, 1, 14, 9, 0).unwrap()
    );
    assert_eq!(last.design_ref.as_deref(), Some("https://ops@h/site.yaml"));
    assert_eq!(last.parent_task_id, Some(ids[0]));
    assert_eq!(last.messages.len(), 2);
    assert_eq!(last.result.error_count, 1);
    let first = s.get_task(ids[0]).await.unwrap();
    assert_eq!(first.subtask_id_list.len(), 249);
    // Appends follow the imported sequence.
    let seq = s
        .append_message(ids[0], &NewResultMessage::new("after", true))
        .await
        .unwrap();
    assert_eq!(seq, 3);
    assert_eq!(s.get_task(ids[0]).await.unwrap().result.error_count, 2);
    // Keys as hashes: the raw key matches, the action id is the ULID's bits.
    assert!(s.check_node_key("n1", &[0xab; 32]).await.unwrap());
    let action = Uuid::from_u128(0x0189f3d2c4a07e3b9c1d2e3f40516273);
    assert!(s.check_boot_action_key(action, &[0xab; 32]).await.unwrap());
    assert_eq!(
        s.boot_actions("n1").await.unwrap()[0].status.as_str(),
        "success"
    );
}

pub async fn a_bad_batch_is_refused_whole(ctx: Ctx) {
    let s = &ctx.store;
    let (mut batch, ids) = batch();
    batch.messages[499].message = "nul \0 inside".into();
    let refused = s.import_rows(&batch).await;
    assert!(
        matches!(refused, Err(StoreError::Invalid { .. })),
        "{refused:?}"
    );
    assert!(matches!(
        s.get_task(ids[0]).await,
        Err(StoreError::NotFound { .. })
    ));
    batch.messages[499].message = "fine".into();
    batch.boot_contexts[0].identity_key = vec![1; 4];
    assert!(s.import_rows(&batch).await.is_err(), "a 4-byte key");
    assert!(
        s.build_data(&drydock_store::BuildDataScope::All, false)
            .await
            .unwrap()
            .is_empty()
    );
}
