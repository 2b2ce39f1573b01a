//! Splitting a multi-document stream into documents without parsing it.
//!
//! A line that starts with `---` followed by a blank or the line's end is a
//! document marker wherever it stands: YAML forbids such a line inside any
//! scalar, block or quoted (`c-forbidden`), and anchors do not cross documents.
//! So each piece parses on its own, and pieces can be parsed in parallel.
//! Directive lines (`%YAML`, `%TAG`) before a marker travel with it.

use memchr::memchr;

/// A piece of the stream: one document (sometimes with comments around it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    /// Byte offset of the start.
    pub start: usize,
    /// Byte offset of the end (exclusive).
    pub end: usize,
    /// Line number (1-based) of the first line.
    pub first_line: u32,
}

fn is_marker(line: &[u8], marker: &[u8; 3]) -> bool {
    line.starts_with(marker)
        && line
            .get(3)
            .is_none_or(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
}

/// Splits `text` at document markers.
pub fn split(text: &str) -> Vec<Piece> {
    let bytes = text.as_bytes();
    let mut pieces = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1u32;
    // Directive lines seen while between documents: (offset, line) of the first.
    let mut between = true;
    let mut directive: Option<(usize, u32)> = None;
    let mut has_content = false;
    let mut pos = 0usize;
    let mut line_no = 1u32;
    while pos < bytes.len() {
        let eol = memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i + 1);
        let line = &bytes[pos..eol];
        if is_marker(line, b"---") {
            let (cut, cut_line) = directive.unwrap_or((pos, line_no));
            if has_content && cut > start {
                pieces.push(Piece {
                    start,
                    end: cut,
                    first_line: start_line,
                });
                start = cut;
                start_line = cut_line;
            }
            has_content = true;
            between = false;
            directive = None;
        } else if is_marker(line, b"...") {
            between = true;
        } else if line.first() == Some(&b'%') && between {
            directive.get_or_insert((pos, line_no));
        } else if !is_blank_or_comment(line) {
            has_content = true;
            between = false;
            directive = None;
        }
        pos = eol;
        line_no = line_no.saturating_add(1);
    }
    if start < bytes.len() || pieces.is_empty() {
        pieces.push(Piece {
            start,
            end: bytes.len(),
            first_line: start_line,
        });
    }
    pieces
}

/// Whether `text` has more than `limit` document markers (lines starting
/// `---`), counted without allocating and stopping at `limit + 1`.
pub fn more_markers_than(text: &str, limit: usize) -> bool {
    let bytes = text.as_bytes();
    let mut count = 0usize;
    let mut pos = 0usize;
    while pos < bytes.len() {
        let eol = memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i + 1);
        if is_marker(&bytes[pos..eol], b"---") {
            count += 1;
            if count > limit {
                return true;
            }
        }
        pos = eol;
    }
    false
}

fn is_blank_or_comment(line: &[u8]) -> bool {
    let t = line
        .iter()
        .position(|c| !matches!(c, b' ' | b'\t' | b'\r' | b'\n'));
    t.is_none_or(|i| line[i] == b'#')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        split(s).iter().map(|p| &s[p.start..p.end]).collect()
    }

    #[test]
    fn splits_at_markers_and_keeps_line_numbers() {
        let s = "# c\n---\na: 1\n---\nb: |\n  ---not a marker\n...\n---\nc: 3\n";
        assert_eq!(
            texts(s),
            [
                "# c\n---\na: 1\n",
                "---\nb: |\n  ---not a marker\n...\n",
                "---\nc: 3\n"
            ]
        );
        let lines: Vec<u32> = split(s).iter().map(|p| p.first_line).collect();
        assert_eq!(lines, [1, 4, 8]);
    }

    #[test]
    fn directives_travel_with_their_document() {
        let s = "a: 1\n...\n%YAML 1.1\n---\nb: 2\n";
        assert_eq!(texts(s), ["a: 1\n...\n", "%YAML 1.1\n---\nb: 2\n"]);
    }

    #[test]
    fn counts_markers_up_to_a_limit() {
        let s = "---\na: 1\n---\nb: |\n  --- no\n---\n";
        assert!(more_markers_than(s, 2));
        assert!(!more_markers_than(s, 3));
        assert!(!more_markers_than("a: 1\n", 0));
    }

    #[test]
    fn marker_needs_a_blank_after_it() {
        assert_eq!(texts("a: 1\n----\n--- x\n"), ["a: 1\n----\n", "--- x\n"]);
        assert_eq!(texts(""), [""]);
    }
}
