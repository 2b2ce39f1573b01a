//! Text from outside (servers, designs, file names) made safe for a terminal.
//!
//! A design or a server must not be able to clear the screen, move the
//! cursor, set the window title or print a line that looks like drydock's
//! own: [`escape_control`] writes every control character as a visible
//! escape, so one message stays one line. JSON output needs none of this
//! (its encoder escapes control characters itself).
//!
//! Public for the crates that show text from outside: drivers (server
//! answers, with secrets scrubbed), the store and the command line.

use std::borrow::Cow;

/// A short text kept inline when it fits in 24 bytes (schemas, names,
/// codes, paths): a design or report of a hundred thousand documents does
/// not make a hundred thousand small allocations for them.
pub type Text = compact_str::CompactString;

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

/// Secrets shorter than this are not scrubbed (replacing every `ab` in a
/// message would destroy it without protecting anything).
pub(crate) const MIN_SCRUBBED_LEN: usize = 4;

/// `text` with every secret replaced by `***`, in each form a server may echo
/// it back: as is, percent-encoded (upper- and lower-case hex, `+` for
/// spaces), and base64 (standard and URL-safe, padded or not). Used on
/// anything a server sends (error bodies, headers, redirect targets) before
/// it is shown, logged or stored.
///
/// ```
/// use drydock_core::text::scrub_secrets;
/// let echoed = "denied token=s%2Fcret (Authorization: Basic dXNlcjpzL2NyZXQ=) s/cret";
/// let shown = scrub_secrets(echoed, &["s/cret", "user:s/cret"]);
/// assert_eq!(shown, "denied token=*** (Authorization: Basic ***) ***");
/// ```
pub fn scrub_secrets<S: AsRef<str>>(text: &str, secrets: &[S]) -> String {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let mut forms: Vec<String> = Vec::new();
    for secret in secrets {
        let secret = secret.as_ref();
        if secret.len() < MIN_SCRUBBED_LEN {
            continue;
        }
        let encoded =
            percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        forms.push(encoded.to_ascii_lowercase());
        forms.push(encoded);
        forms.push(url::form_urlencoded::byte_serialize(secret.as_bytes()).collect());
        for engine in [STANDARD, URL_SAFE, STANDARD_NO_PAD, URL_SAFE_NO_PAD] {
            forms.push(engine.encode(secret.as_bytes()));
        }
        for engine in [STANDARD_NO_PAD, URL_SAFE_NO_PAD] {
            forms.extend(base64_cores(&engine, secret.as_bytes()));
        }
        forms.push(secret.to_owned());
    }
    // Longest first, so a form is replaced before any shorter form inside it.
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    forms.dedup();
    let mut out = text.to_owned();
    for form in forms.iter().filter(|f| f.len() >= MIN_SCRUBBED_LEN) {
        if out.contains(form.as_str()) {
            out = out.replace(form.as_str(), crate::redact::REDACTED);
        }
    }
    out
}

/// The characters of `secret`'s base64 that do not depend on its
/// neighbours, at each of the three alignments it may have inside a larger
/// encoded text (after 0, 1 or 2 other bytes): what a server echoing it
/// base64-encoded after other bytes, or inside a larger body, shows.
fn base64_cores(engine: &base64::engine::GeneralPurpose, secret: &[u8]) -> Vec<String> {
    use base64::Engine as _;
    (0..3usize)
        .map(|shift| {
            let mut shifted = vec![0u8; shift];
            shifted.extend_from_slice(secret);
            let encoded = engine.encode(&shifted);
            // Characters carrying bits of the bytes before: 0, 2 or 3.
            let skip = [0, 2, 3][shift];
            // The last character carries bits of the byte after, unless the
            // secret ends a group of three.
            let end = if shifted.len() % 3 == 0 {
                encoded.len()
            } else {
                encoded.len() - 1
            };
            encoded.get(skip..end).unwrap_or_default().to_owned()
        })
        .collect()
}

/// How many bytes past the end of an excerpt to read so that a secret
/// crossing the cut is still found whole by [`scrub_secrets`]: the longest
/// form of any secret (percent-encoding triples a byte).
pub fn scrub_margin<S: AsRef<str>>(secrets: &[S]) -> usize {
    secrets
        .iter()
        .map(|s| s.as_ref().len() * 3)
        .max()
        .unwrap_or(0)
}

/// At most `max` bytes of `text` to show: every secret scrubbed *before*
/// cutting (so no part of one survives at the cut), control characters
/// escaped, then cut at a character boundary with `…`. Give it at least
/// `max` + [`scrub_margin`] bytes of what the server sent.
///
/// ```
/// use drydock_core::text::safe_excerpt;
/// let body = format!("{}password=hunter2-secret and more", "x".repeat(10));
/// let shown = safe_excerpt(&body, &["hunter2-secret"], 16);
/// assert_eq!(shown, "xxxxxxxxxxpasswo…");
/// assert!(!safe_excerpt(&body, &["hunter2-secret"], 22).contains("hunt"));
/// ```
pub fn safe_excerpt<S: AsRef<str>>(text: &str, secrets: &[S], max: usize) -> String {
    let scrubbed = scrub_secrets(text, secrets);
    let mut shown = escape_control(scrubbed.trim()).into_owned();
    cut_with_ellipsis(&mut shown, max);
    shown
}

/// Cuts `text` to at most `max` bytes at a character boundary, marking the
/// cut with `…`; shorter text is left as it is.
///
/// ```
/// let mut text = String::from("héllo");
/// drydock_core::text::cut_with_ellipsis(&mut text, 2);
/// assert_eq!(text, "h…");
/// ```
pub fn cut_with_ellipsis(text: &mut String, max: usize) {
    if text.len() > max {
        let cut = (0..=max)
            .rev()
            .find(|i| text.is_char_boundary(*i))
            .unwrap_or(0);
        text.truncate(cut);
        text.push('…');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_scrubbed_in_every_encoding() {
        use base64::Engine as _;
        let secret = "p@ss w/rd+1";
        let b64 = base64::engine::general_purpose::STANDARD.encode(secret);
        let b64url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret);
        let text = format!(
            "raw {secret} pct p%40ss%20w%2Frd%2B1 lower p%40ss%20w%2frd%2b1 form p%40ss+w%2Frd%2B1 b64 {b64} url {b64url}"
        );
        let shown = scrub_secrets(&text, &[secret]);
        assert!(
            !shown.contains("ss w") && !shown.contains("ss%20") && !shown.contains("ss+w"),
            "{shown}"
        );
        assert!(!shown.contains(&b64) && !shown.contains(&b64url), "{shown}");
        assert_eq!(shown.matches("***").count(), 6, "{shown}");
        assert_eq!(scrub_secrets("abc abc", &["ab"]), "abc abc");
    }

    #[test]
    fn base64_is_scrubbed_at_every_alignment() {
        use base64::Engine as _;
        let secret = "hunter2-secret";
        use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
        // Whether any stretch of `text`, decoded from any offset, shows a
        // part of the secret.
        let leaks = |text: &str, decoder: &base64::engine::GeneralPurpose| {
            text.split("***").any(|part| {
                let part = part.trim_end_matches('=');
                (0..part.len()).any(|i| {
                    let tail = &part[i..];
                    let tail = &tail[..tail.len() - tail.len() % 4];
                    decoder
                        .decode(tail)
                        .is_ok_and(|b| String::from_utf8_lossy(&b).contains("hunter"))
                })
            })
        };
        for (engine, decoder) in [
            (STANDARD, STANDARD_NO_PAD),
            (URL_SAFE_NO_PAD, URL_SAFE_NO_PAD),
        ] {
            for before in ["", "x", "xy", "Authorization: Basic user:"] {
                for after in ["", "!", " and a longer body"] {
                    let body = engine.encode(format!("{before}{secret}{after}"));
                    assert!(
                        leaks(&body, &decoder),
                        "the check sees the secret in {body}"
                    );
                    let shown = scrub_secrets(&body, &[secret]);
                    assert!(!leaks(&shown, &decoder), "{before:?} {after:?}: {shown}");
                }
            }
        }
    }

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
    fn an_excerpt_never_shows_part_of_a_secret_at_its_cut() {
        let secret = "s3cret-value-long";
        for pad in 0..40 {
            let body = format!("{}{secret} tail", "x".repeat(pad));
            let shown = safe_excerpt(&body, &[secret], 24);
            assert!(!shown.contains("s3c"), "{shown}");
        }
    }

    #[test]
    fn printable_unicode_is_kept() {
        assert!(matches!(escape_control("désign ✓ 日本"), Cow::Borrowed(_)));
    }
}
