//! [`Findings`]: where a rule reports its messages, each naming its
//! documents and, when it can, the field path of the offending value.

use std::fmt;

use drydock_core::design::DocumentSource;
use drydock_core::report::bound::MessageBound;
use drydock_core::report::{DocumentRef, Level, Message, RuleOutcome};

/// The first key of a document's body: `data` (Deckhand) or `spec` (legacy YAML).
pub(crate) fn body_key(doc: &DocumentSource) -> &'static str {
    if doc.format == "yaml" { "spec" } else { "data" }
}

/// The reference a message gives for `doc`.
pub(crate) fn document_ref(doc: &DocumentSource) -> DocumentRef {
    DocumentRef {
        schema: doc.schema.clone(),
        name: doc.name.clone(),
    }
}

/// The messages one rule reports; every text is prefixed with the rule's
/// long name. Of each level the first
/// [`drydock_core::report::MAX_MESSAGES_PER_KIND`] are kept, the rest
/// counted into one summary (see [`drydock_core::report::bound`]).
#[derive(Debug)]
pub struct Findings {
    code: &'static str,
    name: &'static str,
    messages: Vec<Message>,
    bound: MessageBound<usize>,
    errors: usize,
    not_run: bool,
}

impl Findings {
    /// Findings of the rule `code` / `name`.
    pub fn new(code: &'static str, name: &'static str) -> Self {
        Findings {
            code,
            name,
            messages: Vec::new(),
            bound: MessageBound::default(),
            errors: 0,
            not_run: false,
        }
    }

    /// An error: the design is invalid.
    pub fn error(&mut self, text: impl fmt::Display) -> Finding<'_> {
        self.start(Level::Error, text)
    }

    /// A warning: suspicious, accepted.
    pub fn warning(&mut self, text: impl fmt::Display) -> Finding<'_> {
        self.start(Level::Warning, text)
    }

    /// A note.
    pub fn info(&mut self, text: impl fmt::Display) -> Finding<'_> {
        self.start(Level::Info, text)
    }

    /// Records that the rule could not check the design, and why (an info message).
    pub fn not_run(&mut self, reason: impl fmt::Display) {
        self.not_run = true;
        self.info(format_args!("rule not run: {reason}")).report();
    }

    /// Errors reported so far.
    pub fn error_count(&self) -> usize {
        self.errors
    }

    /// The messages kept so far.
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    /// The messages and the outcome; adds `<long name>: Validation successful.`
    /// when no error was reported, as the original does, unless the rule
    /// did not run (it then validated nothing).
    pub fn finish(mut self) -> (Vec<Message>, RuleOutcome) {
        let outcome = match (self.errors, self.not_run) {
            (0, true) => RuleOutcome::NotRun,
            (0, false) => RuleOutcome::Passed,
            _ => RuleOutcome::Failed,
        };
        if self.errors == 0 && !self.not_run {
            self.info("Validation successful.").report();
        }
        self.bound.finish(&mut self.messages);
        self.messages.shrink_to_fit();
        (self.messages, outcome)
    }

    fn start(&mut self, level: Level, text: impl fmt::Display) -> Finding<'_> {
        let message = Message::new(self.code, level, format!("{}: {text}", self.name));
        Finding {
            findings: self,
            message,
            at: None,
        }
    }
}

/// One message being built; nothing is reported until [`Finding::report`].
#[must_use = "a finding is reported by calling .report()"]
#[derive(Debug)]
pub struct Finding<'f> {
    findings: &'f mut Findings,
    message: Message,
    at: Option<DocumentRef>,
}

impl Finding<'_> {
    /// How to fix it.
    pub fn diagnostic(mut self, text: impl Into<String>) -> Self {
        self.message.diagnostic = Some(text.into());
        self
    }

    /// Adds a document the message is about.
    pub fn document(mut self, doc: &DocumentSource) -> Self {
        // Most messages name one document: no room for four.
        self.message.documents.reserve_exact(1);
        self.message.documents.push(document_ref(doc));
        self
    }

    /// The offending value: `path` inside `doc`. When `doc` is not the first
    /// document of the message (an inherited value), it becomes the origin.
    pub fn at(mut self, doc: &DocumentSource, path: impl fmt::Display) -> Self {
        self.message.path = Some(compact_str::ToCompactString::to_compact_string(&path));
        self.at = Some(document_ref(doc));
        self
    }

    /// Reports the message.
    pub fn report(mut self) {
        if let Some(at) = self.at.take()
            && self.message.documents.first() != Some(&at)
        {
            self.message.origin = Some(at);
        }
        if self.message.level == Level::Error {
            self.findings.errors += 1;
        }
        let findings = &mut *self.findings;
        findings.bound.push(&mut findings.messages, self.message);
    }
}

#[cfg(test)]
mod tests {
    use super::Findings;
    use drydock_core::report::{Level, MAX_MESSAGES_PER_KIND, RuleOutcome};

    #[test]
    fn a_rule_keeps_the_first_of_each_level_and_one_summary_of_the_rest() {
        let mut f = Findings::new("DD9999", "Test Rule");
        for i in 0..MAX_MESSAGES_PER_KIND + 40 {
            f.warning(format_args!("warning {i}")).report();
            f.error(format_args!("error {i}")).report();
        }
        assert_eq!(f.error_count(), MAX_MESSAGES_PER_KIND + 40, "all counted");
        let (messages, outcome) = f.finish();
        assert_eq!(outcome, RuleOutcome::Failed);
        for level in [Level::Warning, Level::Error] {
            let of: Vec<_> = messages.iter().filter(|m| m.level == level).collect();
            assert_eq!(of.len(), MAX_MESSAGES_PER_KIND + 1);
            assert!(
                of[..MAX_MESSAGES_PER_KIND]
                    .iter()
                    .all(|m| m.omitted.is_none())
            );
            let summary = of[MAX_MESSAGES_PER_KIND];
            assert_eq!(summary.omitted, Some(40));
            assert_eq!(summary.code, "DD9999");
            assert!(
                summary.message.starts_with("40 more "),
                "{}",
                summary.message
            );
        }
        // The summary stands where the first left out would have.
        assert_eq!(messages[2 * MAX_MESSAGES_PER_KIND].omitted, Some(40));
    }
}
