//! The original's API shapes: a task rendered as its REST API returns it,
//! and a validation report turned into result messages.

use drydock_core::{Level, Message, ValidationReport};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use serde_json::{Value, json};

use crate::model::{NewResultMessage, ResultMessage};
use crate::task::Task;

/// A task as the original's API renders it (`kind: Task`, `apiVersion: v1`,
/// its result as `kind: Status`, `apiVersion: v1.0` with `details.errorCount`
/// and `details.messageList`, links as `[{rel, href}]`), plus the design
/// snapshot it ran on and how many of its claims lapsed (`attempts`: its
/// worker died and it was requeued); the design reference with credentials redacted.
/// Made by [`Task::to_api`]; serialise it (e.g. with `serde_json`).
#[derive(Clone, Copy, Debug)]
pub struct ApiTask<'a>(&'a Task);

impl Task {
    /// The task as the original's API renders it, with the messages it was read with.
    pub fn to_api(&self) -> ApiTask<'_> {
        ApiTask(self)
    }
}

impl Serialize for ApiTask<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = self.0;
        let design_ref = t.design_ref.as_deref().map(drydock_core::redact_str);
        let mut m = s.serialize_struct("Task", 20)?;
        m.serialize_field("kind", "Task")?;
        m.serialize_field("apiVersion", "v1")?;
        m.serialize_field("task_id", &t.task_id)?;
        m.serialize_field("action", &t.action)?;
        m.serialize_field("parent_task_id", &t.parent_task_id)?;
        m.serialize_field("design_ref", &design_ref)?;
        m.serialize_field("status", &t.status)?;
        m.serialize_field("result", &ApiResult(t))?;
        m.serialize_field("node_filter", &t.node_filter)?;
        m.serialize_field("subtask_id_list", &t.subtask_id_list)?;
        m.serialize_field("created", &t.created)?;
        m.serialize_field("created_by", &t.created_by)?;
        m.serialize_field("updated", &t.updated)?;
        m.serialize_field("terminated", &t.terminated)?;
        m.serialize_field("terminated_by", &t.terminated_by)?;
        m.serialize_field("terminate", &t.terminate)?;
        m.serialize_field("retry", &t.retry)?;
        m.serialize_field("design_snapshot_id", &t.design_snapshot_id)?;
        m.serialize_field("attempts", &t.attempts)?;
        m.end()
    }
}

/// A task's result in the original API's shape.
struct ApiResult<'a>(&'a Task);

impl Serialize for ApiResult<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = &self.0.result;
        let mut m = s.serialize_struct("Status", 9)?;
        m.serialize_field("kind", "Status")?;
        m.serialize_field("apiVersion", "v1.0")?;
        m.serialize_field("message", &r.message)?;
        m.serialize_field("reason", &r.reason)?;
        m.serialize_field("status", &r.status)?;
        m.serialize_field("successes", &r.successes)?;
        m.serialize_field("failures", &r.failures)?;
        m.serialize_field("links", &r.links)?;
        m.serialize_field("details", &ApiDetails(self.0))?;
        m.end()
    }
}

/// A result's messages in the original API's shape.
struct ApiDetails<'a>(&'a Task);

impl Serialize for ApiDetails<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let messages: Vec<ApiMessage<'_>> = self.0.messages.iter().map(ApiMessage).collect();
        let mut m = s.serialize_struct("Details", 2)?;
        m.serialize_field("errorCount", &self.0.result.error_count)?;
        m.serialize_field("messageList", &messages)?;
        m.end()
    }
}

/// One result message in the original API's shape.
struct ApiMessage<'a>(&'a ResultMessage);

impl Serialize for ApiMessage<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut m = s.serialize_struct("Message", 6)?;
        m.serialize_field("message", &r.message)?;
        m.serialize_field("error", &r.error)?;
        m.serialize_field("context_type", &r.context_type)?;
        m.serialize_field("context", &r.context)?;
        m.serialize_field("ts", &r.ts)?;
        m.serialize_field("extra", &r.extra)?;
        m.end()
    }
}

impl NewResultMessage {
    /// A validation message as a result message: an error when its level is
    /// error; its context the first document it is about (`context_type`
    /// `document`, context `schema:name`) or the site design; `extra` holds
    /// its code, level, diagnostic, documents (and field path and location).
    pub fn from_validation(m: &Message) -> Self {
        let mut out = NewResultMessage::new(m.message.clone(), m.level == Level::Error);
        out = match m.documents.first() {
            Some(doc) => out.with_context(format!("{}:{}", doc.schema, doc.name), "document"),
            None => out.with_context("site design", "design"),
        };
        let level = match m.level {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        };
        let mut extra = json!({
            "code": m.code,
            "level": level,
            "diagnostic": m.diagnostic,
            "documents": m.documents,
        });
        if let Some(path) = &m.path {
            extra["path"] = json!(path);
        }
        if let Some(location) = &m.location {
            extra["location"] = json!(location);
        }
        out.extra = Some(extra);
        out.message = storable(&out.message);
        out.context = out.context.as_deref().map(storable);
        if let Some(extra) = &mut out.extra {
            storable_json(extra);
        }
        out
    }

    /// Every message of a validation report, in order (see [`NewResultMessage::from_validation`]).
    /// A NUL in a message (a design may name a node with one: the design
    /// itself is stored as JSON text, which keeps it) is written `\x00`, as
    /// drydock shows it, since no database text column can hold it: the
    /// report of a design validation accepts can always be stored.
    pub fn from_report(report: &ValidationReport) -> Vec<Self> {
        report.messages.iter().map(Self::from_validation).collect()
    }
}

/// `text` with each NUL written `\x00` (as drydock shows it).
fn storable(text: &str) -> String {
    text.replace('\0', "\\x00")
}

fn storable_json(value: &mut Value) {
    match value {
        Value::String(s) if s.contains('\0') => *s = storable(s),
        Value::Array(items) => items.iter_mut().for_each(storable_json),
        Value::Object(map) => {
            if map.keys().any(|k| k.contains('\0')) {
                *map = std::mem::take(map)
                    .into_iter()
                    .map(|(k, v)| (storable(&k), v))
                    .collect();
            }
            map.values_mut().for_each(storable_json);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_messages_carry_code_level_diagnostic_documents() {
        let mut report = ValidationReport::default();
        report.push(
            Message::error("DD001", "mtu too large")
                .with_diagnostic("at most 9216")
                .with_path("data.mtu")
                .about("drydock/NetworkLink/v1", "oob"),
        );
        let m = &NewResultMessage::from_report(&report)[0];
        assert!(m.error);
        assert_eq!(m.message, "mtu too large");
        assert_eq!(m.context_type.as_deref(), Some("document"));
        assert_eq!(m.context.as_deref(), Some("drydock/NetworkLink/v1:oob"));
        let extra = m.extra.as_ref().unwrap();
        assert_eq!(extra["code"], "DD001");
        assert_eq!(extra["level"], "error");
        assert_eq!(extra["diagnostic"], "at most 9216");
        assert_eq!(extra["documents"][0]["name"], "oob");
        assert_eq!(extra["path"], "data.mtu");
    }

    #[test]
    fn a_nul_in_a_validation_message_is_written_as_drydock_shows_it() {
        let mut report = ValidationReport::default();
        report.push(
            Message::error("DD3003", "label 'no\0de' is invalid")
                .about("drydock/BaremetalNode/v1", "no\0de"),
        );
        let m = &NewResultMessage::from_report(&report)[0];
        assert_eq!(m.message, "label 'no\\x00de' is invalid");
        assert_eq!(
            m.context.as_deref(),
            Some("drydock/BaremetalNode/v1:no\\x00de")
        );
        let extra = m.extra.as_ref().unwrap();
        assert_eq!(extra["documents"][0]["name"], "no\\x00de");
        assert!(m.validate().is_ok());
    }
}
