//! YAML 1.1 resolution of plain scalars, as PyYAML's `SafeLoader` does it (the
//! original Drydock's parser): `yes`/`off` are booleans, `0xffff` and `0777`
//! integers, `1:20` sexagesimal, `2017-02-17` a date, `1e3` a string.

use crate::model::value::{ScalarKind, Value};

/// Resolves a plain (unquoted) scalar.
pub fn plain(s: &str) -> Value {
    match kind_of(s) {
        ScalarKind::Null => Value::Null,
        ScalarKind::Bool => Value::Bool(
            matches!(s.as_bytes()[0], b'y' | b'Y' | b't' | b'T') || s.eq_ignore_ascii_case("on"),
        ),
        ScalarKind::Int => int_value(s),
        ScalarKind::Float => Value::Float(float_value(s)),
        ScalarKind::Timestamp => Value::Timestamp(s.into()),
        ScalarKind::Str => Value::Str(s.into()),
    }
}

/// Resolves a plain scalar, reusing its buffer when it is a string.
pub fn plain_owned(s: std::borrow::Cow<'_, str>) -> Value {
    match kind_of(&s) {
        ScalarKind::Str => {
            let mut s = drydock_core::Text::from(s);
            if s.capacity() > s.len() + 8 {
                s.shrink_to_fit();
            }
            Value::Str(s)
        }
        _ => plain(&s),
    }
}

/// The kind a plain scalar resolves to.
pub fn kind_of(s: &str) -> ScalarKind {
    // Fast path: only null and boolean words start with a letter.
    if s.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) && s.len() > 5 {
        return ScalarKind::Str;
    }
    if matches!(s, "" | "~" | "null" | "Null" | "NULL") {
        ScalarKind::Null
    } else if matches!(
        s,
        "yes"
            | "Yes"
            | "YES"
            | "no"
            | "No"
            | "NO"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    ) {
        ScalarKind::Bool
    } else if is_int(s) {
        ScalarKind::Int
    } else if is_float(s) {
        ScalarKind::Float
    } else if is_timestamp(s) {
        ScalarKind::Timestamp
    } else {
        ScalarKind::Str
    }
}

fn strip_sign(s: &str) -> (bool, &str) {
    match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    }
}

fn all(s: &str, f: impl Fn(u8) -> bool) -> bool {
    s.bytes().all(f)
}

/// `[0-5]?[0-9]` groups after the first, separated by `:`.
fn sexagesimal_tail(groups: &[&str]) -> bool {
    groups.iter().all(|g| {
        matches!(g.len(), 1 | 2)
            && all(g, |b| b.is_ascii_digit())
            && (g.len() == 1 || g.as_bytes()[0] <= b'5')
    })
}

fn is_int(s: &str) -> bool {
    let (_, t) = strip_sign(s);
    if let Some(b) = t.strip_prefix("0b") {
        return !b.is_empty() && all(b, |c| matches!(c, b'0' | b'1' | b'_'));
    }
    if let Some(h) = t.strip_prefix("0x") {
        return !h.is_empty() && all(h, |c| c.is_ascii_hexdigit() || c == b'_');
    }
    if t == "0" {
        return true;
    }
    if let Some(o) = t.strip_prefix('0') {
        return !o.is_empty() && all(o, |c| matches!(c, b'0'..=b'7' | b'_'));
    }
    if !t.contains(':') {
        return t
            .as_bytes()
            .first()
            .is_some_and(|c| (b'1'..=b'9').contains(c))
            && all(t, |c| c.is_ascii_digit() || c == b'_');
    }
    let groups: Vec<&str> = t.split(':').collect();
    let first = groups[0];
    let head = first
        .as_bytes()
        .first()
        .is_some_and(|c| (b'1'..=b'9').contains(c))
        && all(first, |c| c.is_ascii_digit() || c == b'_');
    head && sexagesimal_tail(&groups[1..])
}

fn is_float(s: &str) -> bool {
    let (_, t) = strip_sign(s);
    if matches!(t, ".inf" | ".Inf" | ".INF") || matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let digits = |x: &str| all(x, |c| c.is_ascii_digit() || c == b'_');
    if t.contains(':') {
        // [0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*
        let Some((whole, frac)) = t.split_once('.') else {
            return false;
        };
        let groups: Vec<&str> = whole.split(':').collect();
        return groups[0].as_bytes().first().is_some_and(u8::is_ascii_digit)
            && digits(groups[0])
            && groups.len() > 1
            && sexagesimal_tail(&groups[1..])
            && digits(frac);
    }
    let (mantissa, exp) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    if let Some(e) = exp {
        let ok = e.len() > 1
            && matches!(e.as_bytes()[0], b'+' | b'-')
            && all(&e[1..], |c| c.is_ascii_digit());
        if !ok {
            return false;
        }
    }
    let Some((whole, frac)) = mantissa.split_once('.') else {
        return false;
    };
    if whole.is_empty() {
        // \.[0-9_]+ (no sign in PyYAML's regex, but a sign is harmless to accept)
        !frac.is_empty() && digits(frac)
    } else {
        whole.as_bytes()[0].is_ascii_digit() && digits(whole) && digits(frac)
    }
}

fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let rest = &s[5..];
    let mut parts = rest.splitn(2, '-');
    let month = parts.next().unwrap_or("");
    let Some(tail) = parts.next() else {
        return false;
    };
    let day_len = tail.bytes().take_while(u8::is_ascii_digit).count();
    let ok_md = matches!(month.len(), 1 | 2)
        && all(month, |c| c.is_ascii_digit())
        && matches!(day_len, 1 | 2);
    if !ok_md {
        return false;
    }
    let after = &tail[day_len..];
    if after.is_empty() {
        return month.len() == 2 && day_len == 2;
    }
    // A time part: [Tt]|[ \t]+ then hh:mm:ss…
    let t = after.trim_start_matches([' ', '\t', 'T', 't']);
    t.len() < after.len() && t.len() >= 7 && t.as_bytes()[1..].contains(&b':')
}

fn int_value(s: &str) -> Value {
    let (neg, t) = strip_sign(s);
    let clean: String = t.chars().filter(|c| *c != '_').collect();
    let parsed = if let Some(b) = clean.strip_prefix("0b") {
        i64::from_str_radix(b, 2).ok()
    } else if let Some(h) = clean.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()
    } else if clean.len() > 1 && clean.starts_with('0') {
        i64::from_str_radix(&clean[1..], 8).ok()
    } else if clean.contains(':') {
        clean.split(':').try_fold(0i64, |acc, g| {
            acc.checked_mul(60)?.checked_add(g.parse::<i64>().ok()?)
        })
    } else {
        clean.parse::<i64>().ok()
    };
    match parsed {
        Some(v) => Value::Int(if neg { -v } else { v }),
        // Beyond 64 bits: keep the magnitude as a float (still a number).
        None => Value::Float(
            clean
                .parse::<f64>()
                .map_or(f64::NAN, |v| if neg { -v } else { v }),
        ),
    }
}

fn float_value(s: &str) -> f64 {
    let (neg, t) = strip_sign(s);
    let sign = if neg { -1.0 } else { 1.0 };
    let clean: String = t.chars().filter(|c| *c != '_').collect();
    match clean.as_str() {
        ".inf" | ".Inf" | ".INF" => return sign * f64::INFINITY,
        ".nan" | ".NaN" | ".NAN" => return f64::NAN,
        _ => {}
    }
    if clean.contains(':') {
        let mut acc = 0.0;
        for g in clean.split(':') {
            acc = acc * 60.0 + g.parse::<f64>().unwrap_or(0.0);
        }
        return sign * acc;
    }
    sign * clean.parse::<f64>().unwrap_or(f64::NAN)
}

/// The YAML tag suffix of a scalar kind (`int`, `str`, …).
pub trait KindName {
    /// The suffix.
    fn name(self) -> &'static str;
}

impl KindName for ScalarKind {
    fn name(self) -> &'static str {
        match self {
            ScalarKind::Str => "str",
            ScalarKind::Int => "int",
            ScalarKind::Float => "float",
            ScalarKind::Bool => "bool",
            ScalarKind::Null => "null",
            ScalarKind::Timestamp => "timestamp",
        }
    }
}

/// The kind of a resolved value (collections count as strings).
pub fn kind_of_value(v: &Value) -> ScalarKind {
    match v {
        Value::Null => ScalarKind::Null,
        Value::Bool(_) => ScalarKind::Bool,
        Value::Int(_) => ScalarKind::Int,
        Value::Float(_) => ScalarKind::Float,
        Value::Timestamp(_) => ScalarKind::Timestamp,
        _ => ScalarKind::Str,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_pyyaml_safe_loader() {
        let cases = [
            ("0xffff", Value::Int(65535)),
            ("0777", Value::Int(511)),
            ("0b101", Value::Int(5)),
            ("1_000", Value::Int(1000)),
            ("1:20", Value::Int(80)),
            ("-42", Value::Int(-42)),
            ("0", Value::Int(0)),
            ("yes", Value::Bool(true)),
            ("Off", Value::Bool(false)),
            ("~", Value::Null),
            ("", Value::Null),
            ("1.5", Value::Float(1.5)),
            ("1e3", Value::Str("1e3".into())),
            ("1.0e+3", Value::Float(1000.0)),
            ("172.16.1.20", Value::Str("172.16.1.20".into())),
            ("802.3ad", Value::Str("802.3ad".into())),
            ("100full", Value::Str("100full".into())),
            ("2017-02-17", Value::Timestamp("2017-02-17".into())),
            ("17-FEB-2017", Value::Str("17-FEB-2017".into())),
            ("layer3+4", Value::Str("layer3+4".into())),
            ("08", Value::Str("08".into())),
        ];
        for (text, want) in cases {
            assert_eq!(plain(text), want, "{text}");
        }
    }
}
