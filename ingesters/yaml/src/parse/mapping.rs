//! Finishing a mapping: a duplicate key keeps the later value (with a
//! warning), `<<` merges are applied.

use std::collections::{HashMap, HashSet};

use crate::model::value::{Key, Mark, Node, Value};

use super::{LoadError, LoadWarning};

/// Above this many keys a mapping finds duplicates with a hash map.
const LINEAR_KEYS: usize = 16;

/// Keeps the later value of a duplicate key, where the key first stood, as
/// PyYAML does (the original's own sample designs rely on it), warning with
/// both lines; then applies `<<` merges (explicit keys win, then earlier merge
/// sources), as PyYAML does.
pub(super) fn finish_map(
    raw: Vec<(Key, Node)>,
    merges: Vec<Node>,
    warnings: &mut Vec<LoadWarning>,
) -> Result<Vec<(Key, Node)>, LoadError> {
    let mut entries: Vec<(Key, Node)> = Vec::with_capacity(raw.len());
    let mut first_marks: Vec<Mark> = Vec::new();
    let mut index: HashMap<(String, u8), usize> = HashMap::new();
    let large = raw.len() > LINEAR_KEYS;
    for (key, value) in raw {
        let seen = match large {
            true => index.get(&(key.text.clone(), key.kind as u8)).copied(),
            false => entries
                .iter()
                .position(|(k, _)| k.text == key.text && k.kind == key.kind),
        };
        match seen {
            Some(i) => {
                let first = first_marks[i];
                warnings.push(LoadWarning {
                    message: format!(
                        "duplicate key '{}' at lines {} and {}: the later value wins, as in PyYAML",
                        key.text, first.line, key.mark.line
                    ),
                    mark: key.mark,
                });
                entries[i] = (key, value);
            }
            None => {
                if large {
                    index.insert((key.text.clone(), key.kind as u8), entries.len());
                }
                first_marks.push(key.mark);
                entries.push((key, value));
            }
        }
    }
    let mut present: HashSet<(String, u8)> = if merges.is_empty() {
        HashSet::new()
    } else {
        entries
            .iter()
            .map(|(k, _)| (k.text.clone(), k.kind as u8))
            .collect()
    };
    for source in merges {
        let maps = match source.value {
            Value::Map(m) => vec![m],
            Value::Seq(items) => items
                .into_iter()
                .map(|n| match n.value {
                    Value::Map(m) => Ok(m),
                    _ => Err(n.mark),
                })
                .collect::<Result<Vec<_>, Mark>>()
                .map_err(|mark| LoadError {
                    message: "a merge key (<<) needs mappings".into(),
                    mark,
                })?,
            _ => {
                return Err(LoadError {
                    message: "a merge key (<<) needs a mapping".into(),
                    mark: source.mark,
                });
            }
        };
        for map in maps {
            for (k, v) in map {
                if present.insert((k.text.clone(), k.kind as u8)) {
                    entries.push((k, v));
                }
            }
        }
    }
    Ok(entries)
}
