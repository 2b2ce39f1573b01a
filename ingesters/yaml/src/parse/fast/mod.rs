//! A fast path for the plain block YAML that site designs are written in.
//!
//! `saphyr-parser` reads a character at a time and allocates a `String` per
//! token; on a large site that is most of the time a user waits. Nearly every
//! document of a design is printable ASCII in block style: mappings and
//! sequences by indentation, one-line plain or quoted scalars, comments. This
//! module reads exactly that, a line at a time, and produces the events (and
//! positions) `saphyr-parser` gives for the same text, borrowing scalars from
//! the input; block scalars (literal and folded) and one-line flow
//! collections of scalars too. Anything else (nested flow collections,
//! multi-line flow or plain scalars, anchors, aliases, tags, tabs, non-ASCII
//! text, a second document, unusual escapes) makes it stop and say so: the caller then parses
//! the document with `saphyr-parser` from the start. It never reports a
//! syntax error itself, so every error message comes from one parser; its
//! tests compare its events with `saphyr-parser`'s on every fixture and on
//! generated documents.

use std::borrow::Cow;

use saphyr_parser::{Event, Marker, ScalarStyle, Span};

use line::{Line, blank_after, classify, nothing_at, plain_end, plain_start, quoted, skip_spaces};

mod block;
mod flow;
mod line;

/// Deepest nesting followed here; deeper input goes to the full parser,
/// whose depth limit then applies.
const MAX_DEPTH: usize = 64;

/// Longest key read here: YAML bounds implicit keys at 1,024 characters.
const MAX_KEY: usize = 1000;

/// Feeds the events of `text` (one piece of a stream) to `emit`, in order.
/// Returns false as soon as the text leaves the subset read here or `emit`
/// returns false; the caller then parses the text with the full parser.
pub(crate) fn parse<'t, F>(text: &'t str, emit: F) -> bool
where
    F: FnMut(Event<'t>, Span) -> bool,
{
    // In blocks without an early exit, so that the check is vectorised.
    let printable = text.as_bytes().chunks(256).all(|chunk| {
        chunk.iter().fold(true, |ok, &b| {
            ok & ((b == b'\n') | (0x20..0x7f).contains(&b))
        })
    });
    printable
        && Fast {
            text,
            bytes: text.as_bytes(),
            emit,
            line: 0,
            line_start: 0,
            pos: 0,
            stack: Vec::new(),
            pending: Pending::Nothing,
            scalar_owner: None,
            root_done: false,
        }
        .run()
        .is_some()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    Seq,
    /// A sequence at its parent mapping's indentation (`key:\n- a`).
    IndentlessSeq,
}

struct Frame {
    kind: Kind,
    indent: usize,
}

impl Frame {
    fn end<'t>(&self) -> Event<'t> {
        match self.kind {
            Kind::Map => Event::MappingEnd,
            Kind::Seq | Kind::IndentlessSeq => Event::SequenceEnd,
        }
    }
}

/// A node whose value starts on a later line, or is empty.
enum Pending {
    Nothing,
    /// `key:` at the end of a line: the mark of its `:`.
    Value {
        colon: Marker,
        indent: usize,
    },
    /// `-` at the end of a line.
    Item {
        dash: Marker,
        indent: usize,
    },
}

struct Fast<'t, F> {
    text: &'t str,
    bytes: &'t [u8],
    emit: F,
    /// The current line (1-based) and the offset it starts at.
    line: usize,
    line_start: usize,
    /// Where the next line starts.
    pos: usize,
    stack: Vec<Frame>,
    pending: Pending,
    /// The indentation of the collection whose one-line scalar ended the
    /// previous content line: a more indented line would continue it.
    scalar_owner: Option<usize>,
    root_done: bool,
}

impl<'t, F> Fast<'t, F>
where
    F: FnMut(Event<'t>, Span) -> bool,
{
    fn mark(&self, at: usize) -> Marker {
        Marker::new(at, self.line, at - self.line_start)
    }

    fn send(&mut self, event: Event<'t>, mark: Marker) -> Option<()> {
        (self.emit)(event, Span::empty(mark)).then_some(())
    }

    fn run(mut self) -> Option<()> {
        self.send(Event::StreamStart, Marker::new(0, 1, 0))?;
        let mut started = false;
        while self.pos < self.bytes.len() {
            let pos = self.pos;
            let eol =
                memchr::memchr(b'\n', &self.bytes[pos..]).map_or(self.bytes.len(), |i| pos + i);
            self.line += 1;
            self.line_start = pos;
            let at = skip_spaces(self.bytes, pos, eol);
            self.pos = eol + 1;
            if nothing_at(self.bytes, at, eol) {
                continue;
            }
            let rest = &self.bytes[at..eol];
            if at == self.line_start && matches!(rest.first(), Some(b'-' | b'.' | b'%')) {
                if rest.starts_with(b"---") && !started && blank_after(self.bytes, at + 3, eol) {
                    let mark = self.mark(at);
                    self.send(Event::DocumentStart(true), mark)?;
                    started = true;
                    continue;
                }
                if rest.starts_with(b"---") || rest.starts_with(b"...") || rest[0] == b'%' {
                    return None;
                }
            }
            if !started {
                let mark = self.mark(at);
                self.send(Event::DocumentStart(false), mark)?;
                started = true;
            }
            self.content(at, eol)?;
        }
        if !self.root_done {
            return None;
        }
        self.line += 1;
        self.line_start = self.bytes.len();
        let end = self.mark(self.bytes.len());
        self.settle_pending()?;
        while let Some(top) = self.stack.pop() {
            self.send(top.end(), end)?;
        }
        self.send(Event::DocumentEnd, end)?;
        self.send(Event::StreamEnd, end)
    }

    /// A content line at column `at - line_start`.
    fn content(&mut self, at: usize, eol: usize) -> Option<()> {
        let col = at - self.line_start;
        let line = classify(self.text, at, eol);
        if self.scalar_owner.take().is_some_and(|owner| col > owner) {
            return None;
        }
        match std::mem::replace(&mut self.pending, Pending::Nothing) {
            Pending::Value { indent, .. } if col > indent => {
                return self.open(at, eol, line, false);
            }
            Pending::Value { indent, .. } if col == indent && line == Line::Dash => {
                return self.open(at, eol, line, true);
            }
            Pending::Item { indent, .. } if col > indent => return self.open(at, eol, line, false),
            Pending::Nothing => {}
            settled => {
                self.pending = settled;
                self.settle_pending()?;
            }
        }
        while let Some(top) = self.stack.last() {
            let indentless_done =
                top.indent == col && top.kind == Kind::IndentlessSeq && line != Line::Dash;
            if top.indent <= col && !indentless_done {
                break;
            }
            let end = top.end();
            self.stack.pop();
            let mark = self.mark(at);
            self.send(end, mark)?;
        }
        match self.stack.last() {
            None if !self.root_done => {
                self.root_done = true;
                self.open(at, eol, line, false)
            }
            Some(top) if top.indent == col => match (top.kind, line) {
                (Kind::Map, Line::Key(colon)) => self.key_line(at, colon, eol),
                (Kind::Seq | Kind::IndentlessSeq, Line::Dash) => self.dash_line(at, eol),
                _ => None,
            },
            _ => None,
        }
    }

    /// Emits the empty scalar a `key:` or `-` with nothing under it has.
    fn settle_pending(&mut self) -> Option<()> {
        let mark = match std::mem::replace(&mut self.pending, Pending::Nothing) {
            Pending::Nothing => return Some(()),
            Pending::Value { colon, .. } => colon,
            Pending::Item { dash, .. } => dash,
        };
        self.send(empty_scalar(), mark)
    }

    /// Opens a collection whose first line starts at `at`.
    fn open(&mut self, at: usize, eol: usize, line: Line, indentless: bool) -> Option<()> {
        if self.stack.len() >= MAX_DEPTH {
            return None;
        }
        let indent = at - self.line_start;
        match line {
            Line::Dash => {
                let kind = if indentless {
                    // saphyr-parser marks such a sequence at its first
                    // item, or at the end of the line when that is empty.
                    let item = skip_spaces(self.bytes, at + 1, eol);
                    let empty = nothing_at(self.bytes, item, eol);
                    let mark = self.mark(if empty { eol } else { item });
                    self.send(Event::SequenceStart(0, None), mark)?;
                    Kind::IndentlessSeq
                } else {
                    let mark = self.mark(at);
                    self.send(Event::SequenceStart(0, None), mark)?;
                    Kind::Seq
                };
                self.stack.push(Frame { kind, indent });
                self.dash_line(at, eol)
            }
            Line::Key(colon) => {
                let mark = self.mark(at);
                self.send(Event::MappingStart(0, None), mark)?;
                self.stack.push(Frame {
                    kind: Kind::Map,
                    indent,
                });
                self.key_line(at, colon, eol)
            }
            Line::Other => None,
        }
    }

    /// `- …`: an item of the sequence on top of the stack.
    fn dash_line(&mut self, at: usize, eol: usize) -> Option<()> {
        let indent = at - self.line_start;
        let item = skip_spaces(self.bytes, at + 1, eol);
        if nothing_at(self.bytes, item, eol) {
            // saphyr-parser marks an empty item at the end of its line.
            self.pending = Pending::Item {
                dash: self.mark(eol),
                indent,
            };
            return Some(());
        }
        match classify(self.text, item, eol) {
            Line::Dash => None,
            line @ Line::Key(_) => self.open(item, eol, line, false),
            Line::Other => self.value(item, eol, indent),
        }
    }

    /// `key: …` in the mapping on top of the stack.
    fn key_line(&mut self, at: usize, colon: usize, eol: usize) -> Option<()> {
        let indent = at - self.line_start;
        let (key, style) = match self.bytes[at] {
            b'\'' | b'"' => {
                let (key, style, _) = quoted(self.text, at, eol)?;
                (key, style)
            }
            _ => (
                Cow::Borrowed(self.text[at..colon].trim_end_matches(' ')),
                ScalarStyle::Plain,
            ),
        };
        if colon - at > MAX_KEY {
            return None;
        }
        let mark = self.mark(at);
        self.send(Event::Scalar(key, style, 0, None), mark)?;
        let value = skip_spaces(self.bytes, colon + 1, eol);
        if nothing_at(self.bytes, value, eol) {
            self.pending = Pending::Value {
                colon: self.mark(colon),
                indent,
            };
            return Some(());
        }
        self.value(value, eol, indent)
    }

    /// A one-line value from `at` to the line's end, in a collection at
    /// column `owner`.
    fn value(&mut self, at: usize, eol: usize, owner: usize) -> Option<()> {
        let b = self.bytes;
        let mark = self.mark(at);
        let end = match b[at] {
            b'\'' | b'"' => {
                let (text, style, end) = quoted(self.text, at, eol)?;
                self.send(Event::Scalar(text, style, 0, None), mark)?;
                end
            }
            b'[' | b'{' => self.flow(at, eol)?,
            header @ (b'|' | b'>') => {
                let folded = header == b'>';
                let block = block::block(b, self.text, at, eol, owner, folded)?;
                let mark = Marker::new(block.first, self.line + 1, block.indent);
                let text = Cow::Owned(block.text);
                let style = if folded {
                    ScalarStyle::Folded
                } else {
                    ScalarStyle::Literal
                };
                self.send(Event::Scalar(text, style, 0, None), mark)?;
                self.line += block.lines;
                self.pos = block.next;
                self.scalar_owner = Some(owner);
                return Some(());
            }
            c if !plain_start(c) => return None,
            b'-' if at + 1 == eol || b[at + 1] == b' ' => return None,
            _ => {
                let end = plain_end(b, at, eol)?;
                let text = self.text[at..end].trim_end_matches(' ');
                self.send(
                    Event::Scalar(Cow::Borrowed(text), ScalarStyle::Plain, 0, None),
                    mark,
                )?;
                eol
            }
        };
        if !blank_after(self.bytes, end, eol) {
            return None;
        }
        self.scalar_owner = Some(owner);
        Some(())
    }
}

fn empty_scalar<'t>() -> Event<'t> {
    Event::Scalar(Cow::Borrowed(""), ScalarStyle::Plain, 0, None)
}

#[cfg(test)]
mod generate;
#[cfg(test)]
mod tests;
