//! What changed between two validation reports.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use drydock_core::report::{DocumentRef, Level, Message, Status, ValidationReport};
use drydock_core::text::escape_control;

/// A value before and after.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct BeforeAfter<T> {
    /// The old report's value.
    pub before: T,
    /// The new report's value.
    pub after: T,
}

impl<T: PartialEq> BeforeAfter<T> {
    /// True when the value changed.
    pub fn changed(&self) -> bool {
        self.before != self.after
    }
}

/// The differences between two validation reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReportDiff {
    /// The status before and after.
    pub status: BeforeAfter<Status>,
    /// Error-level messages before and after.
    pub errors: BeforeAfter<usize>,
    /// Warning-level messages before and after.
    pub warnings: BeforeAfter<usize>,
    /// Messages of the new report that the old one lacks, in the new report's order.
    pub appeared: Vec<Message>,
    /// Messages of the old report that the new one lacks, in the old report's order.
    pub disappeared: Vec<Message>,
}

impl ReportDiff {
    /// True when the status is the same and no message appeared or disappeared.
    pub fn is_empty(&self) -> bool {
        !self.status.changed() && self.appeared.is_empty() && self.disappeared.is_empty()
    }
}

/// The differences from `old` to `new`. Messages are the same when their
/// code, text and documents (in any order) are; a message reported twice
/// before and once after has disappeared once.
pub fn diff_reports(old: &ValidationReport, new: &ValidationReport) -> ReportDiff {
    ReportDiff {
        status: BeforeAfter {
            before: old.status,
            after: new.status,
        },
        errors: BeforeAfter {
            before: old.error_count(),
            after: new.error_count(),
        },
        warnings: BeforeAfter {
            before: count(old, Level::Warning),
            after: count(new, Level::Warning),
        },
        appeared: unmatched(&new.messages, &old.messages),
        disappeared: unmatched(&old.messages, &new.messages),
    }
}

fn count(report: &ValidationReport, level: Level) -> usize {
    report.count(level)
}

/// What makes two messages the same one.
type Identity<'a> = (&'a str, &'a str, Vec<&'a DocumentRef>);

fn identity(message: &Message) -> Identity<'_> {
    let mut documents: Vec<&DocumentRef> = message.documents.iter().collect();
    documents.sort();
    (&message.code, &message.message, documents)
}

/// The messages of `these` left over once each is matched with one of `others`.
fn unmatched(these: &[Message], others: &[Message]) -> Vec<Message> {
    let mut available: BTreeMap<Identity<'_>, usize> = BTreeMap::new();
    for message in others {
        *available.entry(identity(message)).or_default() += 1;
    }
    these
        .iter()
        .filter(|message| match available.get_mut(&identity(message)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .cloned()
        .collect()
}

/// A first line `validation success → failure (0 → 2 errors, 1 → 0
/// warnings)` (the status once when it did not change; warnings only when
/// there were some), then `+ level code (documents): message` for each
/// message that appeared and `- …` for each that disappeared.
impl fmt::Display for ReportDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("validation ")?;
        if self.status.changed() {
            write!(f, "{} → ", status_word(self.status.before))?;
        }
        write!(
            f,
            "{} ({} → {} errors",
            status_word(self.status.after),
            self.errors.before,
            self.errors.after
        )?;
        if self.warnings.before + self.warnings.after > 0 {
            write!(
                f,
                ", {} → {} warnings",
                self.warnings.before, self.warnings.after
            )?;
        }
        writeln!(f, ")")?;
        for message in &self.appeared {
            writeln!(f, "+ {}", MessageLine(message))?;
        }
        for message in &self.disappeared {
            writeln!(f, "- {}", MessageLine(message))?;
        }
        Ok(())
    }
}

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Success => "success",
        Status::Failure => "failure",
    }
}

/// `error DD001 (drydock/Network/v1 oob): text`, escaped.
struct MessageLine<'a>(&'a Message);

impl fmt::Display for MessageLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.0;
        let level = match m.level {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        };
        write!(f, "{level} {}", escape_control(&m.code))?;
        if !m.documents.is_empty() {
            let documents: Vec<String> = m
                .documents
                .iter()
                .map(|d| format!("{} {}", escape_control(&d.schema), escape_control(&d.name)))
                .collect();
            write!(f, " ({})", documents.join(", "))?;
        }
        write!(f, ": {}", escape_control(&m.message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use drydock_core::report::SCHEMA_VIOLATION;
    use drydock_core::text::is_unsafe_char;

    fn report(messages: Vec<Message>) -> ValidationReport {
        let mut report = ValidationReport::default();
        for m in messages {
            report.push(m);
        }
        report
    }

    fn warning(text: &str) -> Message {
        Message {
            level: Level::Warning,
            ..Message::error(SCHEMA_VIOLATION, text)
        }
    }

    #[test]
    fn success_to_failure_names_the_new_errors() {
        let old = report(vec![warning("mtu is small")]);
        let new = report(vec![
            warning("mtu is small"),
            Message::error(SCHEMA_VIOLATION, "address missing").about("BaremetalNode", "n1"),
            Message::error("DD000", "unknown kind"),
        ]);
        let d = diff_reports(&old, &new);
        assert_eq!(
            (d.status.before, d.status.after),
            (Status::Success, Status::Failure)
        );
        assert_eq!((d.errors.before, d.errors.after), (0, 2));
        assert_eq!((d.warnings.before, d.warnings.after), (1, 1));
        assert!(d.disappeared.is_empty());
        assert!(!d.is_empty());
        assert_eq!(
            d.to_string(),
            "validation success → failure (0 → 2 errors, 1 → 1 warnings)\n\
             + error DD001 (BaremetalNode n1): address missing\n\
             + error DD000: unknown kind\n"
        );
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["status"]["before"], "success");
        assert_eq!(json["status"]["after"], "failure");
        assert_eq!(json["errors"]["after"], 2);
        assert_eq!(json["appeared"][0]["documents"][0]["name"], "n1");
    }

    #[test]
    fn same_reports_differ_in_nothing() {
        let r = report(vec![
            Message::error(SCHEMA_VIOLATION, "bad").about("Network", "a"),
        ]);
        let d = diff_reports(&r, &r.clone());
        assert!(d.is_empty());
        assert_eq!(d.to_string(), "validation failure (1 → 1 errors)\n");
    }

    #[test]
    fn messages_match_by_code_text_and_documents_in_any_order() {
        let two_docs = Message::error(SCHEMA_VIOLATION, "clash")
            .about("Network", "a")
            .about("Network", "b");
        let swapped = Message::error(SCHEMA_VIOLATION, "clash")
            .about("Network", "b")
            .about("Network", "a")
            .at(9, 1)
            .with_path("data.cidr");
        let other_doc = Message::error(SCHEMA_VIOLATION, "clash").about("Network", "c");
        let other_code = Message::error("DD000", "clash")
            .about("Network", "a")
            .about("Network", "b");
        let d = diff_reports(
            &report(vec![two_docs.clone(), two_docs.clone()]),
            &report(vec![swapped, other_doc.clone(), other_code.clone()]),
        );
        assert_eq!(d.appeared, vec![other_doc, other_code]);
        // Reported twice before, once after: it disappeared once.
        assert_eq!(d.disappeared, vec![two_docs]);
        assert!(!d.status.changed());
        assert!(!d.is_empty());
    }

    #[test]
    fn failure_to_success_lists_what_was_fixed() {
        let old = report(vec![Message::error(SCHEMA_VIOLATION, "bad cidr")]);
        let d = diff_reports(&old, &ValidationReport::default());
        assert_eq!(
            d.to_string(),
            "validation failure → success (1 → 0 errors)\n- error DD001: bad cidr\n"
        );
    }

    #[test]
    fn hostile_messages_stay_on_their_line_and_exact_in_json() {
        let hostile = "bad\n+ error DD000: forged\x1b[2J\u{202e}";
        let new = report(vec![
            Message::error(SCHEMA_VIOLATION, hostile).about("Network\r", "n\x07"),
        ]);
        let d = diff_reports(&ValidationReport::default(), &new);
        let text = d.to_string();
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(
            !text.lines().any(|l| l.chars().any(is_unsafe_char)),
            "{text:?}"
        );
        assert!(
            text.contains("(Network\\r n\\x07): bad\\n+ error"),
            "{text}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
        assert_eq!(json["appeared"][0]["message"], hostile);
        assert_eq!(json["appeared"][0]["documents"][0]["schema"], "Network\r");
    }
}
