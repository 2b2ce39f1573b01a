//! Sizes and percentages as the original reads them (VALIDATION.md 3).

use std::sync::LazyLock;

use regex::Regex;

/// The original's size pattern, matched at the start of the string.
static SIZE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\A(\d+)([mMbBgGtT]{1,2})").ok());

/// Bytes of a size such as `20g`, `500MB` or `1T` (decimal units; text after
/// the unit is ignored). None for anything else: no match, a unit the
/// original does not list (`20b`, `25Gb`: it crashes on those), non-ASCII digits.
pub fn bytes(size: &str) -> Option<u128> {
    let caps = SIZE.as_ref()?.captures(size)?;
    let digits = caps.get(1)?.as_str();
    let unit: u128 = match caps.get(2)?.as_str() {
        "m" | "M" | "mb" | "MB" => 1_000_000,
        "g" | "G" | "gb" | "GB" => 1_000_000_000,
        "t" | "T" | "tb" | "TB" => 1_000_000_000_000,
        _ => return None,
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Python's integers do not overflow: saturate instead.
    let base = digits.bytes().fold(0u128, |n, d| {
        n.saturating_mul(10).saturating_add(u128::from(d - b'0'))
    });
    Some(base.saturating_mul(unit))
}

/// The percentage of a size with exactly one `%` whose text before it is an
/// integer as Python's `int()` reads it (`-77%`, `10%x`, ` 5 %`); None for
/// every other size (`500m`, `>10g`, and `10.5%`, on which the original crashes).
pub fn percent(size: &str) -> Option<i128> {
    let mut parts = size.split('%');
    let (number, _, None) = (parts.next()?, parts.next()?, parts.next()) else {
        return None;
    };
    python_int(number)
}

/// Python's `int(text)`: surrounding white space, a sign, digits with single
/// underscores between them. Saturates instead of growing.
fn python_int(text: &str) -> Option<i128> {
    let t = text.trim();
    let (negative, digits) = match t.as_bytes().first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let valid = !digits.is_empty()
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__")
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    if !valid {
        return None;
    }
    let n = digits
        .bytes()
        .filter(u8::is_ascii_digit)
        .fold(0i128, |n, d| {
            n.saturating_mul(10).saturating_add(i128::from(d - b'0'))
        });
    Some(if negative { -n } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_use_decimal_units_and_ignore_what_follows() {
        assert_eq!(bytes("20g"), Some(20_000_000_000));
        assert_eq!(bytes("500MB"), Some(500_000_000));
        assert_eq!(bytes("1Tfoo"), Some(1_000_000_000_000));
        assert_eq!(bytes("1gb"), Some(1_000_000_000));
        for bad in ["10%", ">100g", "20.5g", "20b", "25Gb", "g", "", "mb20"] {
            assert_eq!(bytes(bad), None, "{bad}");
        }
        assert_eq!(
            bytes("99999999999999999999999999999999999999999g"),
            Some(u128::MAX)
        );
    }

    #[test]
    fn percents_need_exactly_one_percent_sign_and_an_integer() {
        assert_eq!(percent("-77%"), Some(-77));
        assert_eq!(percent("10%x"), Some(10));
        assert_eq!(percent(" +1_0 %"), Some(10));
        for other in ["500m", ">10g", "10.5%", "%", "10%%", "1__0%", "_1%", "x%"] {
            assert_eq!(percent(other), None, "{other}");
        }
    }
}
