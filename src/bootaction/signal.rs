//! A node's signal: `POST /bootactions/{action_id}` (the original's
//! `BootactionResource`), as a library call.

use drydock_store::{NewResultMessage, ResultStatus};
use serde_json::{Map, Value, json};

use super::node::{BootActions, presented};
use super::{Refusal, ulid};

impl BootActions {
    /// Takes the signal `body` for boot action `action_id` (ULID text)
    /// presented with `key`: each detail becomes a result message on the
    /// action's task (`context_type` `bootaction`, context the id; keys
    /// besides `message` and `error` kept in `extra`), and a `status` makes
    /// the action final (with a message saying so). Answers the original's
    /// JSON: node, action id and name, task id, status.
    pub async fn signal(
        &self,
        action_id: &str,
        key: Option<&str>,
        body: &[u8],
    ) -> Result<Value, Refusal> {
        let not_found = || Refusal::NotFound(format!("boot action {action_id}"));
        let id = ulid::parse(action_id).unwrap_or_default();
        let (bytes, bad_key) = presented(key);
        let failed = |e| super::node::store_refusal(&format!("boot action {action_id}"), e);
        let matches = self
            .store
            .check_boot_action_key(id, &bytes)
            .await
            .map_err(failed)?;
        let Some(action) = self.store.boot_action(id).await.map_err(failed)? else {
            return Err(not_found());
        };
        if ulid::parse(action_id).is_none() {
            return Err(not_found());
        }
        if let Some(refusal) = bad_key {
            return Err(refusal);
        }
        if !matches {
            return Err(Refusal::Forbidden);
        }
        let (status, details) = parse_body(body)?;
        if action.status != ResultStatus::Incomplete {
            return Err(Refusal::Conflict(format!(
                "boot action {action_id} already has the final status {}",
                action.status
            )));
        }
        let text = ulid::to_text(action.action_id);
        let mut messages: Vec<NewResultMessage> = details
            .into_iter()
            .map(|(message, error, extra)| {
                let mut m = NewResultMessage::new(message, error).with_context(&text, "bootaction");
                m.extra = (!extra.is_empty()).then_some(Value::Object(extra));
                m
            })
            .collect();
        let mut current = action.status.clone();
        if let Some(status) = status {
            // Only from incomplete: of two reports racing, one wins, the other is 409.
            let Some(done) = self
                .store
                .finish_boot_action(action.action_id, status)
                .await
                .map_err(failed)?
            else {
                return Err(Refusal::Conflict(format!(
                    "boot action {action_id} already has a final status"
                )));
            };
            current = done.status;
            messages.push(
                NewResultMessage::new(
                    format!(
                        "Boot action {} on node {}: {current}",
                        action.action_name, action.node_name
                    ),
                    current == ResultStatus::Failure,
                )
                .with_context(&text, "bootaction"),
            );
        }
        if !messages.is_empty() {
            self.store
                .append_messages(action.task_id, &messages)
                .await
                .map_err(failed)?;
        }
        Ok(json!({
            "node_name": action.node_name,
            "action_id": text,
            "action_name": action.action_name,
            "task_id": action.task_id,
            "action_status": current.as_str(),
        }))
    }
}

/// A detail: message, error, the other keys.
type Detail = (String, bool, Map<String, Value>);

/// The body schema: an object with `status` (`success`/`failure`, either
/// capitalisation, optional) and `details` (objects with a string
/// `message` and a boolean `error`, more keys allowed), nothing else.
fn parse_body(body: &[u8]) -> Result<(Option<ResultStatus>, Vec<Detail>), Refusal> {
    let bad = |why: &str| Refusal::BadRequest(format!("Error processing body: {why}"));
    let value: Value = serde_json::from_slice(body).map_err(|_| bad("not JSON"))?;
    let Value::Object(mut top) = value else {
        return Err(bad("not an object"));
    };
    if let Some(extra) = top.keys().find(|k| *k != "status" && *k != "details") {
        return Err(bad(&format!("unknown key {extra:?}")));
    }
    let status = match top.remove("status") {
        None => None,
        Some(Value::String(s)) => Some(match s.as_str() {
            "success" | "Success" => ResultStatus::Success,
            "failure" | "Failure" => ResultStatus::Failure,
            _ => return Err(bad("status is success or failure")),
        }),
        Some(_) => return Err(bad("status is success or failure")),
    };
    let details = match top.remove("details") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .into_iter()
            .map(|item| {
                let Value::Object(mut d) = item else {
                    return Err(bad("a detail is an object"));
                };
                let Some(Value::String(message)) = d.remove("message") else {
                    return Err(bad("a detail has a string message"));
                };
                let Some(Value::Bool(error)) = d.remove("error") else {
                    return Err(bad("a detail has a boolean error"));
                };
                Ok((message, error, d))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(bad("details is a list")),
    };
    Ok((status, details))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_schema_is_the_originals_with_extras_kept() {
        let (status, details) = parse_body(
            br#"{"status":"Success","details":[{"message":"ok","error":false,"ts":"now"}]}"#,
        )
        .unwrap();
        assert_eq!(status, Some(ResultStatus::Success));
        assert_eq!(details[0].0, "ok");
        assert!(!details[0].1);
        assert_eq!(details[0].2["ts"], "now");
        assert_eq!(parse_body(b"{}").unwrap(), (None, vec![]));
        for bad in [
            &b"nope"[..],
            b"[]",
            br#"{"status":"done"}"#,
            br#"{"status":true}"#,
            br#"{"other":1}"#,
            br#"{"details":{}}"#,
            br#"{"details":[1]}"#,
            br#"{"details":[{"message":"m"}]}"#,
            br#"{"details":[{"error":true}]}"#,
            br#"{"details":[{"message":1,"error":true}]}"#,
            br#"{"details":[{"message":"m","error":"yes"}]}"#,
        ] {
            assert_eq!(
                parse_body(bad).map_err(|r| r.status()),
                Err(400),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
