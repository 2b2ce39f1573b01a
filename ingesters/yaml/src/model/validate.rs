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

/// A schema read once into the checks it asks for: validating a node then
/// looks nothing up by keyword and allocates nothing unless it fails.
#[derive(Clone, Debug, Default)]
pub struct Compiled {
    /// False for a schema that is not an object: it accepts anything.
    object: bool,
    /// `type`: the accepted types' names, and how a failure lists them.
    types: Option<(Vec<String>, String)>,
    /// `enum`: the accepted strings, and how a failure lists every value.
    enumeration: Option<(Vec<String>, String)>,
    pattern: Option<String>,
    octal: bool,
    format: Option<String>,
    one_of: Option<Vec<Compiled>>,
    min_items: Option<u64>,
    items: Option<Box<Compiled>>,
    /// `properties` by name, and their names as a failure lists them.
    properties: Option<std::collections::BTreeMap<String, Compiled>>,
    allowed: String,
    required: Option<Vec<String>>,
    additional: Additional,
}

/// What `additionalProperties` says of keys `properties` does not name.
#[derive(Clone, Debug, Default)]
enum Additional {
    /// Absent, or neither `false` nor a schema: anything goes.
    #[default]
    Allowed,
    /// `false`: an error naming them.
    Forbidden,
    /// A schema they must meet.
    Schema(Box<Compiled>),
}

impl Compiled {
    /// Reads `schema` (JSON schema, draft 4 subset).
    pub fn new(schema: &Schema) -> Self {
        let Some(schema) = schema.as_object() else {
            return Compiled::default();
        };
        let strings = |v: &Vec<Schema>| -> Vec<String> {
            v.iter()
                .filter_map(Schema::as_str)
                .map(str::to_owned)
                .collect()
        };
        let types = schema.get("type").map(|t| {
            let names: Vec<String> = match t {
                Schema::String(s) => vec![s.clone()],
                Schema::Array(a) => strings(a),
                _ => Vec::new(),
            };
            let what = names
                .iter()
                .map(|n| format!("'{n}'"))
                .collect::<Vec<_>>()
                .join(", ");
            (names, what)
        });
        let enumeration = match schema.get("enum") {
            Some(Schema::Array(allowed)) => {
                let list = allowed
                    .iter()
                    .map(|a| a.to_string().replace('"', "'"))
                    .collect::<Vec<_>>()
                    .join(", ");
                Some((strings(allowed), list))
            }
            _ => None,
        };
        let text = |key: &str| match schema.get(key) {
            Some(Schema::String(s)) => Some(s.clone()),
            _ => None,
        };
        let props = schema.get("properties").and_then(Schema::as_object);
        Compiled {
            object: true,
            types,
            enumeration,
            pattern: text("pattern"),
            octal: matches!(schema.get("x-octal"), Some(Schema::Bool(true))),
            format: text("format"),
            one_of: match schema.get("oneOf") {
                Some(Schema::Array(subs)) => Some(subs.iter().map(Compiled::new).collect()),
                _ => None,
            },
            min_items: schema.get("minItems").and_then(Schema::as_u64),
            items: schema.get("items").map(|s| Box::new(Compiled::new(s))),
            properties: props.map(|p| {
                p.iter()
                    .map(|(k, v)| (k.clone(), Compiled::new(v)))
                    .collect()
            }),
            allowed: props
                .map(|p| p.keys().cloned().collect::<Vec<_>>().join(", "))
                .unwrap_or_default(),
            required: match schema.get("required") {
                Some(Schema::Array(r)) => Some(strings(r)),
                _ => None,
            },
            additional: match schema.get("additionalProperties") {
                Some(Schema::Bool(false)) => Additional::Forbidden,
                Some(s @ Schema::Object(_)) => Additional::Schema(Box::new(Compiled::new(s))),
                _ => Additional::Allowed,
            },
        }
    }

    /// Whether the schema was an object (a schema that is not accepts anything).
    pub fn is_object(&self) -> bool {
        self.object
    }

    /// Validates `node` (found at `path`), appending violations to `out`.
    pub fn validate(&self, node: &Node, path: &Path<'_>, out: &mut Violations) {
        if !self.object {
            return;
        }
        let mut fail = |msg: String| {
            out.push(Violation {
                level: Level::Error,
                path: path.to_string(),
                mark: node.mark,
                message: msg,
            })
        };
        if let Some((names, what)) = &self.types
            && !names.iter().any(|n| type_matches(n, node))
        {
            fail(format!("{} is not of type {what}", Short(node)));
            return;
        }
        if let Some((allowed, list)) = &self.enumeration {
            let ok = matches!(&node.value, Value::Str(s) if allowed.iter().any(|a| a == s));
            if !ok {
                fail(format!("{} is not one of [{list}]", Short(node)));
            }
        }
        if let (Some(p), Value::Str(s)) = (&self.pattern, &node.value)
            && !pattern_matches(p, s)
        {
            fail(format!("{} does not match '{p}'", Short(node)));
        }
        if let (true, Value::Str(s)) = (self.octal, &node.value)
            && (s.is_empty() || !s.bytes().all(|b| (b'0'..=b'7').contains(&b)))
        {
            fail(format!(
                "{} is not an octal permission mode (digits 0-7)",
                Short(node)
            ));
        }
        if let (Some(f), Value::Str(s)) = (&self.format, &node.value)
            && !format_matches(f, s)
        {
            out.push(Violation {
                level: Level::Warning,
                path: path.to_string(),
                mark: node.mark,
                message: format!("{} is not a valid '{f}'", Short(node)),
            });
        }
        if let Some(subs) = &self.one_of {
            let matching = subs
                .iter()
                .filter(|s| {
                    let mut tmp = Violations::new(0);
                    s.validate(node, path, &mut tmp);
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
            Value::Map(entries) => self.validate_object(node, entries, path, out),
            Value::Seq(items) => {
                if let Some(min) = self.min_items
                    && (items.len() as u64) < min
                {
                    out.push(Violation {
                        level: Level::Error,
                        path: path.to_string(),
                        mark: node.mark,
                        message: format!("{} is too short: at least {min} expected", Short(node)),
                    });
                }
                if let Some(item_schema) = &self.items {
                    for (i, item) in items.iter().enumerate() {
                        item_schema.validate(item, &path.index(i), out);
                    }
                }
            }
            _ => {}
        }
    }

    fn validate_object(
        &self,
        node: &Node,
        entries: &[(super::value::Key, Node)],
        path: &Path<'_>,
        out: &mut Violations,
    ) {
        for r in self.required.iter().flatten() {
            if node.get(r).is_none() {
                out.push(Violation {
                    level: Level::Error,
                    path: path.to_string(),
                    mark: node.mark,
                    message: format!("'{r}' is a required property"),
                });
            }
        }
        let mut unexpected = Vec::new();
        for (key, value) in entries {
            let declared = if key.kind == ScalarKind::Str {
                self.properties
                    .as_ref()
                    .and_then(|p| p.get(key.text.as_str()))
            } else {
                None
            };
            match (declared, &self.additional) {
                (Some(s), _) => s.validate(value, &path.key(&key.text), out),
                (None, Additional::Forbidden) => unexpected.push(key),
                (None, Additional::Schema(s)) => s.validate(value, &path.key(&key.text), out),
                (None, Additional::Allowed) => {}
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
            out.push(Violation {
                level: Level::Error,
                path: path.key(&unexpected[0].text).to_string(),
                mark: unexpected[0].mark,
                message: format!(
                    "Additional properties are not allowed ({names} {verb} unexpected; allowed: {})",
                    self.allowed
                ),
            });
        }
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
