//! Build data: whole series newest first, latest per generator, survives the task.

use chrono::Duration;
use drydock_store::{BuildData, BuildDataScope, NewTask, TaskAction, now};

use crate::harness::Ctx;

pub async fn series_and_latest_survive_task_deletion(ctx: Ctx) {
    let s = &ctx.store;
    let mut deploy = NewTask::new(TaskAction::DeployNodes);
    deploy.created = now() - Duration::days(30);
    let deploy = s.create_task(&deploy).await.unwrap();
    let base = now() - Duration::days(30);
    let put = |node: &'static str, task, generator: &'static str, minutes: i64, data: &str| {
        let mut d = BuildData::new(node, task, generator, "text/plain", data);
        d.collected_date = base + Duration::minutes(minutes);
        d
    };
    let items = vec![
        put("n1", deploy.task_id, "lshw", 1, "lshw v1"),
        put("n1", deploy.task_id, "dmesg", 2, "dmesg v1"),
        put("n1", deploy.task_id, "lshw", 3, "lshw v2"),
        put("n2", deploy.task_id, "lshw", 4, "n2 lshw"),
    ];
    for d in &items {
        s.put_build_data(d).await.unwrap();
    }
    let texts = |v: Vec<BuildData>| v.into_iter().map(|d| d.data_element).collect::<Vec<_>>();
    let n1 = BuildDataScope::Node("n1".into());
    assert_eq!(
        texts(s.build_data(&n1, false).await.unwrap()),
        ["lshw v2", "dmesg v1", "lshw v1"]
    );
    assert_eq!(
        texts(s.build_data(&n1, true).await.unwrap()),
        ["lshw v2", "dmesg v1"]
    );
    let by_task = BuildDataScope::Task(deploy.task_id);
    assert_eq!(
        texts(s.build_data(&by_task, false).await.unwrap()),
        ["n2 lshw", "lshw v2", "dmesg v1", "lshw v1"]
    );
    assert_eq!(
        texts(s.build_data(&by_task, true).await.unwrap()),
        ["n2 lshw", "lshw v2", "dmesg v1"]
    );
    let full = s.build_data(&n1, false).await.unwrap();
    assert_eq!(full[0], items[2], "every field round-trips");

    // The node is destroyed and redeployed by a new task; the deploying task is purged.
    let redeploy = s
        .create_task(&NewTask::new(TaskAction::DeployNodes))
        .await
        .unwrap();
    s.put_build_data(&BuildData::new(
        "n1",
        redeploy.task_id,
        "lshw",
        "text/plain",
        "lshw v3",
    ))
    .await
    .unwrap();
    assert_eq!(s.delete_tasks_older_than(7).await.unwrap(), 1);
    assert_eq!(
        texts(s.build_data(&n1, false).await.unwrap()),
        ["lshw v3", "lshw v2", "dmesg v1", "lshw v1"]
    );
    assert_eq!(
        texts(s.build_data(&n1, true).await.unwrap()),
        ["lshw v3", "dmesg v1"]
    );
    assert_eq!(
        s.build_data(&by_task, false).await.unwrap().len(),
        4,
        "history of a deleted task stays"
    );
    assert!(
        s.build_data(&BuildDataScope::Node("nobody".into()), false)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Build data read unfiltered, by node, by task and by both.
pub async fn read_by_all_node_task_and_both(ctx: Ctx) {
    let s = &ctx.store;
    let (t1, t2) = (drydock_store::Uuid::new_v4(), drydock_store::Uuid::new_v4());
    let base = now() - Duration::minutes(10);
    for (i, (node, task, generator)) in [
        ("n1", t1, "lshw"),
        ("n1", t2, "lshw"),
        ("n2", t1, "lshw"),
        ("n2", t1, "dmesg"),
        ("n1", t1, "lshw"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut d = BuildData::new(node, task, generator, "text/plain", format!("d{i}"));
        d.collected_date = base + Duration::minutes(i as i64);
        s.put_build_data(&d).await.unwrap();
    }
    let texts = |v: Vec<BuildData>| v.into_iter().map(|d| d.data_element).collect::<Vec<_>>();
    let read = |scope: BuildDataScope, latest| async move {
        texts(s.build_data(&scope, latest).await.unwrap())
    };
    assert_eq!(
        read(BuildDataScope::All, false).await,
        ["d4", "d3", "d2", "d1", "d0"]
    );
    assert_eq!(
        read(BuildDataScope::All, true).await,
        ["d4", "d3", "d2"],
        "newest per node and generator"
    );
    assert_eq!(
        read(BuildDataScope::Node("n2".into()), false).await,
        ["d3", "d2"]
    );
    assert_eq!(read(BuildDataScope::Task(t2), false).await, ["d1"]);
    assert_eq!(
        read(BuildDataScope::NodeAndTask("n1".into(), t1), false).await,
        ["d4", "d0"]
    );
    assert_eq!(
        read(BuildDataScope::NodeAndTask("n1".into(), t1), true).await,
        ["d4"]
    );
    assert!(
        read(BuildDataScope::NodeAndTask("n2".into(), t2), false)
            .await
            .is_empty()
    );
    let err = s
        .build_data(&BuildDataScope::Node("n\0".into()), false)
        .await
        .unwrap_err();
    assert!(
        matches!(err, drydock_store::StoreError::Invalid { .. }),
        "{err}"
    );
}
