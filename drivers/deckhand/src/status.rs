//! Deckhand's error answers: its `Status` document (YAML), or the
//! keystonemiddleware's JSON `{"error": …}`, read into what a user is shown.

use serde::Deserialize;

/// Largest part of one message kept, and most messages kept.
const MESSAGE_MAX: usize = 300;
const MESSAGES_MAX: usize = 5;

#[derive(Debug, Default, Deserialize)]
struct StatusDoc {
    message: Option<String>,
    reason: Option<String>,
    details: Option<Details>,
    error: Option<MiddlewareError>,
    retry: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Details {
    error_type: Option<String>,
    message_list: Option<Vec<Item>>,
}

#[derive(Debug, Default, Deserialize)]
struct Item {
    message: Option<String>,
    name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct MiddlewareError {
    message: Option<String>,
    title: Option<String>,
}

/// What Deckhand said about a failure, sanitised: control characters
/// escaped, every piece bounded, secrets scrubbed by the caller's `scrub`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Said {
    /// Its `message`.
    pub message: Option<String>,
    /// `details.errorType` (e.g. `DataError`, `InvalidDocumentFormat`).
    pub error_type: Option<String>,
    /// `reason` (`Validation`, `Unspecified`).
    pub reason: Option<String>,
    /// `details.messageList[].message` (with the `name` code, e.g. `D002`).
    pub details: Vec<String>,
    /// `retry`: `Some(false)` when Deckhand says another attempt cannot help.
    pub retry: Option<bool>,
}

fn bounded(text: &str, scrub: &dyn Fn(&str) -> String) -> String {
    let mut shown = scrub(text.trim());
    drydock_core::text::cut_with_ellipsis(&mut shown, MESSAGE_MAX);
    shown
}

/// Reads an error body; anything unreadable yields its first bytes as the message.
pub(crate) fn read(body: &[u8], scrub: &dyn Fn(&str) -> String) -> Said {
    let text = String::from_utf8_lossy(body);
    let doc: StatusDoc = serde_saphyr::from_str(&text).unwrap_or_default();
    let mut said = Said {
        message: doc
            .message
            .or(doc.error.as_ref().and_then(|e| e.message.clone()))
            .or(doc.error.and_then(|e| e.title))
            .filter(|m| !m.trim().is_empty())
            .map(|m| bounded(&m, scrub)),
        reason: doc.reason.map(|r| bounded(&r, scrub)),
        retry: doc.retry,
        ..Said::default()
    };
    if let Some(details) = doc.details {
        said.error_type = details.error_type.map(|t| bounded(&t, scrub));
        let items = details.message_list.unwrap_or_default();
        let total = items.len();
        for item in items.into_iter().take(MESSAGES_MAX) {
            let Some(m) = item.message else { continue };
            let line = match item.name {
                Some(code) => format!("{code}: {m}"),
                None => m,
            };
            said.details.push(bounded(&line, scrub));
        }
        if total > MESSAGES_MAX {
            said.details
                .push(format!("… and {} more", total - MESSAGES_MAX));
        }
    }
    if said.message.is_none() && said.details.is_empty() && !text.trim().is_empty() {
        said.message = Some(bounded(&text, scrub));
    }
    said
}

impl Said {
    /// One line: the message, then the details, `; `-separated, each said
    /// once (Deckhand often repeats its message in the details).
    pub fn text(&self) -> String {
        let mut parts: Vec<&str> = Vec::new();
        if let Some(m) = &self.message {
            parts.push(m);
        }
        for detail in &self.details {
            let bare = detail.split_once(": ").map_or(detail.as_str(), |(_, m)| m);
            if !parts.iter().any(|p| *p == detail.as_str() || *p == bare) {
                parts.push(detail);
            }
        }
        if parts.is_empty() {
            "(no message)".to_owned()
        } else {
            parts.join("; ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(t: &str) -> String {
        drydock_core::text::escape_control(t).into_owned()
    }

    #[test]
    fn a_status_document_gives_its_message_type_and_details() {
        let body = b"apiVersion: v1.0\ncode: 400 Bad Request\ndetails:\n  errorCount: 2\n  errorType: InvalidDocumentFormat\n  messageList:\n  - error: true\n    message: \"bad \\e[2J field\"\n    name: D002\n  - error: true\n    message: other\nkind: Status\nmessage: Validation failed\nreason: Validation\nretry: false\nstatus: Failure\n";
        let said = read(body, &plain);
        assert_eq!(said.message.as_deref(), Some("Validation failed"));
        assert_eq!(said.error_type.as_deref(), Some("InvalidDocumentFormat"));
        assert_eq!(said.details, ["D002: bad \\x1b[2J field", "other"]);
        assert!(said.text().contains("Validation failed; D002"));
        assert_eq!(said.retry, Some(false));
        let twice = b"kind: Status\nmessage: Revision 9 not found\ndetails:\n  messageList:\n  - message: Revision 9 not found\n";
        assert_eq!(read(twice, &plain).text(), "Revision 9 not found");
    }

    #[test]
    fn middleware_json_and_garbage_are_read_too() {
        let said = read(br#"{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}"#, &plain);
        assert!(
            said.message
                .unwrap()
                .starts_with("The request you have made")
        );
        let said = read(b"<html>\n<body>oops</body>", &plain);
        assert!(said.message.unwrap().contains("<html>\\n"));
        let long = "x".repeat(10_000);
        assert!(read(long.as_bytes(), &plain).text().len() < 400);
    }
}
