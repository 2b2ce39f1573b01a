//! One source row to the store's form, or the reason it cannot be.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::postgres::PgRow;

use super::source::{get, ts};
use crate::store::{
    BuildData, ImportedBootAction, ImportedBootContext, ResultMessage, ResultStatus, Task,
    TaskAction, TaskLink, TaskResult, TaskStatus, Uuid,
};

/// A 16-byte id as a UUID (ULIDs included: the same 128 bits).
pub(crate) fn uuid(bytes: &[u8]) -> Option<Uuid> {
    Uuid::from_slice(bytes).ok()
}

fn id(row: &PgRow, column: &str) -> Result<Uuid, String> {
    match get::<Vec<u8>>(row, column) {
        None => Err(format!("{column} is NULL")),
        Some(b) => uuid(&b).ok_or_else(|| format!("{column} is {} bytes, not 16", b.len())),
    }
}

/// A JSON column read as text: a JSON string holding JSON (the original
/// double-encodes `extra` and `request_context`) is unwrapped; `true` in the
/// second place when the inner text was no JSON and is kept as a string.
pub(crate) fn json(text: Option<String>) -> (Option<Value>, bool) {
    let Some(text) = text else {
        return (None, false);
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Null) => (None, false),
        Ok(Value::String(inner)) => match serde_json::from_str::<Value>(&inner) {
            Ok(Value::Null) => (None, false),
            Ok(v) => (Some(v), false),
            Err(_) => (Some(Value::String(inner)), true),
        },
        Ok(v) => (Some(v), false),
        Err(_) => (Some(Value::String(text)), true),
    }
}

/// `result_links` (`{"detail_logs": ["href", …]}`) as `[{rel, href}]`.
pub(crate) fn links(value: Option<Value>) -> Vec<TaskLink> {
    let link = |rel: &str, href: &Value| {
        href.as_str().map(|h| TaskLink {
            rel: rel.to_owned(),
            href: h.to_owned(),
        })
    };
    match value {
        Some(Value::Object(map)) => map
            .iter()
            .flat_map(|(rel, hrefs)| match hrefs {
                Value::Array(list) => list.iter().filter_map(|h| link(rel, h)).collect(),
                one => link(rel, one).into_iter().collect::<Vec<_>>(),
            })
            .collect(),
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(|l| serde_json::from_value(l.clone()).ok())
            .collect(),
        _ => Vec::new(),
    }
}

/// A task row, before the decisions about `noop` and interrupted tasks.
pub(crate) struct TaskRow {
    pub task: Task,
    /// Its original status was `running` or `terminating`.
    pub interrupted: bool,
    /// A JSON column held text that is no JSON (kept as a string).
    pub bad_json: bool,
}

/// A task's action from `column` (`None` when NULL).
pub(crate) fn action(row: &PgRow, column: &str) -> Option<TaskAction> {
    let action: String = get(row, column)?;
    Some(action.parse().unwrap_or_else(TaskAction::Unknown))
}

/// A task's status from `column` (`requested` when NULL).
pub(crate) fn status(row: &PgRow, column: &str) -> Result<TaskStatus, String> {
    get::<String>(row, column)
        .unwrap_or_else(|| "requested".into())
        .parse()
        .map_err(|e| format!("{column}: {e}"))
}

/// Whether a task in `status` was left running or terminating by the original.
pub(crate) fn interrupted(status: &TaskStatus) -> bool {
    matches!(status, TaskStatus::Running | TaskStatus::Terminating)
}

/// A `tasks` row; `parent` is its parent from another task's subtask list.
pub(crate) fn task(row: &PgRow, parent: Option<Uuid>) -> Result<TaskRow, String> {
    let task_id = id(row, "task_id")?;
    let action = action(row, "action").ok_or("action is NULL")?;
    let created = ts(row, "created")
        .or_else(|| ts(row, "updated"))
        .ok_or("created and updated are NULL")?;
    let status = status(row, "status")?;
    let result_status: ResultStatus = get::<String>(row, "result_status")
        .unwrap_or_else(|| "incomplete".into())
        .parse()
        .map_err(|e| format!("result_status: {e}"))?;
    let (node_filter, bad_filter) = json(get(row, "node_filter"));
    let (request_context, bad_context) = json(get(row, "request_context"));
    let (raw_links, bad_links) = json(get(row, "result_links"));
    let parent_task_id = get::<Vec<u8>>(row, "parent_task_id")
        .and_then(|b| uuid(&b))
        .or(parent);
    let interrupted = interrupted(&status);
    let task = Task {
        task_id,
        parent_task_id,
        subtask_id_list: Vec::new(),
        status,
        action,
        design_ref: get(row, "design_ref"),
        design_snapshot_id: None,
        node_filter,
        request_context,
        result: TaskResult {
            status: result_status,
            message: get(row, "result_message"),
            reason: get(row, "result_reason"),
            error_count: 0,
            successes: names(get(row, "result_successes")),
            failures: names(get(row, "result_failures")),
            links: links(raw_links),
        },
        retry: get(row, "retry").unwrap_or(0),
        created,
        created_by: get(row, "created_by"),
        updated: ts(row, "updated"),
        terminated: ts(row, "terminated"),
        terminated_by: get(row, "terminated_by"),
        terminate: get(row, "terminate").unwrap_or(false),
        claimed_by: None,
        lease_expires: None,
        attempts: 0,
        version: 1,
        messages: Vec::new(),
    };
    Ok(TaskRow {
        task,
        interrupted,
        bad_json: bad_filter || bad_context || bad_links,
    })
}

fn names(list: Option<Vec<Option<String>>>) -> Vec<String> {
    list.unwrap_or_default().into_iter().flatten().collect()
}

/// A `result_message` row: its task, and the message with sequence 0 (the
/// caller numbers it); `true` when `extra` was no JSON.
pub(crate) fn message(row: &PgRow) -> Result<(ResultMessage, bool), String> {
    let task_id = id(row, "task_id")?;
    let (extra, bad) = json(get(row, "extra"));
    let message = ResultMessage {
        sequence: 0,
        task_id,
        message: get(row, "message").unwrap_or_default(),
        error: get(row, "error").unwrap_or(false),
        context: get(row, "context"),
        context_type: get(row, "context_type"),
        ts: ts(row, "ts").unwrap_or(DateTime::<Utc>::UNIX_EPOCH),
        extra,
    };
    Ok((message, bad))
}

/// A `build_data` row.
pub(crate) fn build_data(row: &PgRow) -> Result<BuildData, String> {
    Ok(BuildData {
        node_name: get(row, "node_name").ok_or("node_name is NULL")?,
        task_id: id(row, "task_id")?,
        collected_date: ts(row, "collected_date").ok_or("collected_date is NULL")?,
        generator: get(row, "generator").unwrap_or_default(),
        data_format: get(row, "data_format").unwrap_or_default(),
        data_element: get(row, "data_element").unwrap_or_default(),
    })
}

fn key(row: &PgRow) -> Result<Vec<u8>, String> {
    let key: Vec<u8> = get(row, "identity_key").ok_or("identity_key is NULL")?;
    if key.len() < crate::store::MIN_IDENTITY_KEY_LEN {
        return Err(format!("identity_key is {} bytes, too short", key.len()));
    }
    Ok(key)
}

/// A `boot_action` row (the node's context).
pub(crate) fn boot_context(row: &PgRow) -> Result<ImportedBootContext, String> {
    Ok(ImportedBootContext {
        node_name: get(row, "node_name").ok_or("node_name is NULL")?,
        task_id: id(row, "task_id")?,
        identity_key: key(row)?,
    })
}

/// A `boot_action_status` row.
pub(crate) fn boot_action(row: &PgRow) -> Result<ImportedBootAction, String> {
    Ok(ImportedBootAction {
        action_id: id(row, "action_id")?,
        node_name: get(row, "node_name").ok_or("node_name is NULL")?,
        action_name: get(row, "action_name").ok_or("action_name is NULL")?,
        task_id: id(row, "task_id")?,
        identity_key: key(row)?,
        status: get::<String>(row, "action_status")
            .unwrap_or_else(|| "incomplete".into())
            .to_lowercase(),
    })
}
