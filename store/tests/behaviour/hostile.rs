//! Hostile strings: they round-trip or are refused with a typed error, and nothing breaks.

use drydock_store::{
    BuildData, BuildDataScope, NewResultMessage, NewTask, StoreError, TaskAction, TaskFilter,
};
use serde_json::json;

use crate::harness::Ctx;

pub async fn hostile_strings_round_trip_or_are_refused(ctx: Ctx) {
    let s = &ctx.store;
    let big = "x'\"; DROP TABLE tasks; --".repeat((1 << 20) / 20);
    let hostile = [
        "it's \"quoted\" `back` \\ slashes",
        "'; DROP TABLE tasks; --",
        "Robert'); DELETE FROM result_message; --",
        "$1 $2 ? :name @x",
        "ünïcødé ✓ 🚀 \u{202e}rtl",
        big.as_str(),
    ];
    for text in hostile {
        let mut t = NewTask::new(TaskAction::Noop);
        t.design_ref = Some(text.to_owned());
        t.created_by = Some(text.to_owned());
        t.request_context = Some(json!({ text: text }));
        let task = s.create_task(&t).await.unwrap();
        let mut m = NewResultMessage::new(text, true).with_context(text, text);
        m.extra = Some(json!([text]));
        s.append_message(task.task_id, &m).await.unwrap();
        if text.len() > drydock_store::MAX_NAME_LEN {
            // Names are indexed: a 1 MiB node name is refused, the data itself is not.
            let err = s
                .put_build_data(&BuildData::new(text, task.task_id, "g", "t", text))
                .await
                .unwrap_err();
            assert!(
                matches!(&err, StoreError::Invalid { field, .. } if field == "build_data.node_name"),
                "{err}"
            );
            s.put_build_data(&BuildData::new("big", task.task_id, "g", "t", text))
                .await
                .unwrap();
            let data = s
                .build_data(&BuildDataScope::Node("big".into()), true)
                .await
                .unwrap();
            assert_eq!(data[0].data_element, text);
            continue;
        }
        s.put_build_data(&BuildData::new(text, task.task_id, text, text, text))
            .await
            .unwrap();

        let got = s.get_task(task.task_id).await.unwrap();
        assert_eq!(got.design_ref.as_deref(), Some(text));
        assert_eq!(got.created_by.as_deref(), Some(text));
        assert_eq!(got.request_context, t.request_context);
        assert_eq!(got.messages[0].message, text);
        assert_eq!(got.messages[0].context.as_deref(), Some(text));
        assert_eq!(got.messages[0].extra, m.extra);
        let data = s
            .build_data(&BuildDataScope::Node(text.to_owned()), true)
            .await
            .unwrap();
        assert_eq!(data.len(), 1);
        assert_eq!(data[0].data_element, text);
    }
    assert!(big.len() > 1 << 20);

    // NUL cannot be stored by PostgreSQL: both backends refuse it up front, naming the field.
    let before = s.list_tasks(&TaskFilter::default()).await.unwrap().len();
    let mut t = NewTask::new(TaskAction::Noop);
    t.design_ref = Some("file:///a\0b".into());
    let err = s.create_task(&t).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid { field, .. } if field == "task.design_ref"),
        "{err}"
    );
    let mut t = NewTask::new(TaskAction::Noop);
    t.node_filter = Some(json!({"names": ["n\u{0}1"]}));
    assert!(matches!(
        s.create_task(&t).await,
        Err(StoreError::Invalid { .. })
    ));
    assert_eq!(
        s.list_tasks(&TaskFilter::default()).await.unwrap().len(),
        before,
        "nothing stored"
    );

    let task = s
        .create_task(&NewTask::new(TaskAction::Noop))
        .await
        .unwrap();
    let batch = [
        NewResultMessage::new("fine", false),
        NewResultMessage::new("bad\0", false),
    ];
    let err = s.append_messages(task.task_id, &batch).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid { field, .. } if field == "result_message.message"),
        "{err}"
    );
    assert!(
        s.messages(task.task_id).await.unwrap().is_empty(),
        "a refused batch stores nothing"
    );
    let err = s
        .put_build_data(&BuildData::new("n\0", task.task_id, "g", "text/plain", "d"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid { .. }));

    // Snapshots: see hostile_snapshots.rs.

    // The tables are all still there.
    for table in [
        "tasks",
        "result_message",
        "build_data",
        "active_instance",
        "design_snapshot",
        "design_content",
        "design_ingest",
    ] {
        assert!(ctx.count(table).await >= 0);
    }
    assert_eq!(ctx.count("tasks").await as usize, hostile.len() + 1);
}
