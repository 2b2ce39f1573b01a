//! Records: tasks, result messages, build data and the active-instance lease.

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::FromRow;
use sqlx::types::Text;
use uuid::Uuid;

use crate::enums::{ResultStatus, TaskAction, TaskStatus};
use crate::error::{Result, StoreError};
use crate::sql::Ts;

/// A task as stored, with its result messages when read by id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromRow)]
pub struct Task {
    /// The task's id.
    pub task_id: Uuid,
    /// The parent task, for a subtask.
    pub parent_task_id: Option<Uuid>,
    /// Ids of the subtasks (tasks whose parent this is), oldest first.
    #[sqlx(json)]
    pub subtask_id_list: Vec<Uuid>,
    /// Where it is in its life.
    #[sqlx(try_from = "Text<TaskStatus>")]
    pub status: TaskStatus,
    /// What it does.
    #[sqlx(try_from = "Text<TaskAction>")]
    pub action: TaskAction,
    /// The design reference it works on.
    pub design_ref: Option<String>,
    /// The design snapshot it ran on.
    pub design_snapshot_id: Option<Uuid>,
    /// Which nodes it applies to (JSON).
    #[sqlx(json(nullable))]
    pub node_filter: Option<Value>,
    /// Who asked, and how (JSON).
    #[sqlx(json(nullable))]
    pub request_context: Option<Value>,
    /// Its result.
    #[sqlx(flatten)]
    pub result: TaskResult,
    /// Retry counter.
    pub retry: i32,
    /// When it was created.
    #[sqlx(try_from = "Ts")]
    pub created: DateTime<Utc>,
    /// Who created it.
    pub created_by: Option<String>,
    /// When it last changed.
    pub updated: Option<DateTime<Utc>>,
    /// When it was terminated.
    pub terminated: Option<DateTime<Utc>>,
    /// Who terminated it.
    pub terminated_by: Option<String>,
    /// Asked to terminate.
    pub terminate: bool,
    /// Bumped by every update; [`crate::Store::update_task`] refuses a stale one.
    pub version: i64,
    /// Result messages in sequence order ([`crate::Store::get_task`] only; empty in lists).
    #[sqlx(skip)]
    pub messages: Vec<ResultMessage>,
}

/// The result part of a task.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromRow)]
pub struct TaskResult {
    /// Outcome.
    #[sqlx(rename = "result_status", try_from = "Text<ResultStatus>")]
    pub status: ResultStatus,
    /// Short message.
    #[sqlx(rename = "result_message")]
    pub message: Option<String>,
    /// Reason.
    #[sqlx(rename = "result_reason")]
    pub reason: Option<String>,
    /// Number of its result messages flagged as errors (kept by the store).
    #[sqlx(rename = "result_error_count")]
    pub error_count: i64,
    /// Entities (e.g. node names) that succeeded.
    #[sqlx(rename = "result_successes", json)]
    pub successes: Vec<String>,
    /// Entities that failed.
    #[sqlx(rename = "result_failures", json)]
    pub failures: Vec<String>,
    /// Links to more detail (JSON).
    #[sqlx(rename = "result_links", json(nullable))]
    pub links: Option<Value>,
}

impl Default for TaskResult {
    fn default() -> Self {
        TaskResult {
            status: ResultStatus::Unreported,
            message: None,
            reason: None,
            error_count: 0,
            successes: Vec::new(),
            failures: Vec::new(),
            links: None,
        }
    }
}

/// A task to create. Start from [`NewTask::new`] and set what you need.
#[derive(Clone, Debug, PartialEq)]
pub struct NewTask {
    /// Its id (a fresh time-ordered UUID by default).
    pub task_id: Uuid,
    /// What it does.
    pub action: TaskAction,
    /// Initial status (queued by default).
    pub status: TaskStatus,
    /// Parent task, making this a subtask.
    pub parent_task_id: Option<Uuid>,
    /// Design reference.
    pub design_ref: Option<String>,
    /// Design snapshot.
    pub design_snapshot_id: Option<Uuid>,
    /// Node filter (JSON).
    pub node_filter: Option<Value>,
    /// Request context (JSON).
    pub request_context: Option<Value>,
    /// Creator.
    pub created_by: Option<String>,
    /// Creation time (now by default; set it to import old tasks).
    pub created: DateTime<Utc>,
}

impl NewTask {
    /// A queued task doing `action`, created now, with a fresh id.
    pub fn new(action: TaskAction) -> Self {
        NewTask {
            task_id: Uuid::now_v7(),
            action,
            status: TaskStatus::Queued,
            parent_task_id: None,
            design_ref: None,
            design_snapshot_id: None,
            node_filter: None,
            request_context: None,
            created_by: None,
            created: now(),
        }
    }

    pub(crate) fn validate(&self) -> Result<()> {
        opt_text("task.design_ref", self.design_ref.as_deref())?;
        opt_text("task.created_by", self.created_by.as_deref())?;
        opt_json("task.node_filter", self.node_filter.as_ref())?;
        opt_json("task.request_context", self.request_context.as_ref())
    }
}

impl Task {
    pub(crate) fn validate(&self) -> Result<()> {
        opt_text("task.design_ref", self.design_ref.as_deref())?;
        opt_text("task.created_by", self.created_by.as_deref())?;
        opt_text("task.terminated_by", self.terminated_by.as_deref())?;
        opt_text("task.result.message", self.result.message.as_deref())?;
        opt_text("task.result.reason", self.result.reason.as_deref())?;
        for s in self.result.successes.iter().chain(&self.result.failures) {
            text("task.result.successes/failures", s)?;
        }
        opt_json("task.node_filter", self.node_filter.as_ref())?;
        opt_json("task.request_context", self.request_context.as_ref())?;
        opt_json("task.result.links", self.result.links.as_ref())
    }
}

/// Which tasks [`crate::Store::list_tasks`] returns (empty lists match everything).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TaskFilter {
    /// Only these statuses.
    pub statuses: Vec<TaskStatus>,
    /// Only these actions.
    pub actions: Vec<TaskAction>,
    /// At most this many (oldest first).
    pub limit: Option<u32>,
}

/// A result message as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromRow)]
pub struct ResultMessage {
    /// Position in the task's messages: 1, 2, 3, … without gaps.
    pub sequence: i64,
    /// The task it belongs to.
    pub task_id: Uuid,
    /// The text.
    pub message: String,
    /// Whether it reports an error.
    pub error: bool,
    /// What it is about (e.g. a node name).
    pub context: Option<String>,
    /// The kind of context (e.g. `node`).
    pub context_type: Option<String>,
    /// When it was produced.
    #[sqlx(try_from = "Ts")]
    pub ts: DateTime<Utc>,
    /// More detail (JSON).
    #[sqlx(json(nullable))]
    pub extra: Option<Value>,
}

/// A result message to append.
#[derive(Clone, Debug, PartialEq)]
pub struct NewResultMessage {
    /// The text.
    pub message: String,
    /// Whether it reports an error.
    pub error: bool,
    /// What it is about.
    pub context: Option<String>,
    /// The kind of context.
    pub context_type: Option<String>,
    /// When it was produced (now by default).
    pub ts: DateTime<Utc>,
    /// More detail (JSON).
    pub extra: Option<Value>,
}

impl NewResultMessage {
    /// A message produced now.
    pub fn new(message: impl Into<String>, error: bool) -> Self {
        NewResultMessage {
            message: message.into(),
            error,
            context: None,
            context_type: None,
            ts: now(),
            extra: None,
        }
    }

    /// The same message about `context` of kind `context_type`.
    pub fn with_context(
        mut self,
        context: impl Into<String>,
        context_type: impl Into<String>,
    ) -> Self {
        self.context = Some(context.into());
        self.context_type = Some(context_type.into());
        self
    }

    pub(crate) fn validate(&self) -> Result<()> {
        text("result_message.message", &self.message)?;
        opt_text("result_message.context", self.context.as_deref())?;
        opt_text("result_message.context_type", self.context_type.as_deref())?;
        opt_json("result_message.extra", self.extra.as_ref())
    }
}

/// One element of a node's build history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromRow)]
pub struct BuildData {
    /// The node.
    pub node_name: String,
    /// The task that collected it.
    pub task_id: Uuid,
    /// When it was collected.
    #[sqlx(try_from = "Ts")]
    pub collected_date: DateTime<Utc>,
    /// What produced it (e.g. `lshw`).
    pub generator: String,
    /// Its MIME type.
    pub data_format: String,
    /// The data.
    pub data_element: String,
}

impl BuildData {
    /// Build data collected now.
    pub fn new(
        node_name: impl Into<String>,
        task_id: Uuid,
        generator: impl Into<String>,
        data_format: impl Into<String>,
        data_element: impl Into<String>,
    ) -> Self {
        BuildData {
            node_name: node_name.into(),
            task_id,
            collected_date: now(),
            generator: generator.into(),
            data_format: data_format.into(),
            data_element: data_element.into(),
        }
    }

    pub(crate) fn validate(&self) -> Result<()> {
        name("build_data.node_name", &self.node_name)?;
        name("build_data.generator", &self.generator)?;
        name("build_data.data_format", &self.data_format)?;
        text("build_data.data_element", &self.data_element)
    }
}

/// Which build data [`crate::Store::build_data`] returns.
#[derive(Clone, Debug, PartialEq)]
pub enum BuildDataScope {
    /// Everything collected for one node.
    Node(String),
    /// Everything one task collected.
    Task(Uuid),
}

/// The holder of the active-instance lease.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromRow)]
pub struct Leader {
    /// The leading instance.
    #[sqlx(rename = "identity")]
    pub instance_id: Uuid,
    /// Its last claim or ping.
    #[sqlx(try_from = "Ts")]
    pub last_ping: DateTime<Utc>,
}

/// Now, at the microsecond precision both backends keep.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

pub(crate) fn text(field: &str, value: &str) -> Result<()> {
    if value.contains('\0') {
        return Err(StoreError::Invalid {
            field: field.to_owned(),
            reason: "contains a NUL character, which the database cannot store".into(),
        });
    }
    Ok(())
}

/// Longest node name, generator, data format or snapshot reference accepted:
/// they are indexed, and index entries have a size limit.
pub const MAX_NAME_LEN: usize = 2048;

pub(crate) fn name(field: &str, value: &str) -> Result<()> {
    if value.len() > MAX_NAME_LEN {
        return Err(StoreError::Invalid {
            field: field.to_owned(),
            reason: format!(
                "{} bytes long; at most {MAX_NAME_LEN} are accepted",
                value.len()
            ),
        });
    }
    text(field, value)
}

pub(crate) fn opt_text(field: &str, value: Option<&str>) -> Result<()> {
    value.map_or(Ok(()), |v| text(field, v))
}

pub(crate) fn opt_json(field: &str, value: Option<&Value>) -> Result<()> {
    value.map_or(Ok(()), |v| json(field, v))
}

pub(crate) fn json(field: &str, value: &Value) -> Result<()> {
    match value {
        Value::String(s) => text(field, s),
        Value::Array(items) => items.iter().try_for_each(|v| json(field, v)),
        Value::Object(map) => map.iter().try_for_each(|(k, v)| {
            text(field, k)?;
            json(field, v)
        }),
        _ => Ok(()),
    }
}
