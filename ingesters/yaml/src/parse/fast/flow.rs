//! One-line flow collections of scalars for the fast path: `[a, 'b', 1]`
//! and `{k: v, 'q': "w"}`. Nested collections, flow scalars with `:` or
//! `#` in them, empty entries and collections that go on to another line
//! are left to the full parser.

use std::borrow::Cow;

use saphyr_parser::{Event, ScalarStyle, Span};

use super::Fast;
use super::line::{quoted, skip_spaces};

impl<'t, F> Fast<'t, F>
where
    F: FnMut(Event<'t>, Span) -> bool,
{
    /// The flow collection that opens at `at` (`[` or `{`) and closes before
    /// `eol`: its events; the offset after its closing bracket. Out of line:
    /// rare in designs, it should not weigh on the hot path's inlining.
    #[inline(never)]
    pub(super) fn flow(&mut self, at: usize, eol: usize) -> Option<usize> {
        let map = self.bytes[at] == b'{';
        let (start, end, close) = if map {
            (Event::MappingStart(0, None), Event::MappingEnd, b'}')
        } else {
            (Event::SequenceStart(0, None), Event::SequenceEnd, b']')
        };
        let mark = self.mark(at);
        self.send(start, mark)?;
        let mut i = skip_spaces(self.bytes, at + 1, eol);
        if self.bytes.get(i) != Some(&close) {
            loop {
                i = self.flow_scalar(i, eol)?;
                if map {
                    // `: ` and the value; a key alone is left.
                    if self.bytes.get(i) != Some(&b':') || self.bytes.get(i + 1) != Some(&b' ') {
                        return None;
                    }
                    let value = skip_spaces(self.bytes, i + 1, eol);
                    i = self.flow_scalar(value, eol)?;
                }
                match self.bytes.get(i) {
                    Some(b',') => i = skip_spaces(self.bytes, i + 1, eol),
                    Some(&c) if c == close => break,
                    _ => return None,
                }
            }
        }
        if i >= eol {
            return None;
        }
        let close_mark = self.mark(i);
        self.send(end, close_mark)?;
        Some(i + 1)
    }

    /// A scalar in a flow collection starting at `at`: its event; the offset
    /// of what follows it (spaces skipped).
    fn flow_scalar(&mut self, at: usize, eol: usize) -> Option<usize> {
        let b = self.bytes;
        if at >= eol {
            return None;
        }
        let mark = self.mark(at);
        let (text, style, end) = match b[at] {
            b'\'' | b'"' => quoted(self.text, at, eol)?,
            b'-' if matches!(b.get(at + 1), Some(b' ' | b',' | b']' | b'}')) => return None,
            c if !flow_plain(c) => return None,
            _ => {
                let len = b[at..eol].iter().take_while(|&&c| flow_plain(c)).count();
                let text = self.text[at..at + len].trim_end_matches(' ');
                (Cow::Borrowed(text), ScalarStyle::Plain, at + len)
            }
        };
        self.send(Event::Scalar(text, style, 0, None), mark)?;
        Some(skip_spaces(b, end, eol))
    }
}

/// Whether `c` may stand in a plain scalar of a flow collection as read
/// here: not an indicator, not `:` or `#` (whose meaning depends on what
/// surrounds them).
fn flow_plain(c: u8) -> bool {
    !matches!(
        c,
        b',' | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b':'
            | b'?'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}
