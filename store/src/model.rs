//! Records: result messages, build data and the active-instance lease, and
//! the checks every value passes before it is stored.

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::types::Json;
use uuid::Uuid;

use crate::error::{Result, StoreError};
use crate::sql::{Ts, converted, from_rows};

/// A result message as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
    pub ts: DateTime<Utc>,
    /// More detail (JSON).
    pub extra: Option<Value>,
}

from_rows!(ResultMessage, |row| Ok(ResultMessage {
    sequence: row.try_get("sequence")?,
    task_id: row.try_get("task_id")?,
    message: row.try_get("message")?,
    error: row.try_get("error")?,
    context: row.try_get("context")?,
    context_type: row.try_get("context_type")?,
    ts: converted::<_, Ts, _>(row, "ts")?,
    extra: row.try_get::<Option<Json<Value>>, _>("extra")?.map(|j| j.0),
}));

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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BuildData {
    /// The node.
    pub node_name: String,
    /// The task that collected it.
    pub task_id: Uuid,
    /// When it was collected.
    pub collected_date: DateTime<Utc>,
    /// What produced it (e.g. `lshw`).
    pub generator: String,
    /// Its MIME type.
    pub data_format: String,
    /// The data.
    pub data_element: String,
}

from_rows!(BuildData, |row| Ok(BuildData {
    node_name: row.try_get("node_name")?,
    task_id: row.try_get("task_id")?,
    collected_date: converted::<_, Ts, _>(row, "collected_date")?,
    generator: row.try_get("generator")?,
    data_format: row.try_get("data_format")?,
    data_element: row.try_get("data_element")?,
}));

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
    /// Everything collected, for every node.
    All,
    /// Everything collected for one node.
    Node(String),
    /// Everything one task collected.
    Task(Uuid),
    /// What one task collected for one node.
    NodeAndTask(String, Uuid),
}

/// The holder of the active-instance lease.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Leader {
    /// The leading instance.
    pub instance_id: Uuid,
    /// Its last claim or ping.
    pub last_ping: DateTime<Utc>,
    /// When it took the lease (unknown for a lease taken before this was recorded).
    pub since: Option<DateTime<Utc>>,
}

from_rows!(Leader, |row| Ok(Leader {
    instance_id: row.try_get("identity")?,
    last_ping: converted::<_, Ts, _>(row, "last_ping")?,
    since: row.try_get("since")?,
}));

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
