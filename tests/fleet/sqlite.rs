//! Real `drydock worker` processes on SQLite: one killed (SIGKILL) mid-task
//! and another started loses no task; SIGTERM finishes the current task
//! within the shutdown grace or gives it back, and abdicates leadership.

use crate::common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::designs::Designs;
use common::fleet::{
    WorkerProc, check_results, complete, create_task, create_tasks, finished_in_logs, leader, list,
    open, show, wait_until,
};
use drydock::store::{Store, TaskAction, TaskStatus, Uuid};

const TASKS: usize = 60;

fn sqlite(home: &Path) -> String {
    format!("sqlite://{}", home.join("fleet.db").display())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_on_sqlite_loses_no_task_to_the_next_one() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let store = sqlite(home);
    let observer = open(&store).await;
    let designs = Designs::start(home, 20).await;
    let picks: Vec<usize> = (0..TASKS).map(|i| designs.pick(i, 10)).collect();
    let refs: Vec<String> = picks.iter().map(|&d| designs.refs[d].0.clone()).collect();
    let ids = create_tasks(&observer, &refs).await;
    let slow = designs.refs[designs.slow].0.clone();

    let mut a = WorkerProc::start(home, &store, "a", &["--concurrency", "2"]);
    // Kill it while it runs a slow task (2 s), after some tasks are done.
    let started = Instant::now();
    let held = loop {
        let tasks = list(&observer).await;
        let done = tasks
            .values()
            .filter(|t| t.status == TaskStatus::Complete)
            .count();
        let running_slow = tasks.values().find(|t| {
            t.status == TaskStatus::Running && t.design_ref.as_deref() == Some(slow.as_str())
        });
        if done >= 10
            && let Some(t) = running_slow
        {
            break t.task_id;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "never caught running a slow task:\n{}",
            a.log()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(leader(&observer).await.as_deref(), Some(a.id.as_str()));
    a.child.kill().expect("SIGKILL");
    a.child.wait().expect("killed");
    assert!(complete(&observer, &ids).await < TASKS, "killed mid-run");
    assert_eq!(show(&observer, held).await.status, TaskStatus::Running);

    // The next worker leads once the grace passed, requeues the lapsed claim,
    // runs everything, and only then exits by itself.
    let mut b = WorkerProc::start(
        home,
        &store,
        "b",
        &["--concurrency", "2", "--exit-when-idle"],
    );
    assert_eq!(b.wait(Duration::from_secs(120)), Some(0), "{}", b.log());
    assert_eq!(complete(&observer, &ids).await, TASKS, "{}", b.log());
    let shown = check_results(&observer, &ids, &picks, &designs.refs).await;
    let requeued = shown.iter().find(|t| t.task_id == held);
    assert_eq!(requeued.expect("held task").attempts, 1);
    let logs = [a.log(), b.log()];
    let finished = finished_in_logs(&logs);
    assert!(finished.values().all(|&n| n == 1), "{finished:?}");
    assert!(finished.len() >= TASKS - 2, "{} logged", finished.len());
    assert!(logs[1].contains("lapsed claims dealt with"), "{}", logs[1]);
    assert_eq!(leader(&observer).await, None, "b abdicated when done");
}

/// One task over the slow design (`tenths` tenths of a second), a worker
/// caught running it as the leader, then SIGTERM.
struct Terminated {
    store: Store,
    task: Uuid,
    worker: WorkerProc,
    _designs: Designs,
}

async fn terminated_while_running(home: &Path, tenths: usize, grace: &str) -> Terminated {
    let url = sqlite(home);
    let store = open(&url).await;
    let designs = Designs::start(home, tenths).await;
    let slow = designs.refs[designs.slow].0.clone();
    let task = create_tasks(&store, &[slow]).await.remove(0);
    let worker = WorkerProc::start(home, &url, "w", &["--shutdown-grace", grace]);
    wait_until(Duration::from_secs(30), "the task to run", async || {
        show(&store, task).await.status == TaskStatus::Running
    })
    .await;
    wait_until(Duration::from_secs(10), "the worker to lead", async || {
        leader(&store).await.as_deref() == Some(worker.id.as_str())
    })
    .await;
    worker.terminate();
    Terminated {
        store,
        task,
        worker,
        _designs: designs,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_gives_the_running_task_back_after_the_grace_and_abdicates() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    // The task would take 60 s; the grace is 1 s.
    let mut t = terminated_while_running(home, 600, "1s").await;
    let stopped = Instant::now();
    assert_eq!(
        t.worker.wait(Duration::from_secs(20)),
        Some(0),
        "{}",
        t.worker.log()
    );
    assert!(stopped.elapsed() < Duration::from_secs(15));
    let log = t.worker.log();
    assert!(log.contains("0 task(s) finished, 1 given back"), "{log}");
    assert!(log.contains("abdicated"), "{log}");
    let task = show(&t.store, t.task).await;
    assert_eq!(task.status, TaskStatus::Queued, "given back: {task:?}");
    assert_eq!(task.attempts, 0, "a release is no lapsed attempt: {task:?}");
    assert!(task.messages.is_empty(), "{task:?}");
    assert_eq!(leader(&t.store).await, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_the_running_task_finish_within_the_grace_and_abdicates() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    // The task takes 2 s; the grace is 60 s.
    let mut t = terminated_while_running(home, 20, "60s").await;
    assert_eq!(
        t.worker.wait(Duration::from_secs(30)),
        Some(0),
        "{}",
        t.worker.log()
    );
    let log = t.worker.log();
    assert!(log.contains("1 task(s) finished, 0 given back"), "{log}");
    assert!(log.contains("abdicated"), "{log}");
    let task = show(&t.store, t.task).await;
    assert_eq!(task.status, TaskStatus::Complete, "{task:?}");
    assert_eq!(
        task.result.message.as_deref(),
        Some(common::designs::FAILED),
        "{task:?}"
    );
    assert_eq!(finished_in_logs(&[log]).get(&t.task.to_string()), Some(&1));
    assert_eq!(leader(&t.store).await, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_when_idle_ignores_tasks_of_actions_the_worker_does_not_take() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let url = sqlite(home);
    let store = open(&url).await;
    let designs = Designs::start(home, 1).await;
    let valid = create_tasks(&store, &[designs.refs[0].0.clone()])
        .await
        .remove(0);
    let design = designs.refs[0].0.as_str();
    create_task(&store, TaskAction::PrepareNodes, design).await;
    let mut worker = WorkerProc::start(home, &url, "w", &["--exit-when-idle"]);
    // It used to spin on the prepare_nodes task (queued, but not its own) and never exit.
    assert_eq!(
        worker.wait(Duration::from_secs(30)),
        Some(0),
        "{}",
        worker.log()
    );
    assert_eq!(show(&store, valid).await.status, TaskStatus::Complete);
    let other = list(&store).await;
    let other = other
        .values()
        .find(|t| t.action == TaskAction::PrepareNodes);
    assert_eq!(
        other.expect("the prepare_nodes task").status,
        TaskStatus::Queued
    );
}
