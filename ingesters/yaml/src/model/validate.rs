//! A small JSON-schema (draft 4 subset) validator over [`Node`] trees, reporting
//! the field path and input position of every violation.
//!
//! Keywords understood: `type`, `properties`, `additionalProperties`, `items`, `minItems`,
//! `required`, `enum`, `oneOf`, `pattern` (the patterns Drydock's schemas use),
//! `format` (`ipv4`, `uri`: warnings, as the original never checked them) and
//! `x-octal` (a permission string of octal digits, a rule of the original's model).

use serde_json::Value as Schema;

use super::value::{Mark, Node, Path, ScalarKind, Short, Value};
use drydock_core::report::Level;

/// One violation of a schema rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    /// Error, or warning for unchecked formats.
    pub level: Level,
    /// Where inside the document (`data.interfaces.bond0.slaves[1]`).
    pub path: String,
    /// Where in the input.
    pub mark: Mark,
    /// What is wrong, jsonschema style.
    pub message: String,
}

/// Violations found, at most `cap` kept (the rest only counted): bounded
/// memory whatever the input.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Violations {
    /// The violations kept, in document order.
    pub list: Vec<Violation>,
    /// Error-level violations found, kept or not.
    pub errors: usize,
    cap: usize,
}

impl Violations {
    /// An empty collection keeping at most `cap` violations.
    pub fn new(cap: usize) -> Self {
        Violations {
            list: Vec::new(),
            errors: 0,
            cap,
        }
    }

    /// Records a violation.
    pub fn push(&mut self, v: Violation) {
        if v.level == Level::Error {
            self.errors += 1;
        }
        if self.list.len() < self.cap {
            self.list.push(v);
        }
    }
}

/// Validates `node` (found at `path`) against `schema`, appending violations to `out`.
pub fn validate(schema: &Schema, node: &Node, path: &Path<'_>, out: &mut Violations) {
    let Some(schema) = schema.as_object() else {
        return;
    };
    let mut fail = |msg: String| {
        out.push(Violation {
            level: Level::Error,
            path: path.to_string(),
            mark: node.mark,
            message: msg,
        })
    };
    if let Some(t) = schema.get("type") {
        let names: Vec<&str> = match t {
            Schema::String(s) => vec![s.as_str()],
            Schema::Array(a) => a.iter().filter_map(Schema::as_str).collect(),
            _ => Vec::new(),
        };
        if !names.iter().any(|n| type_matches(n, node)) {
            let what = names
                .iter()
                .map(|n| format!("'{n}'"))
                .collect::<Vec<_>>()
                .join(", ");
            fail(format!("{} is not of type {what}", Short(node)));
            return;
        }
    }
    if let Some(Schema::Array(allowed)) = schema.get("enum") {
        let ok = allowed
            .iter()
            .any(|a| matches!((a, &node.value), (Schema::String(a), Value::Str(s)) if a == s));
        if !ok {
            let list = allowed
                .iter()
                .map(|a| a.to_string().replace('"', "'"))
                .collect::<Vec<_>>()
                .join(", ");
            fail(format!("{} is not one of [{list}]", Short(node)));
        }
    }
    if let (Some(Schema::String(p)), Value::Str(s)) = (schema.get("pattern"), &node.value)
        && !pattern_matches(p, s)
    {
        fail(format!("{} does not match '{p}'", Short(node)));
    }
    if let (Some(Schema::Bool(true)), Value::Str(s)) = (schema.get("x-octal"), &node.value)
        && (s.is_empty() || !s.bytes().all(|b| (b'0'..=b'7').contains(&b)))
    {
        fail(format!(
            "{} is not an octal permission mode (digits 0-7)",
            Short(node)
        ));
    }
    if let (Some(Schema::String(f)), Value::Str(s)) = (schema.get("format"), &node.value)
        && !format_matches(f, s)
    {
        out.push(Violation {
            level: Level::Warning,
            path: path.to_string(),
            mark: node.mark,
            message: format!("{} is not a valid '{f}'", Short(node)),
        });
    }
    if let Some(Schema::Array(subs)) = schema.get("oneOf") {
        let matching = subs
            .iter()
            .filter(|s| {
                let mut tmp = Violations::new(0);
                validate(s, node, path, &mut tmp);
                tmp.errors == 0
            })
            .count();
        if matching != 1 {
            let how = if matching == 0 { "any" } else { "exactly one" };
            out.push(Violation {
                level: Level::Error,
                path: path.to_string(),
                mark: node.mark,
                message: format!(
                    "{} is not valid under {how} of the given schemas",
                    Short(node)
                ),
            });
        }
    }
    match &node.value {
        Value::Map(entries) => validate_object(schema, node, entries, path, out),
        Value::Seq(items) => {
            if let Some(min) = schema.get("minItems").and_then(Schema::as_u64)
                && (items.len() as u64) < min
            {
                out.push(Violation {
                    level: Level::Error,
                    path: path.to_string(),
                    mark: node.mark,
                    message: format!("{} is too short: at least {min} expected", Short(node)),
                });
            }
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    validate(item_schema, item, &path.index(i), out);
                }
            }
        }
        _ => {}
    }
}

fn validate_object(
    schema: &serde_json::Map<String, Schema>,
    node: &Node,
    entries: &[(super::value::Key, Node)],
    path: &Path<'_>,
    out: &mut Violations,
) {
    let props = schema.get("properties").and_then(Schema::as_object);
    if let Some(Schema::Array(required)) = schema.get("required") {
        for r in required.iter().filter_map(Schema::as_str) {
            if node.get(r).is_none() {
                out.push(Violation {
                    level: Level::Error,
                    path: path.to_string(),
                    mark: node.mark,
                    message: format!("'{r}' is a required property"),
                });
            }
        }
    }
    let additional = schema.get("additionalProperties");
    let mut unexpected = Vec::new();
    for (key, value) in entries {
        let declared = if key.kind == ScalarKind::Str {
            props.and_then(|p| p.get(key.text.as_str()))
        } else {
            None
        };
        let child = path.key(&key.text);
        match (declared, additional) {
            (Some(s), _) => validate(s, value, &child, out),
            (None, Some(Schema::Bool(false))) => unexpected.push(key),
            (None, Some(s @ Schema::Object(_))) => validate(s, value, &child, out),
            (None, _) => {}
        }
    }
    if !unexpected.is_empty() {
        let more = unexpected.len().saturating_sub(10);
        let mut names = unexpected
            .iter()
            .take(10)
            .map(|k| match k.kind {
                ScalarKind::Str => format!("'{}'", k.text),
                _ => k.text.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ");
        if more > 0 {
            names.push_str(&format!(" and {more} more"));
        }
        let verb = if unexpected.len() == 1 { "was" } else { "were" };
        let allowed = props
            .map(|p| p.keys().cloned().collect::<Vec<_>>().join(", "))
            .unwrap_or_default();
        out.push(Violation {
            level: Level::Error,
            path: path.key(&unexpected[0].text).to_string(),
            mark: unexpected[0].mark,
            message: format!(
                "Additional properties are not allowed ({names} {verb} unexpected; allowed: {allowed})"
            ),
        });
    }
}

fn type_matches(name: &str, node: &Node) -> bool {
    matches!(
        (name, &node.value),
        ("object", Value::Map(_))
            | ("array", Value::Seq(_))
            | ("string", Value::Str(_))
            | ("integer", Value::Int(_))
            | ("number", Value::Int(_) | Value::Float(_))
            | ("boolean", Value::Bool(_))
            | ("null", Value::Null)
    )
}

/// The patterns Drydock's schemas use; an unknown pattern is not checked.
fn pattern_matches(pattern: &str, s: &str) -> bool {
    match pattern {
        "^/.+" => s.starts_with('/') && s.len() > 1,
        "\\d{3}" => s
            .as_bytes()
            .windows(3)
            .any(|w| w.iter().all(u8::is_ascii_digit)),
        _ => true,
    }
}

fn format_matches(format: &str, s: &str) -> bool {
    match format {
        "ipv4" => s.parse::<std::net::Ipv4Addr>().is_ok(),
        "uri" => {
            let scheme = s.split(':').next().unwrap_or("");
            s.contains(':')
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        _ => true,
    }
}
