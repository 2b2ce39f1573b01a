//! Helpers both document formats use to read a document's header.

use crate::model::build::Outcome;
use crate::model::value::{Mark, Node, Short, Text, Value};
use drydock_core::report::{Level, Message, PROCESSING_ERROR, SCHEMA_VIOLATION};

use crate::parse::{LoadError, LoadedDoc};

/// A loaded document: its root mapping, where it starts, and the warnings
/// parsing it gave (as report messages, documents not yet named).
pub type Root = (Node, Mark, Vec<Message>);

/// The root mapping of a loaded document, or the outcome to report instead.
pub fn root(doc: Result<LoadedDoc, LoadError>) -> Result<Root, Outcome> {
    let doc = doc.map_err(|e| {
        Outcome::Invalid(vec![
            Message::error(
                PROCESSING_ERROR,
                format!("Error parsing YAML: {}", e.message),
            )
            .with_diagnostic(format!(
                "Fix the YAML at line {}, column {}; the other documents were still read.",
                e.mark.line, e.mark.column
            ))
            .at(u64::from(e.mark.line), u64::from(e.mark.column)),
        ])
    })?;
    let mut warnings: Vec<Message> = doc
        .warnings
        .into_iter()
        .map(|w| {
            Message::new(PROCESSING_ERROR, Level::Warning, w.message)
                .with_diagnostic("Remove one of the two: only the later one counts.")
                .at(u64::from(w.mark.line), u64::from(w.mark.column))
        })
        .collect();
    if doc.omitted_warnings > 0 {
        warnings.push(drydock_core::report::bound::summary(
            PROCESSING_ERROR,
            Level::Warning,
            doc.omitted_warnings,
        ));
    }
    let Some(node) = doc.root.filter(|n| n.value != Value::Null) else {
        return Err(Outcome::Empty);
    };
    if !matches!(node.value, Value::Map(_)) {
        return Err(Outcome::Invalid(vec![
            Message::error(
                PROCESSING_ERROR,
                format!("Document is not a mapping: found {}", Short(&node)),
            )
            .with_diagnostic("Every document must be a mapping with a header and a body.")
            .at(u64::from(node.mark.line), u64::from(node.mark.column)),
        ]));
    }
    Ok((node, doc.mark, warnings))
}

/// `outcome` with the parser's `warnings` about document `schema` / `name` added
/// (dropped for documents of other namespaces, which are skipped).
pub fn with_warnings(
    outcome: Outcome,
    warnings: Vec<Message>,
    schema: &str,
    name: &str,
) -> Outcome {
    if warnings.is_empty() {
        return outcome;
    }
    let named = warnings.into_iter().map(|w| w.about(schema, name));
    match outcome {
        Outcome::Item(item, mut messages) => {
            messages.extend(named);
            Outcome::Item(item, messages)
        }
        Outcome::Invalid(mut messages) => {
            messages.extend(named);
            Outcome::Invalid(messages)
        }
        other => other,
    }
}

/// A required string field of the header (`schema`, `apiVersion`, …), or the error.
pub fn header_str<'a>(node: &'a Node, key: &str) -> Result<&'a str, Box<Message>> {
    match node.get(key) {
        Some(Node {
            value: Value::Str(s),
            ..
        }) => Ok(s),
        Some(other) => Err(Box::new(
            Message::error(
                PROCESSING_ERROR,
                format!("'{key}' must be a string, found {}", Short(other)),
            )
            .with_path(key)
            .at(u64::from(other.mark.line), u64::from(other.mark.column)),
        )),
        None => Err(Box::new(
            Message::error(PROCESSING_ERROR, format!("Document has no '{key}'"))
                .with_diagnostic("Is this a site-design document?")
                .with_path(key)
                .at(u64::from(node.mark.line), u64::from(node.mark.column)),
        )),
    }
}

/// `metadata.name` as a string, or a schema violation naming the problem.
pub fn metadata_name(node: &Node, schema: &str) -> Result<Text, Box<Message>> {
    let meta = node.get("metadata");
    let name = meta.and_then(|m| m.get("name"));
    let at = name.or(meta).unwrap_or(node).mark;
    let problem = match (meta.map(|m| &m.value), name) {
        (None, _) => "'metadata' is a required property".to_owned(),
        (Some(Value::Map(_)), None) => "'name' is a required property".to_owned(),
        (
            Some(Value::Map(_)),
            Some(Node {
                value: Value::Str(s),
                ..
            }),
        ) if !s.is_empty() => {
            return Ok(s.clone());
        }
        (Some(Value::Map(_)), Some(n)) => format!("{} is not a non-empty string", Short(n)),
        (Some(_), _) => "'metadata' is not of type 'object'".to_owned(),
    };
    Err(Box::new(
        Message::error(
            SCHEMA_VIOLATION,
            format!("{schema} document: metadata.name: {problem}"),
        )
        .with_diagnostic("Every document needs a string metadata.name.")
        .with_path("metadata.name")
        .at(u64::from(at.line), u64::from(at.column))
        .about(schema, "(unnamed)"),
    ))
}

/// `metadata.name` when it is a string, else `(unnamed)`: for messages only.
pub fn document_name(node: &Node) -> String {
    node.get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Node::as_str)
        .unwrap_or("(unnamed)")
        .to_owned()
}

/// The document's body (`data` or `spec`); a missing body is an empty mapping.
pub fn body(node: Node, key: &str) -> Node {
    let mark = node.mark;
    match node.value {
        Value::Map(entries) => entries
            .into_iter()
            .find(|(k, _)| k.text == key && k.kind == crate::model::value::ScalarKind::Str)
            .map(|(_, v)| v)
            .unwrap_or_else(|| Node::new(Value::Map(Vec::new()), mark)),
        _ => Node::new(Value::Map(Vec::new()), mark),
    }
}

/// A cheap look at the first 4 KiB: does some line start with `key:`, and with what value?
pub fn sniff<'a>(head: &'a str, key: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let rest = l.strip_prefix(key)?.strip_prefix(':')?;
        Some(rest.trim().trim_matches(['\'', '"']))
    })
}

/// The first 4 KiB of the input as text (invalid UTF-8 replaced).
pub fn head(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(&bytes[..bytes.len().min(4096)])
}
