//! Plumbing of the configuration tree: paths, merging, redaction, sizes.

use serde_json::{Map, Value};

pub(super) fn get_path<'a>(tree: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(tree, |node, key| node.get(key))
}

pub(super) fn set_path(tree: &mut Value, path: &str, value: Value) {
    let mut node = tree;
    let keys: Vec<&str> = path.split('.').collect();
    for key in &keys[..keys.len() - 1] {
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        node = node
            .as_object_mut()
            .map(|m| {
                m.entry(key.to_string())
                    .or_insert(Value::Object(Map::new()))
            })
            .unwrap_or_else(|| unreachable!("made an object above"));
    }
    if !node.is_object() {
        *node = Value::Object(Map::new());
    }
    if let (Some(map), Some(last)) = (node.as_object_mut(), keys.last()) {
        map.insert(last.to_string(), value);
    }
}

pub(super) fn merge(base: &mut Value, over: &Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                merge(b.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (slot, value) => *slot = value.clone(),
    }
}

/// Replaces secret values by `***`: values of secret-named keys, and
/// passwords inside URL-like strings.
pub(super) fn redact(tree: &mut Value) {
    redact_at(tree, "");
}

/// [`redact`] of the value at `path`: any key of a credentials section is
/// redacted whatever its spelling ([`drydock_core::is_secret_config_path`]).
fn redact_at(tree: &mut Value, path: &str) {
    match tree {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                let here = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                let secret = drydock_core::is_secret_config_path(&here) && !v.is_object();
                if secret && !v.is_null() && !names_no_secret(k) {
                    *v = Value::String(drydock_core::REDACTED.into());
                } else {
                    redact_at(v, &here);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| redact_at(v, path)),
        Value::String(s) if s.contains("://") => *s = drydock_core::redact_str(s),
        _ => {}
    }
}

/// Keys naming where a secret is (a file, an environment variable) hold no
/// secret themselves.
fn names_no_secret(key: &str) -> bool {
    ["_env", "_file", "_path", "_dir"]
        .iter()
        .any(|s| key.ends_with(s))
        || matches!(
            key,
            "client_key" | "client_cert" | "keyfile" | "certfile" | "cafile"
        )
}

pub(super) mod size {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(size: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&bytesize::ByteSize(*size).display().iec())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Size {
            Bytes(u64),
            Text(String),
        }
        match Size::deserialize(d)? {
            Size::Bytes(n) => Ok(n),
            Size::Text(t) => t
                .parse::<bytesize::ByteSize>()
                .map(|b| b.as_u64())
                .map_err(|e| {
                    serde::de::Error::custom(format!("`{t}` is not a size such as 64MiB: {e}"))
                }),
        }
    }
}
