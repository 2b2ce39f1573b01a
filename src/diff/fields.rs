//! The walk over two JSON values that lists every changed field.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{FieldChange, FieldPath, PathSegment};

/// Appends to `out` every field that differs between `old` and `new`.
///
/// Objects compare key by key (keys sorted); a key on one side only is a
/// field added or removed. Lists compare element by element after matching
/// their common prefix and suffix, so one element inserted or removed
/// anywhere shows as one addition or removal; the rest compare by index.
/// Anything else that differs (scalars, or values of different types) is one
/// change of the whole value.
pub(super) fn changed_fields(old: &Value, new: &Value, out: &mut Vec<FieldChange>) {
    let mut walk = Walk {
        path: Vec::new(),
        out,
    };
    walk.values(old, new);
}

struct Walk<'a> {
    path: Vec<PathSegment>,
    out: &'a mut Vec<FieldChange>,
}

impl Walk<'_> {
    fn values(&mut self, old: &Value, new: &Value) {
        if old == new {
            return;
        }
        match (old, new) {
            (Value::Object(before), Value::Object(after)) => {
                let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
                for key in keys {
                    self.path.push(PathSegment::Key(key.clone()));
                    self.entry(before.get(key), after.get(key));
                    self.path.pop();
                }
            }
            (Value::Array(before), Value::Array(after)) => self.lists(before, after),
            _ => self.record(Some(old), Some(new)),
        }
    }

    fn lists(&mut self, old: &[Value], new: &[Value]) {
        let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
        let room = old.len().min(new.len()) - prefix;
        let suffix = old
            .iter()
            .rev()
            .zip(new.iter().rev())
            .take(room)
            .take_while(|(a, b)| a == b)
            .count();
        let old_middle = &old[prefix..old.len() - suffix];
        let new_middle = &new[prefix..new.len() - suffix];
        for i in 0..old_middle.len().max(new_middle.len()) {
            self.path.push(PathSegment::Index(prefix + i));
            self.entry(old_middle.get(i), new_middle.get(i));
            self.path.pop();
        }
    }

    fn entry(&mut self, old: Option<&Value>, new: Option<&Value>) {
        match (old, new) {
            (Some(before), Some(after)) => self.values(before, after),
            _ => self.record(old, new),
        }
    }

    fn record(&mut self, old: Option<&Value>, new: Option<&Value>) {
        self.out.push(FieldChange {
            path: FieldPath::new(self.path.clone()),
            old: old.cloned(),
            new: new.cloned(),
        });
    }
}
