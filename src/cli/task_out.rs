//! How tasks are printed: the original API's JSON, or a readable form.

use drydock::store::Task;
use drydock::tasks::ApiTask;

use super::output;

/// Prints tasks: a JSON array in the original API's shape, or a table.
pub fn print_tasks(tasks: &[Task], json: bool) {
    if json {
        let api: Vec<_> = tasks.iter().map(ApiTask::of).collect();
        outln!(
            "{}",
            serde_json::to_string(&api).unwrap_or_else(|_| "[]".into())
        );
        return;
    }
    outln!(
        "{:<36}  {:<18}  {:<10}  {:<15}  {:<20}  DESIGN",
        "TASK",
        "ACTION",
        "STATUS",
        "RESULT",
        "CREATED"
    );
    for t in tasks {
        outln!(
            "{:<36}  {:<18}  {:<10}  {:<15}  {:<20}  {}",
            t.task_id,
            output::safe(t.action.as_str()),
            t.status.as_str(),
            t.result.status.as_str(),
            t.created.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            output::safe(
                &t.design_ref
                    .as_deref()
                    .map(drydock::redact_str)
                    .unwrap_or_default()
            ),
        );
    }
}

/// Prints a task: the original API's JSON, or a readable form.
pub fn print_task(task: &Task, json: bool) {
    if json {
        outln!(
            "{}",
            serde_json::to_string(&ApiTask::of(task)).unwrap_or_default()
        );
        return;
    }
    outln!("task        {}", task.task_id);
    outln!("action      {}", output::safe(task.action.as_str()));
    outln!(
        "design      {}",
        output::safe(
            &task
                .design_ref
                .as_deref()
                .map(drydock::redact_str)
                .unwrap_or_default()
        )
    );
    outln!("status      {}", task.status.as_str());
    outln!("result      {}", task.result.status.as_str());
    if let Some(m) = &task.result.message {
        outln!("message     {}", output::safe(m));
    }
    if let Some(r) = &task.result.reason {
        outln!("reason      {}", output::safe(r));
    }
    if let Some(s) = task.design_snapshot_id {
        outln!("snapshot    {s}");
    }
    outln!(
        "created     {} by {}",
        task.created.to_rfc3339(),
        output::safe(task.created_by.as_deref().unwrap_or("-"))
    );
    outln!(
        "messages    {} ({} errors)",
        task.messages.len(),
        task.result.error_count
    );
    for m in &task.messages {
        // The level the validation gave it (in `extra`), else error or info.
        let level = m.extra.as_ref().and_then(|e| e.get("level")?.as_str());
        let flag = match (m.error, level) {
            (true, _) => "error",
            (false, Some("warning")) => "warn ",
            _ => "info ",
        };
        outln!("  {:>4} {flag} {}", m.sequence, output::safe(&m.message));
    }
}
