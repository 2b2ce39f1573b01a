//! Literal block scalars (`|`, `|-`, `|+`) for the fast path: a boot
//! action's script. Anything unusual (folded `>`, an indentation indicator,
//! leading or over-indented empty lines, a last line without a line break)
//! is left to the full parser.

use super::line::{blank_after, skip_spaces};

/// A literal block scalar read: its text, where its first line starts, how
/// many lines it took after its header and where the next line starts.
pub(super) struct Literal {
    pub text: String,
    /// Offset and column of its first character (on the line after the header).
    pub first: usize,
    pub indent: usize,
    pub lines: usize,
    pub next: usize,
}

enum Chomp {
    Clip,
    Strip,
    Keep,
}

/// The literal block scalar whose header `|` is at `at` (its line ends at
/// `eol`), inside a collection at column `owner`.
pub(super) fn literal(
    bytes: &[u8],
    text: &str,
    at: usize,
    eol: usize,
    owner: usize,
) -> Option<Literal> {
    let (chomp, after) = match bytes.get(at + 1) {
        Some(b'-') => (Chomp::Strip, at + 2),
        Some(b'+') => (Chomp::Keep, at + 2),
        _ => (Chomp::Clip, at + 1),
    };
    if !blank_after(bytes, after, eol) || eol >= bytes.len() {
        return None;
    }
    let first_line = eol + 1;
    let mut pos = first_line;
    let mut indent = None;
    let mut value = String::new();
    let mut empty = 0usize;
    let mut lines = 0usize;
    while pos < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map(|i| pos + i)?;
        let spaces = skip_spaces(bytes, pos, end) - pos;
        let blank = pos + spaces == end;
        let n = match indent {
            None if blank || spaces <= owner => return None,
            None => *indent.insert(spaces),
            Some(n) if blank && spaces > n => return None,
            Some(_) if blank => {
                empty += 1;
                lines += 1;
                pos = end + 1;
                continue;
            }
            Some(n) if spaces < n => break,
            Some(n) => n,
        };
        for _ in 0..empty {
            value.push('\n');
        }
        empty = 0;
        value.push_str(&text[pos + n..end]);
        value.push('\n');
        lines += 1;
        pos = end + 1;
    }
    let indent = indent?;
    match chomp {
        Chomp::Clip => {}
        Chomp::Strip => {
            value.pop();
        }
        Chomp::Keep => value.extend(std::iter::repeat_n('\n', empty)),
    }
    Some(Literal {
        text: value,
        first: first_line + indent,
        indent,
        lines,
        next: pos,
    })
}
