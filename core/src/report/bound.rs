//! Reports stay bounded by the input: of the messages of one kind (one
//! code at one level) a report keeps the first [`MAX_MESSAGES_PER_KIND`]
//! verbatim; the rest are counted into one summary message of that kind,
//! placed where the first one was left out, that says how many.
//!
//! A design of a million duplicate keys (a warning each) is reported as
//! the first 100 warnings and one "999,900 more warnings" summary; its
//! `omitted` member (JSON) holds the count, and the report's error and
//! warning counts ([`super::ValidationReport::count`]) include it.
//!
//! Bounding happens where messages are made (the parser, each document
//! batch, each design rule) and again where they are gathered; a summary
//! made early is merged into the later one of its kind, so the report is
//! the same whatever the batches were.

use std::collections::HashMap;

use super::{Level, Message};
use crate::text::Text;

/// The most messages of one kind (code and level) a report keeps verbatim.
pub const MAX_MESSAGES_PER_KIND: usize = 100;

/// What to do with a message offered to a [`MessageBound`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admit {
    /// Keep it as it is.
    Keep,
    /// Keep it where it stands, as the summary of its kind (see
    /// [`mark_summary`]), and tell the bound where with [`MessageBound::summary_at`].
    Summary,
    /// Leave it out: it is counted into its kind's summary.
    Omit,
}

/// Per kind: how many kept, how many left out, where the summary stands.
#[derive(Clone, Debug)]
struct KindCount<L> {
    kept: usize,
    omitted: u64,
    summary: Option<L>,
}

/// Which messages to keep, for messages kept at locations of type `L` (an
/// index into a list, or a document's and a message's index).
#[derive(Clone, Debug)]
pub struct MessageBound<L> {
    max: usize,
    kinds: HashMap<(Text, Level), KindCount<L>>,
}

impl<L: Copy> Default for MessageBound<L> {
    fn default() -> Self {
        MessageBound::new(MAX_MESSAGES_PER_KIND)
    }
}

impl<L: Copy> MessageBound<L> {
    /// A bound keeping `max` messages of each kind.
    pub fn new(max: usize) -> Self {
        MessageBound {
            max,
            kinds: HashMap::new(),
        }
    }

    /// Decides about `m` (a summary made earlier counts as the messages it
    /// stands for) and counts it.
    pub fn admit(&mut self, m: &Message) -> Admit {
        let kind = self
            .kinds
            .entry((m.code.clone(), m.level))
            .or_insert(KindCount {
                kept: 0,
                omitted: 0,
                summary: None,
            });
        match m.omitted {
            None if kind.kept < self.max => {
                kind.kept += 1;
                Admit::Keep
            }
            n => {
                kind.omitted += n.unwrap_or(1);
                match kind.summary {
                    Some(_) => Admit::Omit,
                    None => Admit::Summary,
                }
            }
        }
    }

    /// Records where the summary of `m`'s kind stands (after [`Admit::Summary`]).
    pub fn summary_at(&mut self, m: &Message, at: L) {
        if let Some(kind) = self.kinds.get_mut(&(m.code.clone(), m.level)) {
            kind.summary = Some(at);
        }
    }

    /// Each summary's location and the count it stands for.
    pub fn summaries(&self) -> impl Iterator<Item = (L, &Text, Level, u64)> + '_ {
        self.kinds
            .iter()
            .filter_map(|((code, level), k)| k.summary.map(|at| (at, code, *level, k.omitted)))
    }
}

impl MessageBound<usize> {
    /// Pushes `m` onto `messages` (whose indices are this bound's
    /// locations) if it is kept or becomes its kind's summary.
    pub fn push(&mut self, messages: &mut Vec<Message>, m: Message) {
        match self.admit(&m) {
            Admit::Keep => crate::lean::push_lean(messages, m),
            Admit::Summary => {
                self.summary_at(&m, messages.len());
                let mut m = m;
                mark_summary(&mut m);
                crate::lean::push_lean(messages, m);
            }
            Admit::Omit => {}
        }
    }

    /// Writes each summary's count and text into `messages`.
    pub fn finish(&self, messages: &mut [Message]) {
        for (at, _, _, omitted) in self.summaries() {
            if let Some(m) = messages.get_mut(at) {
                set_count(m, omitted, self.max);
            }
        }
    }
}

/// Makes `m` the summary of its kind (what it says is replaced when the
/// count is set, by [`set_count`]).
pub fn mark_summary(m: &mut Message) {
    m.omitted = Some(m.omitted.unwrap_or(1));
}

/// Makes `m` the summary of `omitted` messages of its kind, `max` being kept.
pub fn set_count(m: &mut Message, omitted: u64, max: usize) {
    let what = match (m.level, omitted) {
        (Level::Error, 1) => "error",
        (Level::Error, _) => "errors",
        (Level::Warning, 1) => "warning",
        (Level::Warning, _) => "warnings",
        (Level::Info, 1) => "note",
        (Level::Info, _) => "notes",
    };
    m.message = format!(
        "{omitted} more {what} with code {} left out: a report lists the first {max} of each code and level",
        m.code
    );
    m.diagnostic = Some(
        "They are likely the same mistake as those listed: fix those and validate again to see the rest."
            .to_owned(),
    );
    m.omitted = Some(omitted);
    m.path = None;
    m.location = None;
    m.documents.clear();
    m.origin = None;
}

/// A summary of `omitted` messages of `code` at `level`, made where the
/// messages are (the parser): merged later into the report's summary.
pub fn summary(code: &str, level: Level, omitted: u64) -> Message {
    let mut m = Message::new(code, level, String::new());
    set_count(&mut m, omitted, MAX_MESSAGES_PER_KIND);
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warning(i: usize) -> Message {
        Message::new("DD000", Level::Warning, format!("w{i}"))
    }

    #[test]
    fn the_first_of_a_kind_are_kept_and_the_rest_counted_where_the_first_was_left_out() {
        let mut bound = MessageBound::<usize>::new(3);
        let mut messages = Vec::new();
        for i in 0..10 {
            bound.push(&mut messages, warning(i));
            if i == 4 {
                bound.push(&mut messages, Message::error("DD000", "an error"));
            }
        }
        bound.finish(&mut messages);
        let texts: Vec<&str> = messages.iter().map(|m| m.message.as_str()).collect();
        assert_eq!(&texts[..3], ["w0", "w1", "w2"]);
        assert!(texts[3].starts_with("7 more warnings with code DD000 left out"));
        assert_eq!(texts[4], "an error");
        assert_eq!(messages[3].omitted, Some(7));
        assert_eq!(messages.len(), 5);
    }

    #[test]
    fn an_earlier_summary_counts_as_the_messages_it_stands_for() {
        let mut bound = MessageBound::<usize>::new(3);
        let mut messages = Vec::new();
        for i in 0..3 {
            bound.push(&mut messages, warning(i));
        }
        bound.push(&mut messages, summary("DD000", Level::Warning, 40));
        bound.push(&mut messages, warning(99));
        bound.push(&mut messages, summary("DD000", Level::Warning, 2));
        bound.finish(&mut messages);
        assert_eq!(messages.len(), 4);
        assert_eq!(messages[3].omitted, Some(43));
    }
}
