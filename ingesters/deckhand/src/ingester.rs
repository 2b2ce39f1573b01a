//! The Deckhand-format ingester: `schema: drydock/<Kind>/v1`, `metadata`, `data`.

use std::sync::Arc;

use drydock_core::design::{DocumentSource, Kind};
use drydock_core::report::{Level, Message, PROCESSING_ERROR};
use drydock_core::{Bytes, Detection, IngestOptions, Ingested, Ingester, Result};
use drydock_ingester_yaml::document::{
    body, document_name, head, header_str, metadata_name, root, sniff, with_warnings,
};
use drydock_ingester_yaml::model::build::{Outcome, build_item, document_error};
use drydock_ingester_yaml::model::value::{Mark, Node};
use drydock_ingester_yaml::parse::LoadedDoc;
use drydock_ingester_yaml::{LoadError, YamlOptions, ingest_with, input_error};

/// The metadata schema of Deckhand documents.
pub const METADATA_SCHEMA: &str = "metadata/Document/v1";

/// Reads Deckhand-format site designs (rendered documents of a revision).
#[derive(Clone, Debug, Default)]
pub struct DeckhandIngester {
    options: YamlOptions,
}

impl DeckhandIngester {
    /// An ingester with these options (shared with the YAML ingester: parsing limits).
    pub fn new(options: YamlOptions) -> Self {
        DeckhandIngester { options }
    }
}

/// Builds the ingester with default options (the registry's constructor).
pub fn new_ingester() -> Arc<dyn Ingester> {
    Arc::new(DeckhandIngester::default())
}

impl Ingester for DeckhandIngester {
    fn name(&self) -> &'static str {
        crate::NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        let head = head(bytes);
        match (sniff(&head, "schema"), sniff(&head, "apiVersion")) {
            (Some(s), _) if s.split('/').count() == 3 => Detection::Yes,
            (Some(_), None) => Detection::Maybe,
            _ => Detection::No,
        }
    }

    fn ingest(&self, bytes: &Bytes, options: &IngestOptions) -> Result<Ingested> {
        ingest_with(crate::NAME, bytes, &self.options, deckhand_outcome)
            .map_err(|e| input_error(crate::NAME, options, e))
    }

    fn locator<'b>(&self, bytes: &'b [u8]) -> Option<Box<dyn drydock_core::Locator + 'b>> {
        Some(Box::new(drydock_ingester_yaml::YamlLocator::new(bytes)))
    }
}

/// What one Deckhand document is: an item, an error, or another namespace's
/// document; with the parser's warnings about it.
pub fn deckhand_outcome(doc: std::result::Result<LoadedDoc, LoadError>) -> Outcome {
    let (node, start, warnings) = match root(doc) {
        Ok(x) => x,
        Err(outcome) => return outcome,
    };
    let schema = node
        .get("schema")
        .and_then(|s| s.as_str())
        .unwrap_or("")
        .to_owned();
    let name = document_name(&node);
    with_warnings(deckhand_document(node, start), warnings, &schema, &name)
}

fn deckhand_document(node: Node, start: Mark) -> Outcome {
    let schema = match header_str(&node, "schema") {
        Ok(s) => s.to_owned(),
        Err(m) => return Outcome::Invalid(vec![*m]),
    };
    let parts: Vec<&str> = schema.split('/').collect();
    if parts[0] != "drydock" {
        return Outcome::Skipped(schema);
    }
    let name = metadata_name(&node, &schema);
    let unknown = |what: String| {
        document_error(
            &schema,
            name.as_deref().unwrap_or("(unnamed)"),
            start,
            format!("Invalid document - {what}"),
            "Known schemas: drydock/<Kind>/v1 with Kind one of Region, NetworkLink, Network, \
             HardwareProfile, HostProfile, BaremetalNode, Rack, BootAction.",
        )
    };
    let kind = match parts.as_slice() {
        [_, kind, "v1"] => match Kind::parse(kind) {
            Some(k) => k,
            None => return unknown(format!("Kind {kind} and Version v1")),
        },
        [_, kind, version] => return unknown(format!("Kind {kind} and Version {version}")),
        _ => {
            return unknown(format!(
                "schema '{schema}' is not <namespace>/<Kind>/<version>"
            ));
        }
    };
    let name = match name {
        Ok(n) => n,
        Err(m) => return Outcome::Invalid(vec![*m]),
    };
    let mut warnings = Vec::new();
    let meta_schema = node.get("metadata").and_then(|m| m.get("schema"));
    if let Some(ms) = meta_schema
        && ms.as_str() != Some(METADATA_SCHEMA)
    {
        warnings.push(Message {
            level: Level::Warning,
            ..Message::error(
                PROCESSING_ERROR,
                format!("metadata.schema of {schema} '{name}' is not {METADATA_SCHEMA}"),
            )
            .with_path("metadata.schema")
            .at(u64::from(ms.mark.line), u64::from(ms.mark.column))
            .about(schema.clone(), name.clone())
        });
    }
    let source = DocumentSource {
        format: crate::NAME.into(),
        schema: kind.schema_v1().into(),
        name,
        line: start.line,
    };
    match build_item(kind, source, body(node, "data"), "data") {
        Outcome::Item(item, mut w) => {
            warnings.append(&mut w);
            Outcome::Item(item, warnings)
        }
        other => other,
    }
}
