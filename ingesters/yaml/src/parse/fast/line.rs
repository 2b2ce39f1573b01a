//! One line of block YAML: what it holds (a sequence entry, a key, other)
//! and its one-line scalars, read without allocating unless escaped.

use std::borrow::Cow;

use saphyr_parser::ScalarStyle;

/// What a line's content is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Line {
    /// `-` followed by a space or the line's end.
    Dash,
    /// A key: the offset of its `:`.
    Key(usize),
    /// Anything else.
    Other,
}

/// The first offset from `from` (up to `eol`) that is not a space.
pub(super) fn skip_spaces(bytes: &[u8], from: usize, eol: usize) -> usize {
    from + bytes[from..eol].iter().take_while(|b| **b == b' ').count()
}

/// Whether the line holds nothing from `at` on (its end, or a comment:
/// `at` follows a blank or starts the line).
pub(super) fn nothing_at(bytes: &[u8], at: usize, eol: usize) -> bool {
    at == eol || bytes[at] == b'#'
}

/// What the content starting at `at` is.
pub(super) fn classify(text: &str, at: usize, eol: usize) -> Line {
    let b = text.as_bytes();
    match b[at] {
        b'-' if at + 1 == eol || b[at + 1] == b' ' => return Line::Dash,
        b'\'' | b'"' => {
            return match quoted(text, at, eol) {
                Some((_, _, end)) => {
                    let colon = skip_spaces(b, end, eol);
                    if colon < eol && b[colon] == b':' && (colon + 1 == eol || b[colon + 1] == b' ')
                    {
                        Line::Key(colon)
                    } else {
                        Line::Other
                    }
                }
                None => Line::Other,
            };
        }
        c if !plain_start(c) => return Line::Other,
        _ => {}
    }
    for i in at + 1..eol {
        match b[i] {
            b':' if i + 1 == eol || b[i + 1] == b' ' => return Line::Key(i),
            b'#' if b[i - 1] == b' ' => return Line::Other,
            _ => {}
        }
    }
    Line::Other
}

/// Whether only blanks, or blanks and a comment, stand from `at` to `eol`.
pub(super) fn blank_after(bytes: &[u8], at: usize, eol: usize) -> bool {
    let rest = &bytes[at.min(eol)..eol];
    let blanks = rest.iter().take_while(|b| **b == b' ').count();
    blanks == rest.len() || (blanks > 0 && rest[blanks] == b'#')
}

/// A quoted scalar that starts at `at` and closes on the same line: its
/// text, style and the offset after the closing quote.
pub(super) fn quoted(
    text: &str,
    at: usize,
    eol: usize,
) -> Option<(Cow<'_, str>, ScalarStyle, usize)> {
    let b = text.as_bytes();
    let quote = b[at];
    let mut owned: Option<String> = None;
    let mut run = at + 1;
    let mut i = at + 1;
    while i < eol {
        let c = b[i];
        let escaped = match (quote, c) {
            (b'\'', b'\'') if b.get(i + 1) == Some(&b'\'') => '\'',
            (b'"', b'\\') => match b.get(i + 1) {
                Some(b'"') => '"',
                Some(b'\\') => '\\',
                Some(b'/') => '/',
                Some(b'n') => '\n',
                Some(b't') => '\t',
                _ => return None,
            },
            (q, c) if q == c => {
                let text = match owned {
                    Some(mut s) => {
                        s.push_str(&text[run..i]);
                        Cow::Owned(s)
                    }
                    None => Cow::Borrowed(&text[at + 1..i]),
                };
                let style = if quote == b'"' {
                    ScalarStyle::DoubleQuoted
                } else {
                    ScalarStyle::SingleQuoted
                };
                return Some((text, style, i + 1));
            }
            _ => {
                i += 1;
                continue;
            }
        };
        let s = owned.get_or_insert_with(String::new);
        s.push_str(&text[run..i]);
        s.push(escaped);
        i += 2;
        run = i;
    }
    None
}

/// Whether `c` may start a plain scalar here (indicators may not; `-`
/// followed by a blank was taken as a sequence entry before).
pub(super) fn plain_start(c: u8) -> bool {
    !matches!(
        c,
        b'?' | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
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

/// Where a one-line plain value that starts at `at` ends (before a
/// comment), or `None` if a `: ` in it would make it a key.
pub(super) fn plain_end(b: &[u8], at: usize, eol: usize) -> Option<usize> {
    for i in at + 1..eol {
        match b[i] {
            b':' if i + 1 == eol || b[i + 1] == b' ' => return None,
            b'#' if b[i - 1] == b' ' => return Some(i),
            _ => {}
        }
    }
    Some(eol)
}
