//! Helpers of the worker-fleet tests: the real binary for the workers (child
//! processes, killed for real); tasks queued and inspected through the
//! library; the checks that every task completed exactly once with the
//! right result.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use drydock::store::{
    NewTask, Store, StoreOptions, Task, TaskAction, TaskFilter, TaskStatus, Uuid,
};
use serde_json::Value;

use super::command;
use super::designs::Expect;

/// Runs the binary in `home` to its end ([`super::drydock`]).
pub fn drydock(home: &Path, args: &[&str]) -> Output {
    super::drydock(args, home, &[])
}

/// Its stdout as JSON (the test fails with both streams otherwise).
pub fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// A `drydock worker` process, its stderr (-v) in a log file.
pub struct WorkerProc {
    /// The process.
    pub child: Child,
    /// Its id (`--id`).
    pub id: String,
    /// Its log.
    pub log: PathBuf,
}

impl WorkerProc {
    /// Starts a worker on `store` with a short lease and leader grace.
    pub fn start(home: &Path, store: &str, name: &str, extra: &[&str]) -> WorkerProc {
        let id = drydock::store::Uuid::now_v7().to_string();
        let log = home.join(format!("{name}.log"));
        let mut args = vec![
            "worker",
            "-v",
            "--store",
            store,
            "--id",
            &id,
            "--lease",
            "2s",
            "--leader-grace",
            "3s",
            "--poll",
            "1s",
        ];
        args.extend_from_slice(extra);
        let child = command(home)
            .args(&args)
            .stdout(Stdio::null())
            .stderr(File::create(&log).expect("log file"))
            .spawn()
            .expect("the worker starts");
        WorkerProc { child, id, log }
    }

    /// Its log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends SIGTERM (a clean shutdown).
    pub fn terminate(&self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -TERM {pid}");
    }

    /// Waits for the process to exit, at most `limit`; its exit code.
    pub fn wait(&mut self, limit: Duration) -> Option<i32> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status.code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "worker {} still runs after {limit:?}:\n{}",
                    self.id,
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for WorkerProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `check` every 100 ms until it is true; fails after `limit`.
pub async fn wait_until(limit: Duration, what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The test's own connection to the fleet's store (created and migrated if
/// need be): tasks are queued and inspected through the library, only the
/// workers are processes.
pub async fn open(url: &str) -> Store {
    Store::connect(url, &StoreOptions::default())
        .await
        .unwrap_or_else(|e| panic!("the test's connection to the store: {e}"))
}

/// Queues a task doing `action` on `design`, as `drydock task create` does.
pub async fn create_task(store: &Store, action: TaskAction, design: &str) -> Uuid {
    let new = NewTask::new(action)
        .with_design_ref(design)
        .with_created_by("fleet-test");
    let task = store.create_task(&new).await.expect("create a task");
    assert_eq!(task.status, TaskStatus::Queued, "{task:?}");
    task.task_id
}

/// Queues a validate_design task per reference; returns the ids in order.
pub async fn create_tasks(store: &Store, refs: &[String]) -> Vec<Uuid> {
    let mut ids = Vec::with_capacity(refs.len());
    for r in refs {
        ids.push(create_task(store, TaskAction::ValidateDesign, r).await);
    }
    ids
}

/// Every task, by id (without messages).
pub async fn list(store: &Store) -> HashMap<Uuid, Task> {
    let tasks = store
        .list_tasks(&TaskFilter::default())
        .await
        .expect("list tasks");
    tasks.into_iter().map(|t| (t.task_id, t)).collect()
}

/// How many of `ids` are complete.
pub async fn complete(store: &Store, ids: &[Uuid]) -> usize {
    let tasks = list(store).await;
    ids.iter()
        .filter(|id| {
            tasks
                .get(*id)
                .is_some_and(|t| t.status == TaskStatus::Complete)
        })
        .count()
}

/// The leader's instance id, if any.
pub async fn leader(store: &Store) -> Option<String> {
    let leader = store.current_leader().await.expect("the leader lease");
    leader.map(|l| l.instance_id.to_string())
}

/// One task with its result messages.
pub async fn show(store: &Store, id: Uuid) -> Task {
    store.get_task(id).await.expect("get a task")
}

/// A task's messages without their time stamps (to compare runs).
type Unstamped = (String, bool, Option<String>, Option<String>, Option<Value>);

fn messages_of(task: &Task) -> Vec<Unstamped> {
    task.messages
        .iter()
        .map(|m| {
            (
                m.message.clone(),
                m.error,
                m.context.clone(),
                m.context_type.clone(),
                m.extra.clone(),
            )
        })
        .collect()
}

/// Checks every task (`ids[i]` over `refs[designs[i]]`): complete, with its
/// design's result status, message and detail message (once); every task of
/// one design with the same messages (none duplicated by a retry); its
/// messages in time order; the error count right. Returns the tasks.
pub async fn check_results(
    store: &Store,
    ids: &[Uuid],
    designs: &[usize],
    refs: &[(String, Expect)],
) -> Vec<Task> {
    let mut first: HashMap<usize, Vec<Unstamped>> = HashMap::new();
    let mut shown = Vec::with_capacity(ids.len());
    for (id, &d) in ids.iter().zip(designs) {
        let task = show(store, *id).await;
        let expect = &refs[d].1;
        let result = &task.result;
        assert_eq!(task.status, TaskStatus::Complete, "{task:?}");
        assert_eq!(result.status.as_str(), expect.status, "{task:?}");
        assert_eq!(result.message.as_deref(), Some(expect.message), "{task:?}");
        let messages = messages_of(&task);
        assert!(!messages.is_empty(), "no detail messages: {task:?}");
        let errors = messages.iter().filter(|m| m.1).count();
        assert_eq!(
            usize::try_from(result.error_count).ok(),
            Some(errors),
            "{task:?}"
        );
        assert_eq!(expect.status == "failure", errors > 0, "{task:?}");
        if !expect.detail.is_empty() {
            let hits = messages
                .iter()
                .filter(|m| m.0.contains(expect.detail))
                .count();
            assert_eq!(hits, 1, "`{}` once in {task:?}", expect.detail);
        }
        let stamps: Vec<_> = task.messages.iter().map(|m| m.ts).collect();
        assert!(stamps.is_sorted(), "messages out of order: {task:?}");
        let same = first.entry(d).or_insert_with(|| messages.clone());
        assert_eq!(
            *same, messages,
            "task {id} differs from another of its design"
        );
        shown.push(task);
    }
    shown
}

/// Task id → how many times the logs say it was finished.
pub fn finished_in_logs(logs: &[String]) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for line in logs.iter().flat_map(|l| l.lines()) {
        if let Some((_, rest)) = line.split_once("task finished task=") {
            let id: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
            *seen.entry(id).or_insert(0) += 1;
        }
    }
    seen
}
