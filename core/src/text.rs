//! Text from outside (servers, designs, file names) made safe for a terminal.
//!
//! A design or a server must not be able to clear the screen, move the
//! cursor, set the window title or print a line that looks like drydock's
//! own: [`escape_control`] writes every control character as a visible
//! escape, so one message stays one line. JSON output needs none of this
//! (its encoder escapes control characters itself).

use std::borrow::Cow;

/// True for characters a terminal interprets instead of printing: C0 controls
/// (newline and tab included), DEL, C1 controls, and the Unicode
/// bidirectional overrides and isolates (which reorder what is shown).
pub fn is_unsafe_char(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{2028}' | '\u{2029}')
}

/// `text` with every character of [`is_unsafe_char`] written as an escape:
/// `\n`, `\r`, `\t`, `\x1b` (below U+0080) or `\u{202e}` (above). Borrowed
/// when nothing needed escaping.
///
/// ```
/// use drydock_core::text::escape_control;
/// assert_eq!(escape_control("plain"), "plain");
/// assert_eq!(escape_control("a\x1b[2Jb\nc"), "a\\x1b[2Jb\\nc");
/// ```
pub fn escape_control(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe_char(c) && (c as u32) < 0x80 => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_unsafe_char(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_class_is_escaped() {
        let hostile = "ok\x1b]0;title\x07\r\nvalidation  success\u{9b}2J\u{202e}txt\x7f";
        let shown = escape_control(hostile);
        assert!(!shown.chars().any(is_unsafe_char), "{shown}");
        assert_eq!(
            shown,
            "ok\\x1b]0;title\\x07\\r\\nvalidation  success\\u{9b}2J\\u{202e}txt\\x7f"
        );
    }

    #[test]
    fn printable_unicode_is_kept() {
        assert!(matches!(escape_control("désign ✓ 日本"), Cow::Borrowed(_)));
    }
}
