//! How field paths are written, the same in validation messages and diffs:
//! `addressing[1].address`, `labels["a.b"]`.

use std::fmt;

/// True for a key written bare in a path: letters, digits, `_`, `-`, `$`.
pub(crate) fn plain_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '$'))
}

/// Writes one key step of a path: `.key` (`key` when it comes first) for a
/// plain identifier, `["a.b"]` (Rust string quoting) for any other key.
pub fn write_key_step(f: &mut fmt::Formatter<'_>, key: &str, first: bool) -> fmt::Result {
    match (plain_key(key), first) {
        (true, true) => f.write_str(key),
        (true, false) => write!(f, ".{key}"),
        (false, _) => write!(f, "[{key:?}]"),
    }
}
