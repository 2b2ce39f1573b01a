//! Sizes and percentages as the original reads them (VALIDATION.md 3).

/// Bytes of a size such as `20g`, `500MB` or `1T`: the original's pattern
/// `(\d+)([mMbBgGtT]{1,2})` at the start of the string, decimal units, text
/// after the unit ignored. None for anything else: no match, a unit the
/// original does not list (`20b`, `25Gb`: it crashes on those), and digits
/// other than ASCII ones (which Python's `\d` would also take).
pub fn bytes(size: &str) -> Option<u128> {
    let digits = size.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let rest = &size.as_bytes()[digits..];
    let letters = rest
        .iter()
        .take(2)
        .take_while(|b| b"mMbBgGtT".contains(b))
        .count();
    let unit: u128 = match &rest[..letters] {
        b"m" | b"M" | b"mb" | b"MB" => 1_000_000,
        b"g" | b"G" | b"gb" | b"GB" => 1_000_000_000,
        b"t" | b"T" | b"tb" | b"TB" => 1_000_000_000_000,
        _ => return None,
    };
    // Python's integers do not overflow: saturate instead.
    let base = size.as_bytes()[..digits].iter().fold(0u128, |n, d| {
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
        assert_eq!(bytes("20GBytes"), Some(20_000_000_000));
        assert_eq!(bytes("\u{663}\u{660}g"), None, "non-ASCII digits");
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
