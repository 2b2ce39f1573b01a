//! Helpers of the worker-fleet tests: the real binary (workers as child
//! processes, killed for real), and the checks that every task completed exactly once with the right result.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::designs::Expect;

/// A command of the real binary, isolated from the caller's environment.
pub fn command(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_drydock"));
    cmd.current_dir(home)
        .env_remove("DRYDOCK_STORE")
        .env_remove("DRYDOCK_TOKEN")
        .env_remove("DRYDOCK_CONFIG")
        .env_remove("RUST_LOG")
        .env("NO_PROXY", "127.0.0.1")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"));
    cmd
}

/// Runs the binary to its end.
pub fn drydock(home: &Path, args: &[&str]) -> Output {
    command(home).args(args).output().expect("the binary runs")
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
pub fn wait_until(limit: Duration, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Queues a validate_design task per reference through `drydock task create
/// --json` (four processes at a time); returns the ids in order.
pub fn create_tasks(home: &Path, store: &str, refs: &[String]) -> Vec<String> {
    let chunk = refs.len().div_ceil(4).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = refs
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|r| {
                            let out = drydock(
                                home,
                                &[
                                    "task",
                                    "create",
                                    "-a",
                                    "validate_design",
                                    "-d",
                                    r,
                                    "--store",
                                    store,
                                    "--json",
                                ],
                            );
                            assert!(out.status.success(), "{out:?}");
                            let task = json(&out);
                            assert_eq!(task["status"], "queued", "{task}");
                            task["task_id"].as_str().expect("task_id").to_owned()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("creator thread"))
            .collect()
    })
}

/// `drydock task list --json`: task id → task.
pub fn list(home: &Path, store: &str) -> HashMap<String, Value> {
    let out = drydock(home, &["task", "list", "--store", store, "--json"]);
    assert!(out.status.success(), "{out:?}");
    let tasks = json(&out);
    let tasks = tasks.as_array().expect("an array");
    tasks
        .iter()
        .map(|t| {
            (
                t["task_id"].as_str().unwrap_or_default().to_owned(),
                t.clone(),
            )
        })
        .collect()
}

/// How many of `ids` are complete.
pub fn complete(home: &Path, store: &str, ids: &[String]) -> usize {
    let tasks = list(home, store);
    ids.iter()
        .filter(|id| tasks.get(*id).is_some_and(|t| t["status"] == "complete"))
        .count()
}

/// `drydock leader --json`: the leader's instance id, if any.
pub fn leader(home: &Path, store: &str) -> Option<String> {
    let out = drydock(home, &["leader", "--store", store, "--json"]);
    assert!(out.status.success(), "{out:?}");
    json(&out)["leader"]["instance_id"]
        .as_str()
        .map(str::to_owned)
}

/// `drydock task show ID --json`.
pub fn show(home: &Path, store: &str, id: &str) -> Value {
    let out = drydock(home, &["task", "show", id, "--store", store, "--json"]);
    assert!(out.status.success(), "{out:?}");
    json(&out)
}

/// The messages of a task without their time stamps (to compare runs).
fn messages_of(task: &Value) -> Vec<Value> {
    let list = task["result"]["details"]["messageList"].as_array();
    list.into_iter()
        .flatten()
        .map(|m| {
            let mut m = m.clone();
            m["ts"] = Value::Null;
            m
        })
        .collect()
}

/// Checks every task (`ids[i]` over `refs[designs[i]]`): complete, with its
/// design's result status, message and detail message (once); every task of
/// one design with the same messages (none duplicated by a retry); its
/// messages in time order; the error count right. Returns the tasks shown.
pub fn check_results(
    home: &Path,
    store: &str,
    ids: &[String],
    designs: &[usize],
    refs: &[(String, Expect)],
) -> Vec<Value> {
    let mut first: HashMap<usize, Vec<Value>> = HashMap::new();
    let shown = show_all(home, store, ids);
    for ((id, &d), task) in ids.iter().zip(designs).zip(&shown) {
        let expect = &refs[d].1;
        let result = &task["result"];
        assert_eq!(task["status"], "complete", "{task}");
        assert_eq!(result["status"], expect.status, "{task}");
        assert_eq!(result["message"], expect.message, "{task}");
        let messages = messages_of(task);
        assert!(!messages.is_empty(), "no detail messages: {task}");
        let errors = messages.iter().filter(|m| m["error"] == true).count();
        assert_eq!(result["details"]["errorCount"], errors, "{task}");
        assert_eq!(expect.status == "failure", errors > 0, "{task}");
        if !expect.detail.is_empty() {
            let hits = messages
                .iter()
                .filter(|m| m["message"].as_str().unwrap_or("").contains(expect.detail))
                .count();
            assert_eq!(hits, 1, "`{}` once in {task}", expect.detail);
        }
        let list = task["result"]["details"]["messageList"].as_array().cloned();
        let stamps: Vec<chrono::DateTime<chrono::FixedOffset>> = list
            .unwrap_or_default()
            .iter()
            .map(|m| {
                let ts = m["ts"].as_str().unwrap_or_default();
                chrono::DateTime::parse_from_rfc3339(ts).expect("an RFC 3339 time stamp")
            })
            .collect();
        assert!(stamps.is_sorted(), "messages out of order: {task}");
        let same = first.entry(d).or_insert_with(|| messages.clone());
        assert_eq!(
            *same, messages,
            "task {id} differs from another of its design"
        );
    }
    shown
}

/// `task show --json` of every task, four processes at a time.
pub fn show_all(home: &Path, store: &str, ids: &[String]) -> Vec<Value> {
    let chunk = ids.len().div_ceil(4).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = ids
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|id| show(home, store, id))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("show thread"))
            .collect()
    })
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
