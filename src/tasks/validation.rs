//! A design validation rendered as the original's `Validation.to_dict()`
//! (`POST /validatedesign`'s body), for any front end: the server answers
//! it, a CLI may print it.

use drydock_core::{Level, Message, Status, ValidationReport};
use serde_json::{Value, json};

const PASSED: &str = "Site design passed validation";
const FAILED: &str = "Site design failed validation.";
const SEE_DETAILS: &str = "See detail messages.";

/// The original's status body of `report`; its `code` is 200 when the design
/// passed, else 400.
pub fn validation_status(report: &ValidationReport) -> Value {
    let messages = report.messages.iter().map(validation_message).collect();
    status_body(
        report.status == Status::Success,
        report.error_count(),
        messages,
    )
}

/// The status body when the design could not be had: one `DD000` error
/// message saying why (`text`, already safe to show) with `hint`.
pub fn load_failure_status(text: &str, hint: &str) -> Value {
    let message = json!({
        "kind": "ValidationMessage", "name": "DD000",
        "message": format!("Error loading effective site: {text}"),
        "error": true, "level": "Error", "diagnostic": hint,
        "ts": drydock_store::now(), "documents": [],
    });
    status_body(false, 1, vec![message])
}

fn status_body(passed: bool, errors: usize, messages: Vec<Value>) -> Value {
    json!({
        "kind": "Status",
        "apiVersion": "v1.0",
        "metadata": {},
        "message": if passed { PASSED } else { FAILED },
        "reason": if passed { Value::Null } else { json!(SEE_DETAILS) },
        "status": if passed { "Success" } else { "Failure" },
        "details": {"errorCount": errors, "messageList": messages},
        "code": if passed { 200 } else { 400 },
    })
}

/// The original's `ValidationMessage.to_dict()`.
pub fn validation_message(m: &Message) -> Value {
    let level = match m.level {
        Level::Error => "Error",
        Level::Warning => "Warning",
        Level::Info => "Info",
    };
    json!({
        "kind": "ValidationMessage",
        "name": m.code,
        "message": m.message,
        "error": m.level == Level::Error,
        "level": level,
        "diagnostic": m.diagnostic,
        "ts": drydock_store::now(),
        "documents": m.documents,
    })
}
