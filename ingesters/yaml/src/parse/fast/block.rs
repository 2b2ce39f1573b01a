//! Block scalars for the fast path: literal (`|`, `|-`, `|+`), a boot
//! action's script, and folded (`>`, `>-`, `>+`), a long description.
//! Anything unusual (an indentation indicator, leading or over-indented
//! empty lines, a last line without a line break) is left to the full parser.

use super::line::{blank_after, skip_spaces};

/// A block scalar read: its text, where its first line starts, how many
/// lines it took after its header and where the next line starts.
pub(super) struct Block {
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

/// The block scalar whose header (`|` or `>`, `folded` for the latter) is at
/// `at` (its line ends at `eol`), inside a collection at column `owner`.
///
/// Line breaks are joined as `saphyr-parser` joins them: in a literal
/// scalar every break is kept; in a folded one the break between two lines
/// that do not start with a blank becomes a space, or is dropped when empty
/// lines (each a break) stand between them. Out of line: rare in designs.
#[inline(never)]
pub(super) fn block(
    bytes: &[u8],
    text: &str,
    at: usize,
    eol: usize,
    owner: usize,
    folded: bool,
) -> Option<Block> {
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
    // Whether the previous content line started with a blank (folded only).
    let mut last_blank = false;
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
        let starts_blank = spaces > n;
        if lines > 0 {
            if folded && !last_blank && !starts_blank {
                if empty == 0 {
                    value.push(' ');
                }
            } else {
                value.push('\n');
            }
            value.extend(std::iter::repeat_n('\n', empty));
        }
        empty = 0;
        last_blank = starts_blank;
        value.push_str(&text[pos + n..end]);
        lines += 1;
        pos = end + 1;
    }
    let indent = indent?;
    match chomp {
        Chomp::Clip => value.push('\n'),
        Chomp::Strip => {}
        Chomp::Keep => value.extend(std::iter::repeat_n('\n', empty + 1)),
    }
    Some(Block {
        text: value,
        first: first_line + indent,
        indent,
        lines,
        next: pos,
    })
}
