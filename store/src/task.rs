//! Tasks: as stored, to create, and the result helpers of the original's orchestrator.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::types::Json;
use sqlx::types::Text;
use uuid::Uuid;

use crate::enums::{ResultStatus, TaskAction, TaskStatus};
use crate::error::Result;
use crate::model::{now, opt_json, opt_text, text};
use crate::sql::{Ts, converted, from_rows};

/// A task as stored, with its result messages when read by id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// The task's id.
    pub task_id: Uuid,
    /// The parent task, for a subtask.
    pub parent_task_id: Option<Uuid>,
    /// Ids of the subtasks (tasks whose parent this is), oldest first.
    pub subtask_id_list: Vec<Uuid>,
    /// Where it is in its life.
    pub status: TaskStatus,
    /// What it does.
    pub action: TaskAction,
    /// The design reference it works on, as stored: without credentials
    /// (see [`stored_design_ref`]); the worker brings its own.
    pub design_ref: Option<String>,
    /// The design snapshot it ran on.
    pub design_snapshot_id: Option<Uuid>,
    /// Which nodes it applies to (JSON).
    pub node_filter: Option<Value>,
    /// Who asked, and how (JSON).
    pub request_context: Option<Value>,
    /// Its result.
    pub result: TaskResult,
    /// Retry counter.
    pub retry: i32,
    /// When it was created.
    pub created: DateTime<Utc>,
    /// Who created it.
    pub created_by: Option<String>,
    /// When it last changed.
    pub updated: Option<DateTime<Utc>>,
    /// When it was terminated.
    pub terminated: Option<DateTime<Utc>>,
    /// Who terminated it.
    pub terminated_by: Option<String>,
    /// Asked to terminate: no claim takes it.
    pub terminate: bool,
    /// The worker that claimed it last (kept when it fails, cleared when it is requeued).
    pub claimed_by: Option<Uuid>,
    /// When the running claim lapses unless renewed.
    pub lease_expires: Option<DateTime<Utc>>,
    /// How many claims of it lapsed (their worker stopped renewing them).
    pub attempts: i32,
    /// Bumped by every update; [`crate::Store::update_task`] refuses a stale one.
    pub version: i64,
    /// Result messages in sequence order ([`crate::Store::get_task`] and claims; empty in lists).
    pub messages: Vec<crate::model::ResultMessage>,
}

from_rows!(Task, |row| Ok(Task {
    task_id: row.try_get("task_id")?,
    parent_task_id: row.try_get("parent_task_id")?,
    subtask_id_list: row.try_get::<Json<Vec<Uuid>>, _>("subtask_id_list")?.0,
    status: row.try_get::<Text<TaskStatus>, _>("status")?.0,
    action: row.try_get::<Text<TaskAction>, _>("action")?.0,
    design_ref: row.try_get("design_ref")?,
    design_snapshot_id: row.try_get("design_snapshot_id")?,
    node_filter: row
        .try_get::<Option<Json<Value>>, _>("node_filter")?
        .map(|j| j.0),
    request_context: row
        .try_get::<Option<Json<Value>>, _>("request_context")?
        .map(|j| j.0),
    result: sqlx::FromRow::from_row(row)?,
    retry: row.try_get("retry")?,
    created: converted::<_, Ts, _>(row, "created")?,
    created_by: row.try_get("created_by")?,
    updated: row.try_get("updated")?,
    terminated: row.try_get("terminated")?,
    terminated_by: row.try_get("terminated_by")?,
    terminate: row.try_get("terminate")?,
    claimed_by: row.try_get("claimed_by")?,
    lease_expires: row.try_get("lease_expires")?,
    attempts: row.try_get("attempts")?,
    version: row.try_get("version")?,
    messages: Vec::new(),
}));

/// A link to more detail about a result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskLink {
    /// What the link is, e.g. `detail`.
    pub rel: String,
    /// Where it points.
    #[serde(alias = "uri")]
    pub href: String,
}

/// The result part of a task.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskResult {
    /// Outcome.
    pub status: ResultStatus,
    /// Short message.
    pub message: Option<String>,
    /// Reason.
    pub reason: Option<String>,
    /// Number of its result messages flagged as errors (kept by the store).
    pub error_count: i64,
    /// Entities (e.g. node names) that succeeded.
    pub successes: Vec<String>,
    /// Entities that failed.
    pub failures: Vec<String>,
    /// Links to more detail.
    pub links: Vec<TaskLink>,
}

from_rows!(TaskResult, |row| Ok(TaskResult {
    status: row.try_get::<Text<ResultStatus>, _>("result_status")?.0,
    message: row.try_get("result_message")?,
    reason: row.try_get("result_reason")?,
    error_count: row.try_get("result_error_count")?,
    successes: row.try_get::<Json<Vec<String>>, _>("result_successes")?.0,
    failures: row.try_get::<Json<Vec<String>>, _>("result_failures")?.0,
    links: row.try_get::<Json<Vec<TaskLink>>, _>("result_links")?.0,
}));

impl Default for TaskResult {
    fn default() -> Self {
        TaskResult {
            status: ResultStatus::Unreported,
            message: None,
            reason: None,
            error_count: 0,
            successes: Vec::new(),
            failures: Vec::new(),
            links: Vec::new(),
        }
    }
}

impl Task {
    /// Something succeeded, as the original's `Task.success`: the result is
    /// a success, or a partial success if something failed before; `focus`
    /// (e.g. a node name) joins the successes.
    pub fn success(&mut self, focus: Option<&str>) {
        self.result.status = match self.result.status {
            ResultStatus::Failure | ResultStatus::PartialSuccess => ResultStatus::PartialSuccess,
            _ => ResultStatus::Success,
        };
        self.result.successes.extend(focus.map(str::to_owned));
    }

    /// Something failed, as the original's `Task.failure`: the result is a
    /// failure, or a partial success if something succeeded before; `focus`
    /// joins the failures.
    pub fn failure(&mut self, focus: Option<&str>) {
        self.result.status = match self.result.status {
            ResultStatus::Success | ResultStatus::PartialSuccess => ResultStatus::PartialSuccess,
            _ => ResultStatus::Failure,
        };
        self.result.failures.extend(focus.map(str::to_owned));
    }

    /// The task finished: status complete, `message` as the result message;
    /// a result nothing reported on (unreported, incomplete) becomes a success.
    pub fn complete(&mut self, message: impl Into<String>) {
        self.status = TaskStatus::Complete;
        self.result.message = Some(message.into());
        if matches!(
            self.result.status,
            ResultStatus::Unreported | ResultStatus::Incomplete
        ) {
            self.result.status = ResultStatus::Success;
        }
    }

    /// The task failed as a whole, as the original's orchestrator records an
    /// exception: [`Task::failure`], `reason` as the result reason, status complete.
    pub fn fail(&mut self, reason: impl Into<String>) {
        self.failure(None);
        self.result.reason = Some(reason.into());
        self.status = TaskStatus::Complete;
    }

    pub(crate) fn validate(&self) -> Result<()> {
        self.status.validate()?;
        self.action.validate()?;
        self.result.status.validate()?;
        opt_text("task.design_ref", self.design_ref.as_deref())?;
        opt_text("task.created_by", self.created_by.as_deref())?;
        opt_text("task.terminated_by", self.terminated_by.as_deref())?;
        opt_text("task.result.message", self.result.message.as_deref())?;
        opt_text("task.result.reason", self.result.reason.as_deref())?;
        for s in self.result.successes.iter().chain(&self.result.failures) {
            text("task.result.successes/failures", s)?;
        }
        for link in &self.result.links {
            text("task.result.links", &link.rel)?;
            text("task.result.links", &link.href)?;
        }
        opt_json("task.node_filter", self.node_filter.as_ref())?;
        opt_json("task.request_context", self.request_context.as_ref())
    }
}

/// What is kept of a task's design reference: credentials never reach the
/// tasks table (it is read by every API client, listed, backed up). The
/// userinfo password and secret query parameters are removed
/// ([`drydock_core::DesignRef::without_secrets`]), so the reference stays
/// usable and the worker fetches it with the credentials of its own
/// configuration (token, Keystone); a string that is no reference is kept
/// redacted.
///
/// ```
/// use drydock_store::stored_design_ref;
/// assert_eq!(stored_design_ref("https://ops:pw@h/x?token=t&rev=2"), "https://ops@h/x?rev=2");
/// assert_eq!(stored_design_ref("https://ops:p/w@h:99999/x"), "https://ops:***@h:99999/x");
/// ```
pub fn stored_design_ref(design_ref: &str) -> String {
    match drydock_core::DesignRef::parse(design_ref) {
        Ok(reference) => reference.without_secrets(),
        Err(_) => drydock_core::redact_str(design_ref),
    }
}

/// A task to create: [`NewTask::new`] and the `with_*` builders.
///
/// ```
/// use drydock_store::{NewTask, TaskAction};
/// let t = NewTask::new(TaskAction::DeployNodes)
///     .with_design_ref("deckhand+https://deckhand:9000/revisions/7")
///     .with_node_filter(serde_json::json!({"filter_set_type": "union", "filter_set": []}))
///     .with_created_by("ops");
/// assert_eq!(t.created_by.as_deref(), Some("ops"));
/// ```
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

    /// With this initial status.
    pub fn with_status(mut self, status: TaskStatus) -> Self {
        self.status = status;
        self
    }

    /// A subtask of `parent`.
    pub fn with_parent(mut self, parent: Uuid) -> Self {
        self.parent_task_id = Some(parent);
        self
    }

    /// Working on this design reference.
    pub fn with_design_ref(mut self, design_ref: impl Into<String>) -> Self {
        self.design_ref = Some(design_ref.into());
        self
    }

    /// Working on this design snapshot.
    pub fn with_snapshot(mut self, snapshot_id: Uuid) -> Self {
        self.design_snapshot_id = Some(snapshot_id);
        self
    }

    /// For these nodes (the original's node filter JSON).
    pub fn with_node_filter(mut self, filter: Value) -> Self {
        self.node_filter = Some(filter);
        self
    }

    /// Asked for in this context (JSON).
    pub fn with_request_context(mut self, context: Value) -> Self {
        self.request_context = Some(context);
        self
    }

    /// Created by `who`.
    pub fn with_created_by(mut self, who: impl Into<String>) -> Self {
        self.created_by = Some(who.into());
        self
    }

    /// Created at `when` (to import old tasks).
    pub fn with_created(mut self, when: DateTime<Utc>) -> Self {
        self.created = when;
        self
    }

    pub(crate) fn validate(&self) -> Result<()> {
        self.status.validate()?;
        self.action.validate()?;
        opt_text("task.design_ref", self.design_ref.as_deref())?;
        opt_text("task.created_by", self.created_by.as_deref())?;
        opt_json("task.node_filter", self.node_filter.as_ref())?;
        opt_json("task.request_context", self.request_context.as_ref())
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
