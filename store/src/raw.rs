//! Rows as the backends read them, turned into public records in one place.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::error::{Result, StoreError};
use crate::model::{Task, TaskResult};

/// A `tasks` row with enums still as strings and JSON already decoded.
pub(crate) struct RawTask {
    pub task_id: Uuid,
    pub parent_task_id: Option<Uuid>,
    pub subtask_id_list: Vec<Uuid>,
    pub status: String,
    pub action: String,
    pub design_ref: Option<String>,
    pub design_snapshot_id: Option<Uuid>,
    pub node_filter: Option<Value>,
    pub request_context: Option<Value>,
    pub result_status: String,
    pub result_message: Option<String>,
    pub result_reason: Option<String>,
    pub result_error_count: i64,
    pub result_successes: Value,
    pub result_failures: Value,
    pub result_links: Option<Value>,
    pub retry: i32,
    pub created: DateTime<Utc>,
    pub created_by: Option<String>,
    pub updated: Option<DateTime<Utc>>,
    pub terminated: Option<DateTime<Utc>>,
    pub terminated_by: Option<String>,
    pub terminate: bool,
    pub version: i64,
}

impl RawTask {
    pub(crate) fn into_task(self, url: &str) -> Result<Task> {
        let corrupt = |field: &str, reason: String| StoreError::Corrupt {
            field: field.to_owned(),
            url: url.to_owned(),
            reason,
        };
        let strings = |field: &str, v: Value| -> Result<Vec<String>> {
            serde_json::from_value(v).map_err(|e| corrupt(field, e.to_string()))
        };
        Ok(Task {
            task_id: self.task_id,
            parent_task_id: self.parent_task_id,
            subtask_id_list: self.subtask_id_list,
            status: self
                .status
                .parse()
                .map_err(|e: StoreError| corrupt("tasks.status", e.to_string()))?,
            action: self
                .action
                .parse()
                .map_err(|e: StoreError| corrupt("tasks.action", e.to_string()))?,
            design_ref: self.design_ref,
            design_snapshot_id: self.design_snapshot_id,
            node_filter: self.node_filter,
            request_context: self.request_context,
            result: TaskResult {
                status: self
                    .result_status
                    .parse()
                    .map_err(|e: StoreError| corrupt("tasks.result_status", e.to_string()))?,
                message: self.result_message,
                reason: self.result_reason,
                error_count: self.result_error_count,
                successes: strings("tasks.result_successes", self.result_successes)?,
                failures: strings("tasks.result_failures", self.result_failures)?,
                links: self.result_links,
            },
            retry: self.retry,
            created: self.created,
            created_by: self.created_by,
            updated: self.updated,
            terminated: self.terminated,
            terminated_by: self.terminated_by,
            terminate: self.terminate,
            version: self.version,
            messages: Vec::new(),
        })
    }
}

/// The JSON value of a list of strings.
pub(crate) fn string_list(items: &[String]) -> Value {
    Value::Array(items.iter().cloned().map(Value::String).collect())
}
