//! A validation report as a task's result messages.

use drydock_core::{Level, Message, ValidationReport};
use drydock_store::NewResultMessage;
use serde_json::{Value, json};

/// A validation message as a result message: an error when its level is
/// error; its context the first document it is about (`context_type`
/// `document`, context `schema:name`) or the site design; `extra` holds its
/// code, level, diagnostic, documents (and field path and location).
pub fn result_message(m: &Message) -> NewResultMessage {
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

/// Every message of a validation report, in order (see [`result_message`]).
/// A NUL in a message (a design may name a node with one: the design itself
/// is stored as JSON text, which keeps it) is written `\x00`, as drydock
/// shows it, since no database text column can hold it: the report of a
/// design validation accepts can always be stored.
pub fn result_messages(report: &ValidationReport) -> Vec<NewResultMessage> {
    report.messages.iter().map(result_message).collect()
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
    use drydock_store::{NewTask, Store, StoreOptions, TaskAction};

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
        let m = &result_messages(&report)[0];
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

    #[tokio::test]
    async fn a_nul_in_a_validation_message_is_written_as_drydock_shows_it() {
        let mut report = ValidationReport::default();
        report.push(
            Message::error("DD3003", "label 'no\0de' is invalid")
                .about("drydock/BaremetalNode/v1", "no\0de"),
        );
        let m = &result_messages(&report)[0];
        assert_eq!(m.message, "label 'no\\x00de' is invalid");
        assert_eq!(
            m.context.as_deref(),
            Some("drydock/BaremetalNode/v1:no\\x00de")
        );
        let extra = m.extra.as_ref().unwrap();
        assert_eq!(extra["documents"][0]["name"], "no\\x00de");
        // And it can be stored.
        let store = Store::connect("sqlite::memory:", &StoreOptions::default())
            .await
            .unwrap();
        let task = store
            .create_task(&NewTask::new(TaskAction::ValidateDesign))
            .await
            .unwrap();
        let stored = store
            .append_messages(task.task_id, std::slice::from_ref(m))
            .await;
        store.close().await;
        assert!(stored.is_ok(), "{stored:?}");
    }
}
