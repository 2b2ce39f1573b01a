//! [`Batch`]: the outcomes of one batch of documents (about 64 KiB of
//! input), their messages bounded as a report bounds them, so that a
//! stream of documents each with a message never holds more than the
//! report will.

use drydock_core::report::Message;
use drydock_core::report::bound::{Admit, MessageBound, mark_summary};

use super::build::Outcome;

/// Outcomes in input order; of each kind of message (code and level), the
/// first [`drydock_core::report::MAX_MESSAGES_PER_KIND`] of the batch are
/// kept and the rest counted into a summary where the first was left out.
/// The [`super::build::Assembler`] bounds the whole report the same way,
/// merging the batches' summaries into its own: what it reports does not
/// depend on how the input was cut into batches.
#[derive(Debug, Default)]
pub struct Batch {
    outcomes: Vec<Outcome>,
    /// Locations: (outcome, message) indices.
    bound: MessageBound<(usize, usize)>,
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Self {
        Batch::default()
    }

    /// Adds the outcome of the next document.
    pub fn add(&mut self, mut outcome: Outcome) {
        let doc = self.outcomes.len();
        if let Some(messages) = outcome.messages_mut() {
            let bound = &mut self.bound;
            let mut at = 0;
            messages.retain_mut(|m| {
                let keep = match bound.admit(m) {
                    Admit::Keep => true,
                    Admit::Summary => {
                        bound.summary_at(m, (doc, at));
                        mark_summary(m);
                        true
                    }
                    Admit::Omit => false,
                };
                at += usize::from(keep);
                keep
            });
            if messages.is_empty() {
                *messages = Vec::new();
            }
        }
        self.outcomes.push(outcome);
    }

    /// The outcomes, each summary holding the count of its kind in the batch.
    pub fn finish(mut self) -> Vec<Outcome> {
        let counts: Vec<((usize, usize), u64)> = self
            .bound
            .summaries()
            .map(|(at, _, _, omitted)| (at, omitted))
            .collect();
        for ((doc, at), omitted) in counts {
            if let Some(m) = self.outcomes[doc]
                .messages_mut()
                .and_then(|messages| messages.get_mut(at))
            {
                m.omitted = Some(omitted);
            }
        }
        self.outcomes
    }
}

impl Outcome {
    /// The messages of an item or an invalid document.
    pub fn messages_mut(&mut self) -> Option<&mut Vec<Message>> {
        match self {
            Outcome::Item(_, messages) | Outcome::Invalid(messages) => Some(messages),
            Outcome::Skipped(_) | Outcome::Empty => None,
        }
    }
}
