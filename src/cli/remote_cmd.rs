//! The task and node commands in remote mode (`--url` / `DD_URL`): the same
//! output as in store mode, from the API's answers.

use std::time::Duration;

use drydock::store::{Task, TaskStatus};
use serde_json::{Value, json};

use super::compat::Format;
use super::node_list::ListFormat;
use super::remote::{self, Remote};
use super::{EXIT_FAILURE, EXIT_INVALID, EXIT_OK, EXIT_USAGE, node, task};

fn failed(message: &str) -> u8 {
    errln!("error: {}", super::output::safe(message));
    errln!(
        "hint: check --url / DD_URL and the Keystone settings (--os_token / OS_TOKEN, --os_* / OS_*)"
    );
    EXIT_FAILURE
}

async fn get_task(remote: &Remote, id: &str) -> Result<Task, String> {
    remote::task(&remote.ok(&format!("tasks/{id}"), None).await?)
}

/// Polls the task until it is complete or terminated, or `limit` passes.
async fn wait(
    remote: &Remote,
    mut task: Task,
    poll: Duration,
    limit: Duration,
) -> Result<Task, u8> {
    let started = std::time::Instant::now();
    while !matches!(task.status, TaskStatus::Complete | TaskStatus::Terminated) {
        if started.elapsed() > limit {
            errln!(
                "error: task {} is still {} after {}",
                task.task_id,
                task.status.as_str(),
                humantime::format_duration(limit)
            );
            return Err(EXIT_FAILURE);
        }
        tokio::time::sleep(poll).await;
        task = get_task(remote, &task.task_id.to_string())
            .await
            .map_err(|e| failed(&e))?;
    }
    Ok(task)
}

/// `task show` over the API.
pub async fn show(remote: &Remote, id: &str, block: Option<Duration>, json: bool) -> u8 {
    let mut task = match get_task(remote, id).await {
        Ok(task) => task,
        Err(e) => return failed(&e),
    };
    if let Some(limit) = block {
        task = match wait(remote, task, Duration::from_millis(500), limit).await {
            Ok(task) => task,
            Err(code) => return code,
        };
    }
    task::print_task(&task, json);
    EXIT_OK
}

/// `task list` over the API (the filters applied here).
pub async fn list(remote: &Remote, keep: impl Fn(&Task) -> bool, limit: u32, json: bool) -> u8 {
    let listed = match remote.ok("tasks", None).await {
        Ok(Value::Array(list)) => list,
        Ok(other) => return failed(&format!("the Drydock API sent no task list: {other}")),
        Err(e) => return failed(&e),
    };
    let mut tasks = Vec::new();
    for v in &listed {
        match remote::task(v) {
            // Store mode lists tasks without their messages; so does this.
            Ok(mut t) if keep(&t) => {
                t.messages.clear();
                tasks.push(t);
            }
            Ok(_) => {}
            Err(e) => return failed(&e),
        }
    }
    tasks.sort_by_key(|t| t.created);
    tasks.truncate(limit as usize);
    task::print_tasks(&tasks, json);
    EXIT_OK
}

/// What `task create` sends.
pub struct Create<'a> {
    /// The action.
    pub action: &'a str,
    /// The design reference, as given.
    pub design_ref: &'a str,
    /// The node filter.
    pub node_filter: Option<Value>,
    /// Wait: how often, how long.
    pub block: Option<(Duration, Duration)>,
    /// The original API's JSON.
    pub json: bool,
}

/// `task create` over the API (POST /tasks, as the original's client).
pub async fn create(remote: &Remote, c: Create<'_>) -> u8 {
    let body =
        json!({"action": c.action, "design_ref": c.design_ref, "node_filter": c.node_filter});
    let mut task = match remote
        .ok("tasks", Some(&body))
        .await
        .and_then(|v| remote::task(&v))
    {
        Ok(task) => task,
        Err(e) => return failed(&e),
    };
    if let Some((poll, limit)) = c.block {
        task = match wait(remote, task, poll, limit).await {
            Ok(task) => task,
            Err(code) => return code,
        };
        task::print_task(&task, c.json);
        if task.result.status == drydock::store::ResultStatus::Failure {
            return EXIT_INVALID;
        }
        return EXIT_OK;
    }
    task::print_task(&task, c.json);
    EXIT_OK
}

/// `task builddata` / `node builddata` over the API; a 404 is no data.
pub async fn builddata(remote: &Remote, path: &str, format: Format) -> u8 {
    let data = match remote.call(path, None).await {
        Ok((404, _)) => Vec::new(),
        Ok((status, v)) if (200..300).contains(&status) => remote::build_data(&v),
        Ok((status, v)) => {
            let message = v.get("message").and_then(Value::as_str).unwrap_or_default();
            return failed(&format!(
                "the Drydock API answered {status} to {path}: {message}"
            ));
        }
        Err(e) => return failed(&e),
    };
    node::print_build_data(&data, format);
    EXIT_OK
}

/// `task delete` over the API: the original's `DELETE /tasks?days=N`. The
/// count comes from `drydock serve`'s header; the original's API does not
/// send one, and then its own answer is shown.
pub async fn delete(remote: &Remote, days: u32, json: bool) -> u8 {
    let path = format!("tasks?days={days}");
    match remote.delete(&path).await {
        Ok((status, _, Some(n))) if (200..300).contains(&status) => {
            if json {
                outln!("{}", json!({ "deleted": n }));
            } else {
                outln!("deleted {n} task(s) created more than {days} day(s) ago");
            }
            EXIT_OK
        }
        Ok((status, _, None)) if (200..300).contains(&status) => {
            if json {
                outln!("{}", json!({ "deleted": Value::Null }));
            } else {
                outln!(
                    "deleted the task(s) created more than {days} day(s) ago (the API does not say how many)"
                );
            }
            EXIT_OK
        }
        Ok((status, v, _)) => {
            let message = v
                .get("message")
                .and_then(Value::as_str)
                .or_else(|| v.as_str())
                .unwrap_or_default();
            failed(&format!(
                "the Drydock API answered {status} to DELETE {path}: {message}"
            ))
        }
        Err(e) => failed(&e),
    }
}

/// `drydock task …` with `--url`.
pub async fn task_run(remote: &Remote, args: task::TaskArgs) -> u8 {
    use task::TaskCommand;
    match args.command {
        TaskCommand::Create(a) => {
            let poll = a
                .poll_interval
                .map_or(Duration::from_millis(500), Duration::from_secs);
            let c = Create {
                action: a.action.as_str(),
                design_ref: &a.design_ref,
                node_filter: task::node_filter(&a),
                block: a.block.then_some((poll, a.block_timeout)),
                json: a.json,
            };
            create(remote, c).await
        }
        TaskCommand::List(a) => {
            let keep = |t: &Task| {
                (a.status.is_empty() || a.status.contains(&t.status))
                    && (a.action.is_empty() || a.action.contains(&t.action))
            };
            list(remote, keep, a.limit, a.json).await
        }
        TaskCommand::Show(a) => match a.id.or(a.task) {
            Some(id) => {
                show(
                    remote,
                    &id.to_string(),
                    a.block.then_some(a.block_timeout),
                    a.json,
                )
                .await
            }
            None => EXIT_USAGE,
        },
        TaskCommand::Delete(a) => delete(remote, a.days, a.json).await,
        TaskCommand::Builddata(a) => match a.id.or(a.task) {
            Some(id) => {
                let format = if a.json { Format::Json } else { a.output };
                builddata(remote, &format!("tasks/{id}/builddata"), format).await
            }
            None => EXIT_USAGE,
        },
    }
}

/// `node list` over the API: `GET /nodes`, printed as store mode prints it.
pub async fn node_list(remote: &Remote, format: ListFormat) -> u8 {
    match remote.ok("nodes", None).await {
        Ok(Value::Array(nodes)) => {
            super::node_list::print_nodes(&nodes, format);
            EXIT_OK
        }
        Ok(other) => failed(&format!("the Drydock API sent no node list: {other}")),
        Err(e) => failed(&e),
    }
}

/// `drydock node …` with `--url`.
pub async fn node_run(remote: &Remote, args: node::NodeArgs) -> u8 {
    let a = match args.command {
        node::NodeCommand::Builddata(a) => a,
        node::NodeCommand::List(a) => return node_list(remote, a.output).await,
    };
    let name = &a.name;
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return failed(&format!(
            "{name:?} is not a node name (letters, digits, '-', '_', '.')"
        ));
    }
    let format = if a.json { Format::Json } else { a.output };
    let path = format!("nodes/{name}/builddata?latest={}", !a.no_latest);
    if a.task.is_some() {
        errln!("warning: --task is not sent to the API; its answer is shown whole");
    }
    builddata(remote, &path, format).await
}
