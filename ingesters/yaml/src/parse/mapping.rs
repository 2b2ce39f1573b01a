//! Finishing a mapping: duplicate keys are errors, `<<` merges are applied.

use std::collections::HashSet;

use crate::model::value::{Key, Mark, Node, Value};

use super::LoadError;

/// Rejects duplicate keys and applies `<<` merges (explicit keys win, then
/// earlier merge sources), as PyYAML does.
pub(super) fn finish_map(
    mut entries: Vec<(Key, Node)>,
    merges: Vec<Node>,
) -> Result<Vec<(Key, Node)>, LoadError> {
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by(|a, b| {
        let (ka, kb) = (&entries[*a].0, &entries[*b].0);
        (ka.text.as_str(), ka.kind as u8, ka.mark).cmp(&(kb.text.as_str(), kb.kind as u8, kb.mark))
    });
    for w in order.windows(2) {
        let (first, dup) = (&entries[w[0]].0, &entries[w[1]].0);
        if first.text == dup.text && first.kind == dup.kind {
            return Err(LoadError {
                message: format!(
                    "duplicate key '{}' (first at line {}, column {})",
                    dup.text, first.mark.line, first.mark.column
                ),
                mark: dup.mark,
            });
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
