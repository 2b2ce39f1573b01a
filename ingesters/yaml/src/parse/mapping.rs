//! Finishing a mapping: a duplicate key keeps the later value (with a
//! warning), `<<` merges are applied — in place, so a large mapping is never
//! held twice.

use std::collections::{HashMap, HashSet};

use crate::model::value::{Key, Mark, Node, Text, Value};

use super::{LoadError, LoadWarning};

/// Above this many keys a mapping finds duplicates with a hash map.
const LINEAR_KEYS: usize = 16;

/// Keeps the later value of a duplicate key, where the key first stood, as
/// PyYAML does (the original's own sample designs rely on it), warning with
/// both lines; then applies `<<` merges (explicit keys win, then earlier merge
/// sources), as PyYAML does. A document's warnings are bounded as a
/// report's messages are: past the first
/// [`drydock_core::report::MAX_MESSAGES_PER_KIND`], only counted (`omitted`).
pub(super) fn finish_map(
    mut entries: Vec<(Key, Node)>,
    merges: Vec<Node>,
    warnings: &mut Vec<LoadWarning>,
    omitted: &mut u64,
) -> Result<Vec<(Key, Node)>, LoadError> {
    let large = entries.len() > LINEAR_KEYS;
    let mut index: HashMap<(Text, u8), usize> = HashMap::new();
    // Entries moved to where their key first stood, and the first key's line.
    let mut dropped: Vec<bool> = Vec::new();
    let mut first_marks: HashMap<usize, Mark> = HashMap::new();
    for i in 0..entries.len() {
        let key = &entries[i].0;
        let seen = match large {
            true => index.get(&(key.text.clone(), key.kind as u8)).copied(),
            false => entries[..i].iter().enumerate().position(|(j, (k, _))| {
                k.text == key.text && k.kind == key.kind && !dropped.get(j).is_some_and(|d| *d)
            }),
        };
        let Some(first) = seen else {
            if large {
                index.insert((key.text.clone(), key.kind as u8), i);
            }
            continue;
        };
        let first_mark = *first_marks.entry(first).or_insert(entries[first].0.mark);
        if warnings.len() < drydock_core::report::MAX_MESSAGES_PER_KIND {
            warnings.push(LoadWarning {
                message: format!(
                    "duplicate key '{}' at lines {} and {}: the later value wins, as in PyYAML",
                    key.text, first_mark.line, key.mark.line
                ),
                mark: key.mark,
            });
        } else {
            *omitted += 1;
        }
        entries.swap(first, i);
        if dropped.len() < entries.len() {
            dropped.resize(entries.len(), false);
        }
        dropped[i] = true;
    }
    if !dropped.is_empty() {
        let mut at = 0;
        entries.retain(|_| {
            at += 1;
            !dropped[at - 1]
        });
    }
    if !merges.is_empty() {
        merge(&mut entries, merges)?;
    }
    Ok(entries)
}

/// Appends the keys of `<<` merge sources that `entries` does not have.
fn merge(entries: &mut Vec<(Key, Node)>, merges: Vec<Node>) -> Result<(), LoadError> {
    let mut present: HashSet<(Text, u8)> = entries
        .iter()
        .map(|(k, _)| (k.text.clone(), k.kind as u8))
        .collect();
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
    Ok(())
}
