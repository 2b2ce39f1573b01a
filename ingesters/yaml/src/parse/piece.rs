//! Loading one piece of a stream (a document, as [`super::split`] cuts
//! them): by the fast path when the piece is plain block YAML that loads
//! without error, else by `saphyr-parser` from the start, so that every
//! error and its position come from one parser.

use saphyr_parser::Parser;

use super::loader::Loader;
use super::{Budget, Limits, LoadError, LoadedDoc, fast};

/// The documents of a piece, each loaded or not.
pub type Docs = Vec<Result<LoadedDoc, LoadError>>;

/// Loads every document of one piece of text that starts at line `first_line`,
/// drawing its nodes from the stream's `budget`: by the fast path when the
/// piece is plain block YAML and loads without error, else by `saphyr-parser`
/// from the start (so every error and its position come from one parser).
pub fn load(text: &str, first_line: u32, limits: &Limits, budget: &Budget) -> Docs {
    let mut l = Loader::new(text, first_line, limits, budget);
    let mut out = Vec::new();
    if fast::parse(text, |ev, span| l.take(ev, span, &mut out)) {
        budget.spend(l.pending);
        return out;
    }
    budget.refund(l.drawn - l.pending);
    load_fully(text, first_line, limits, budget)
}

/// [`load`] by `saphyr-parser` alone.
pub(super) fn load_fully(text: &str, first_line: u32, limits: &Limits, budget: &Budget) -> Docs {
    let mut l = Loader::new(text, first_line, limits, budget);
    let mut out = Vec::new();
    let mut parser = Parser::new_from_str(text);
    for ev in &mut parser {
        let (ev, span) = match ev {
            Ok(x) => x,
            Err(e) => {
                let m = e.marker();
                let mark = l.mark_at(m.line(), m.col());
                out.push(Err(LoadError {
                    message: format!("YAML syntax error: {}", e.info()),
                    mark,
                }));
                return out;
            }
        };
        if !l.take(ev, span, &mut out) {
            return out;
        }
    }
    budget.spend(l.pending);
    out
}
