//! The human rendering of a [`DesignDiff`]: one change per line, every piece
//! of design text escaped for the terminal.

use std::fmt;

use serde_json::Value;

use super::{DesignDiff, FieldChange};
use drydock_core::text::escape_control;

/// Values longer than this many characters are cut, with an ellipsis.
const SHOWN_VALUE_CHARS: usize = 80;

/// How an absent value (a field added or removed) is shown.
const ABSENT: &str = "(absent)";

/// Lines, kind by kind: `+ Kind name` for each item added, `- Kind name` for
/// each item removed, then `Kind name: path old → new` for each changed
/// field. An empty diff writes nothing.
impl fmt::Display for DesignDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for kind in &self.kinds {
            for name in &kind.added {
                writeln!(f, "+ {} {}", kind.kind, escape_control(name))?;
            }
            for name in &kind.removed {
                writeln!(f, "- {} {}", kind.kind, escape_control(name))?;
            }
            for item in &kind.changed {
                let name = escape_control(&item.name);
                for field in &item.fields {
                    writeln!(f, "{} {name}: {field}", kind.kind)?;
                }
            }
        }
        Ok(())
    }
}

/// `path old → new`, with `(absent)` for a missing side.
impl fmt::Display for FieldChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} → {}",
            escape_control(&self.path.to_string()),
            shown(self.old.as_ref()),
            shown(self.new.as_ref())
        )
    }
}

/// A value for a terminal: a simple string as it is, anything else as
/// compact JSON; cut to [`SHOWN_VALUE_CHARS`] with `…`; control characters
/// escaped. A missing value is `(absent)`.
pub(super) fn shown(value: Option<&Value>) -> String {
    let Some(value) = value else {
        return ABSENT.to_owned();
    };
    let text = match value {
        Value::String(s) if is_simple(s) => s.clone(),
        other => other.to_string(),
    };
    escape_control(&truncated(&text)).into_owned()
}

/// True for a string that reads unambiguously without quotes: letters,
/// digits and a few punctuation marks of addresses, sizes and names, and
/// not the text of another JSON value (`42`, `true`, `null`).
fn is_simple(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || "._-:/@+=,%~#*!?&;^|<>'$".contains(c))
        && serde_json::from_str::<Value>(s).is_err()
}

fn truncated(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(SHOWN_VALUE_CHARS) {
        None => text.into(),
        Some((cut, _)) => format!("{}…", &text[..cut]).into(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn simple_strings_are_bare_and_the_rest_is_json() {
        assert_eq!(shown(Some(&json!("172.16.1.20"))), "172.16.1.20");
        assert_eq!(shown(Some(&json!("30g"))), "30g");
        assert_eq!(
            shown(Some(&json!("52:54:00:00:00:01"))),
            "52:54:00:00:00:01"
        );
        assert_eq!(shown(Some(&json!("two words"))), "\"two words\"");
        assert_eq!(shown(Some(&json!(""))), "\"\"");
        // Strings that would read as another type or as the absence marker are quoted.
        assert_eq!(shown(Some(&json!("42"))), "\"42\"");
        assert_eq!(shown(Some(&json!("true"))), "\"true\"");
        assert_eq!(shown(Some(&json!("(absent)"))), "\"(absent)\"");
        assert_eq!(shown(Some(&json!("a → b"))), "\"a → b\"");
        assert_eq!(shown(Some(&json!(42))), "42");
        assert_eq!(shown(Some(&json!(null))), "null");
        assert_eq!(
            shown(Some(&json!({"address": "dhcp", "network": "pxe"}))),
            r#"{"address":"dhcp","network":"pxe"}"#
        );
        assert_eq!(shown(None), "(absent)");
    }

    #[test]
    fn long_values_are_cut_with_an_ellipsis() {
        let long = "é".repeat(200);
        let out = shown(Some(&json!(long)));
        assert_eq!(out.chars().count(), SHOWN_VALUE_CHARS + 1);
        assert!(out.ends_with("é…"), "{out}");
        let list = json!((0..100).collect::<Vec<_>>());
        assert!(shown(Some(&list)).ends_with('…'));
    }

    #[test]
    fn control_characters_in_values_are_escaped() {
        // JSON escapes C0 controls itself; DEL, C1 and bidi overrides are escaped after.
        let out = shown(Some(&json!("a\x1b[2J\u{7f}\u{9b}\u{202e}b")));
        assert_eq!(out, r#""a\u001b[2J\x7f\u{9b}\u{202e}b""#);
    }
}
