//! A fleet of real `drydock worker` processes on one PostgreSQL database:
//! 200 validate_design tasks over valid and invalid designs (file:// and
//! http://) each complete exactly once with the original's result, though
//! the leader is killed (SIGKILL) mid-task; its claims are requeued after
//! their lease, and the other worker takes over leadership after the grace.

use crate::common;

use std::time::{Duration, Instant};

use common::designs::Designs;
use common::fleet::{
    WorkerProc, check_results, complete, create_tasks, finished_in_logs, leader, open, wait_until,
};
use drydock::store::{Store, TaskFilter, TaskStatus, Uuid};

const TASKS: usize = 200;

/// The running tasks `owner` holds a claim on, by design reference.
async fn claims_of(store: &Store, owner: &str) -> Vec<(Uuid, String)> {
    let owner = Uuid::parse_str(owner).expect("a worker id");
    let running = TaskFilter {
        statuses: vec![TaskStatus::Running],
        ..TaskFilter::default()
    };
    let tasks = store
        .list_tasks(&running)
        .await
        .expect("list running tasks");
    tasks
        .into_iter()
        .filter(|t| t.claimed_by == Some(owner))
        .map(|t| (t.task_id, t.design_ref.unwrap_or_default()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_on_postgresql_finish_every_task_once_though_the_leader_is_killed() {
    let Some(db) = drydock_fixtures::postgres::TempDatabase::create("worker fleet").await else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let url = db.url().to_owned();
    // Slow tasks take 3 s: a worker killed while it runs one holds its claim.
    let designs = Designs::start(home, 30).await;
    let picks: Vec<usize> = (0..TASKS).map(|i| designs.pick(i, 20)).collect();
    let refs: Vec<String> = picks.iter().map(|&d| designs.refs[d].0.clone()).collect();
    let observer = open(&url).await;
    let t0 = Instant::now();
    let ids = create_tasks(&observer, &refs).await;
    eprintln!("created in {:?}", t0.elapsed());
    assert_eq!(ids.len(), TASKS);

    let args = ["--concurrency", "2"];
    let mut a = WorkerProc::start(home, &url, "a", &args);
    wait_until(Duration::from_secs(30), "worker a to lead", async || {
        leader(&observer).await.as_deref() == Some(a.id.as_str())
    })
    .await;
    let mut b = WorkerProc::start(home, &url, "b", &args);
    // Both work; a (the leader) is caught holding a slow task.
    let slow = designs.refs[designs.slow].0.clone();
    let started = Instant::now();
    let held = loop {
        let claims = claims_of(&observer, &a.id).await;
        let done = complete(&observer, &ids).await;
        if done >= 20
            && let Some((id, _)) = claims.iter().find(|(_, r)| *r == slow)
        {
            break *id;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "worker a never held a slow task ({done} complete):\n{}",
            a.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        complete(&observer, &ids).await < TASKS,
        "killed mid-run, not after"
    );
    assert_eq!(
        leader(&observer).await.as_deref(),
        Some(a.id.as_str()),
        "one leader: a"
    );
    a.child.kill().expect("SIGKILL worker a");
    let killed = Instant::now();
    a.child.wait().expect("worker a is gone");

    // b takes over leadership once a's last ping is older than the grace (3 s).
    wait_until(Duration::from_secs(30), "worker b to lead", async || {
        leader(&observer).await.as_deref() == Some(b.id.as_str())
    })
    .await;
    let took_over = killed.elapsed();
    eprintln!("killed at {:?}, took over {took_over:?}", t0.elapsed());
    assert!(
        took_over >= Duration::from_secs(2),
        "b led {took_over:?} after a was killed: before the grace period"
    );
    wait_until(
        Duration::from_secs(120),
        "every task to complete",
        async || complete(&observer, &ids).await == TASKS,
    )
    .await;

    eprintln!("all complete at {:?}", t0.elapsed());
    let shown = check_results(&observer, &ids, &picks, &designs.refs).await;
    // The slow task a held was requeued once (one lapsed claim) and run by b.
    let requeued = shown
        .iter()
        .find(|t| t.task_id == held)
        .expect("the held task");
    assert_eq!(requeued.attempts, 1, "{requeued:?}");
    assert!(shown.iter().all(|t| t.attempts <= 1));
    eprintln!("checked at {:?}", t0.elapsed());
    // Exactly once: no task was finished twice, by either worker.
    b.terminate();
    assert_eq!(b.wait(Duration::from_secs(30)), Some(0), "{}", b.log());
    let logs = [a.log(), b.log()];
    let finished = finished_in_logs(&logs);
    assert!(finished.values().all(|&n| n == 1), "{finished:?}");
    assert_eq!(finished.get(&held.to_string()), Some(&1));
    // a may have died between committing a task and logging it.
    assert!(finished.len() >= TASKS - 2, "{} logged", finished.len());
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    assert!(finished.keys().all(|id| ids.contains(id)));
    assert!(logs[1].contains("abdicated"), "{}", logs[1]);
    assert_eq!(leader(&observer).await, None, "b abdicated on SIGTERM");
    observer.close().await;
    db.drop_database().await;
}
