//! Filling in where a message's field path stands in the input: a format
//! crate implements [`Locator`]; [`fill_locations`] asks it only for messages
//! that have a path and no location, so a clean design costs nothing.

use crate::design::{DocumentSource, Kind, SiteDesign};
use crate::report::{Location, Message};

/// Finds a field path inside a document of the input the design came from.
pub trait Locator {
    /// Where `path` (as in [`Message::path`]) stands inside `document`; None when unknown.
    fn locate(&self, document: &DocumentSource, path: &str) -> Option<Location>;
}

/// One step of a field path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathStep {
    /// A mapping key.
    Key(String),
    /// A list position.
    Index(usize),
}

/// Splits a path printed as `data.interfaces["a.b"].slaves[1]` into its steps;
/// None when it is not such a path.
pub fn parse_path(path: &str) -> Option<Vec<PathStep>> {
    let mut steps = Vec::new();
    let mut rest = path;
    let mut first = true;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            if let Some(quoted) = after.strip_prefix('"') {
                let (key, len) = quoted_key(quoted)?;
                steps.push(PathStep::Key(key));
                rest = quoted[len..].strip_prefix(']')?;
            } else {
                let end = after.find(']')?;
                steps.push(PathStep::Index(after[..end].parse().ok()?));
                rest = &after[end + 1..];
            }
        } else {
            let plain = if first { rest } else { rest.strip_prefix('.')? };
            let end = plain.find(['.', '[']).unwrap_or(plain.len());
            if end == 0 {
                return None;
            }
            steps.push(PathStep::Key(plain[..end].to_owned()));
            rest = &plain[end..];
        }
        first = false;
    }
    Some(steps)
}

/// A key printed with Rust's `{:?}` (after its opening quote): the key and the
/// bytes read, closing quote included.
fn quoted_key(s: &str) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, i + 1)),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                '0' => out.push('\0'),
                'u' => {
                    let (_, '{') = chars.next()? else { return None };
                    let mut hex = String::new();
                    loop {
                        match chars.next()?.1 {
                            '}' => break,
                            h => hex.push(h),
                        }
                    }
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// Sets [`Message::location`] on every message with a path and no location,
/// inside its origin (or first) document, as `locator` finds it.
pub fn fill_locations(messages: &mut [Message], design: &SiteDesign, locator: &dyn Locator) {
    for m in messages.iter_mut().filter(|m| m.location.is_none()) {
        let (Some(path), Some(doc)) = (&m.path, m.origin.as_ref().or(m.documents.first())) else {
            continue;
        };
        let source = doc
            .schema
            .split('/')
            .nth(1)
            .and_then(Kind::parse)
            .and_then(|kind| design.get(kind, &doc.name));
        if let Some(item) = source {
            m.location = locator.locate(item.source(), path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip() {
        // As the schema checks and the rules print them (`write_key_step`).
        let printed = format!("data.interfaces[{:?}].slaves[12]", "a.b \"c\"\n");
        assert_eq!(
            parse_path(&printed),
            Some(vec![
                PathStep::Key("data".into()),
                PathStep::Key("interfaces".into()),
                PathStep::Key("a.b \"c\"\n".into()),
                PathStep::Key("slaves".into()),
                PathStep::Index(12),
            ])
        );
        assert_eq!(parse_path("metadata.name").map(|s| s.len()), Some(2));
        for bad in ["a..b", "a[x]", "a[\"x]", ".a"] {
            assert_eq!(parse_path(bad), None, "{bad}");
        }
    }
}
