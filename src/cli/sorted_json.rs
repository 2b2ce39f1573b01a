//! Compact JSON with every object's keys sorted, written straight from
//! `Serialize`: the bytes `serde_json::Value` prints (its maps are sorted),
//! without building a `Value` tree first.
//!
//! A `serde_json` formatter that writes into a buffer and remembers where
//! each entry of each open object starts; when an object closes and its keys
//! are out of order, its entries are put in order in place. Inner objects
//! close (and are sorted) before the entry that holds them moves.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CharEscape, CompactFormatter, Formatter};

/// Appends `value` to `out` as compact JSON, object keys sorted.
pub fn append<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> io::Result<()> {
    let mut formatter = Sorting {
        out,
        objects: Vec::new(),
        spare: Vec::new(),
        scratch: Vec::new(),
    };
    let mut ser = serde_json::Serializer::with_formatter(io::sink(), &mut formatter);
    value.serialize(&mut ser).map_err(io::Error::other)
}

/// Writes `value` to `w` as compact JSON, object keys sorted.
pub fn write<W: Write + ?Sized, T: Serialize + ?Sized>(w: &mut W, value: &T) -> io::Result<()> {
    let mut out = Vec::new();
    append(&mut out, value)?;
    w.write_all(&out)
}

/// An entry of an open object: where it starts (its key's opening quote)
/// and where its key ends (after the closing quote).
#[derive(Clone, Copy)]
struct Entry {
    start: usize,
    key_end: usize,
    /// Where it ends: set only when the object is reordered.
    stop: usize,
    /// Whether the key has an escape (a `\`): then it is compared decoded.
    escaped: bool,
}

struct Sorting<'a> {
    out: &'a mut Vec<u8>,
    /// The entries of each open object, innermost last.
    objects: Vec<Vec<Entry>>,
    /// Entry lists of closed objects, kept for the next ones.
    spare: Vec<Vec<Entry>>,
    /// A copy of the object being reordered.
    scratch: Vec<u8>,
}

impl Sorting<'_> {
    /// Puts the entries of the object that ends at the buffer's end in
    /// order of their keys, as `Value`'s sorted map prints them.
    fn sort(&mut self, entries: &mut [Entry]) {
        let out = &*self.out;
        let end = out.len();
        let sorted = entries
            .windows(2)
            .all(|w| key_order(out, w[0], w[1]).is_le());
        if sorted {
            return;
        }
        // Each entry runs to the comma before the next one (or the end).
        for i in 0..entries.len() {
            entries[i].stop = entries.get(i + 1).map_or(end, |n| n.start - 1);
        }
        entries.sort_by(|a, b| key_order(out, *a, *b));
        let body_start = entries.iter().map(|e| e.start).min().unwrap_or(end);
        self.scratch.clear();
        self.scratch.extend_from_slice(&out[body_start..end]);
        self.out.truncate(body_start);
        for (n, e) in entries.iter().enumerate() {
            if n > 0 {
                self.out.push(b',');
            }
            self.out
                .extend_from_slice(&self.scratch[e.start - body_start..e.stop - body_start]);
        }
    }
}

fn key(out: &[u8], e: Entry) -> &[u8] {
    &out[e.start..e.key_end]
}

/// The order of two keys as written (quoted, escaped): that of the strings
/// they stand for, byte by byte, as a `BTreeMap<String, _>` orders them.
fn key_order(out: &[u8], a: Entry, b: Entry) -> std::cmp::Ordering {
    let (ka, kb) = (key(out, a), key(out, b));
    if a.escaped || b.escaped {
        let text = |k: &[u8]| serde_json::from_slice::<String>(k).unwrap_or_default();
        return text(ka).cmp(&text(kb));
    }
    // Without the quotes: `"a"` must sort before `"a!"`.
    unquoted(ka).cmp(unquoted(kb))
}

fn unquoted(key: &[u8]) -> &[u8] {
    key.get(1..key.len().saturating_sub(1)).unwrap_or(key)
}

/// Every write goes to the buffer, as `CompactFormatter` writes it.
macro_rules! compact {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {
        $(fn $name<W: ?Sized + Write>(&mut self, _: &mut W $(, $arg: $ty)*) -> io::Result<()> {
            CompactFormatter.$name(&mut *self.out $(, $arg)*)
        })*
    };
}

impl Formatter for &mut Sorting<'_> {
    compact! {
        write_null();
        write_bool(v: bool);
        write_i8(v: i8);
        write_i16(v: i16);
        write_i32(v: i32);
        write_i64(v: i64);
        write_i128(v: i128);
        write_u8(v: u8);
        write_u16(v: u16);
        write_u32(v: u32);
        write_u64(v: u64);
        write_u128(v: u128);
        write_f32(v: f32);
        write_f64(v: f64);
        write_number_str(v: &str);
        begin_string();
        end_string();
        write_string_fragment(v: &str);
        write_char_escape(v: CharEscape);
        write_byte_array(v: &[u8]);
        begin_array();
        end_array();
        begin_array_value(first: bool);
        end_array_value();
        begin_object_value();
        end_object_value();
        write_raw_fragment(v: &str);
    }

    fn begin_object<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        let entries = self.spare.pop().unwrap_or_default();
        self.objects.push(entries);
        self.out.push(b'{');
        Ok(())
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, _: &mut W, first: bool) -> io::Result<()> {
        if !first {
            self.out.push(b',');
        }
        let start = self.out.len();
        if let Some(entries) = self.objects.last_mut() {
            entries.push(Entry {
                start,
                key_end: start,
                stop: start,
                escaped: false,
            });
        }
        Ok(())
    }

    fn end_object_key<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        let end = self.out.len();
        if let Some(entry) = self.objects.last_mut().and_then(|e| e.last_mut()) {
            entry.key_end = end;
            entry.escaped = self.out[entry.start..end].contains(&b'\\');
        }
        Ok(())
    }

    fn end_object<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        if let Some(mut entries) = self.objects.pop() {
            if entries.len() > 1 {
                self.sort(&mut entries);
            }
            entries.clear();
            self.spare.push(entries);
        }
        self.out.push(b'}');
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn as_value_prints<T: Serialize>(value: &T) {
        let mut out = Vec::new();
        append(&mut out, value).expect("serialises");
        let expected =
            serde_json::to_vec(&serde_json::to_value(value).expect("a value")).expect("prints");
        assert_eq!(
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&expected)
        );
    }

    #[derive(Serialize)]
    struct Inner {
        zeta: u8,
        alpha: Option<String>,
        mid: Vec<Inner>,
    }

    #[derive(Serialize)]
    struct Outer {
        z: Inner,
        #[serde(rename = "a\"quoted")]
        quoted: f64,
        b: BTreeMap<String, i64>,
        a: (),
        e: Vec<BTreeMap<&'static str, bool>>,
    }

    #[test]
    fn prints_what_a_value_prints() {
        let inner = |n: u8| Inner {
            zeta: n,
            alpha: n
                .is_multiple_of(2)
                .then(|| format!("line\n{n} \u{1b}[31m \"q\"")),
            mid: Vec::new(),
        };
        as_value_prints(&Outer {
            z: Inner {
                zeta: 1,
                alpha: None,
                mid: vec![inner(2), inner(3)],
            },
            quoted: 1.5e300,
            b: [
                ("b".into(), -1),
                ("a\\".into(), 2),
                ("a".into(), 3),
                ("a!".into(), 4),
            ]
            .into(),
            a: (),
            e: vec![[("y", true), ("x", false)].into(), BTreeMap::new()],
        });
        as_value_prints(&serde_json::json!({"k": [1, {"b": null, "a": "x"}], "\u{e9}": 1, "e": 2}));
        as_value_prints(&Vec::<u8>::new());
        as_value_prints(&"text");
    }

    #[test]
    fn orders_escaped_keys_by_the_text_they_stand_for() {
        // As text `a"b` sorts before `a#` ('"' < '#'); written, `a\"b` would not.
        let map: BTreeMap<String, u8> = [("a\"b".into(), 1), ("a#".into(), 2), ("a\\".into(), 3)]
            .into_iter()
            .collect();
        #[derive(Serialize)]
        struct Keys {
            #[serde(rename = "a!")]
            bang: u8,
            #[serde(rename = "a#")]
            hash: u8,
            #[serde(rename = "a\"b")]
            quote: u8,
            a: u8,
        }
        as_value_prints(&map);
        as_value_prints(&Keys {
            bang: 0,
            hash: 1,
            quote: 2,
            a: 3,
        });
    }
}
