//! The legacy-format ingester: `apiVersion: drydock/v1`, `kind`, `metadata`, `spec`.

use std::sync::Arc;

use crate::model::build::{Assembler, Outcome, build_item};
use crate::model::value::{Mark, Node};
use drydock_core::design::{DocumentSource, Kind};
use drydock_core::report::{Message, PROCESSING_ERROR};
use drydock_core::{Bytes, Detection, Error, IngestOptions, Ingested, Ingester, Result};

use crate::document::{
    body, document_name, head, header_str, metadata_name, root, sniff, with_warnings,
};
use crate::error::InputError;
use crate::model::batch::Batch;
use crate::options::YamlOptions;
use crate::parse::{Budget, LoadError, LoadedDoc, load_stream_folded};

/// Reads legacy Drydock YAML (`apiVersion: drydock/v1`).
#[derive(Clone, Debug, Default)]
pub struct YamlIngester {
    options: YamlOptions,
}

impl YamlIngester {
    /// An ingester with these options.
    pub fn new(options: YamlOptions) -> Self {
        YamlIngester { options }
    }
}

/// Builds the ingester with default options (the registry's constructor).
pub fn new_ingester() -> Arc<dyn Ingester> {
    Arc::new(YamlIngester::default())
}

impl Ingester for YamlIngester {
    fn name(&self) -> &'static str {
        crate::NAME
    }

    fn detect(&self, bytes: &[u8]) -> Detection {
        let head = head(bytes);
        match sniff(&head, "apiVersion") {
            Some(v) if v.starts_with("drydock/") => Detection::Yes,
            Some(_) => Detection::Maybe,
            None if sniff(&head, "schema").is_some() => Detection::No,
            None if sniff(&head, "kind").is_some() => Detection::Maybe,
            None => Detection::No,
        }
    }

    fn ingest(&self, bytes: &Bytes, options: &IngestOptions) -> Result<Ingested> {
        ingest_with(crate::NAME, bytes, &self.options, legacy_outcome)
            .map_err(|e| input_error(crate::NAME, options, e))
    }

    fn locator<'b>(&self, bytes: &'b [u8]) -> Option<Box<dyn drydock_core::Locator + 'b>> {
        Some(Box::new(crate::YamlLocator::new(bytes)))
    }
}

/// An input refused as a whole, as the ingester `name`'s error.
pub fn input_error(name: &str, options: &IngestOptions, err: InputError) -> Error {
    Error::Ingest {
        ingester: name.to_owned(),
        reference: options.source.clone(),
        source: Box::new(err),
    }
}

/// Loads `bytes` with `options`, maps every document with `outcome` (in
/// parallel) and assembles the result: the frame both ingesters share.
/// Refuses an input of more than [`crate::Limits::max_documents`] documents.
pub fn ingest_with(
    name: &str,
    bytes: &[u8],
    options: &YamlOptions,
    outcome: fn(std::result::Result<LoadedDoc, LoadError>) -> Outcome,
) -> std::result::Result<Ingested, InputError> {
    let limit = options.limits.max_documents;
    if let Ok(text) = crate::parse::decode(bytes)
        && crate::parse::split::more_markers_than(text, limit)
    {
        return Err(InputError::TooManyDocuments { limit });
    }
    let budget = Budget::for_input(&options.limits, bytes.len());
    // Each batch's messages are bounded as it is read (see `Batch`).
    let loaded = load_stream_folded(bytes, &options.limits, &budget, Batch::new, |b, doc| {
        b.add(outcome(doc));
    });
    if budget.exceeded() {
        return Err(InputError::TooManyNodes {
            limit: budget.max(),
        });
    }
    let mut asm = Assembler::new(name);
    match loaded {
        Ok(batches) => {
            let outcomes: Vec<Vec<_>> = batches.into_iter().map(Batch::finish).collect();
            asm.expect(outcomes.iter().flatten());
            for outcome in outcomes.into_iter().flatten() {
                asm.add(outcome);
            }
        }
        Err(e) => asm.push(
            Message::error(
                PROCESSING_ERROR,
                format!("Error reading the design: {}", e.message),
            )
            .with_diagnostic("A site design must be UTF-8 text.")
            .at(u64::from(e.mark.line), u64::from(e.mark.column)),
        ),
    }
    Ok(asm.finish())
}

/// What one legacy document is: an item, an error, or another namespace's
/// document; with the parser's warnings about it.
pub fn legacy_outcome(doc: std::result::Result<LoadedDoc, LoadError>) -> Outcome {
    let (node, start, warnings) = match root(doc) {
        Ok(x) => x,
        Err(outcome) => return outcome,
    };
    let kind = node.get("kind").and_then(|k| k.as_str()).unwrap_or("");
    let schema = format!("drydock/{kind}/v1");
    let name = document_name(&node);
    with_warnings(legacy_document(node, start), warnings, &schema, &name)
}

fn legacy_document(node: Node, start: Mark) -> Outcome {
    let api = match header_str(&node, "apiVersion") {
        Ok(a) => a,
        Err(m) => return Outcome::Invalid(vec![*m]),
    };
    let kind_text = node.get("kind").and_then(|k| k.as_str()).unwrap_or("");
    let Some((namespace, version)) = api.split_once('/') else {
        return Outcome::Skipped(format!("{api} {kind_text}").trim().to_owned());
    };
    if namespace != "drydock" {
        return Outcome::Skipped(format!("{api} {kind_text}").trim().to_owned());
    }
    let schema = format!("{api} {kind_text}");
    let unknown = |what: String| {
        crate::model::build::document_error(
            &schema,
            &metadata_name(&node, &schema).unwrap_or_default(),
            start,
            format!("Invalid document - {what}"),
            "Known kinds: Region, NetworkLink, Network, HardwareProfile, HostProfile, BaremetalNode, Rack, BootAction; version v1.",
        )
    };
    if version != "v1" {
        return unknown(format!("unknown API version {api}"));
    }
    let kind = match header_str(&node, "kind").map(Kind::parse) {
        Ok(Some(k)) => k,
        Ok(None) => return unknown(format!("Kind {kind_text} and Version {version}")),
        Err(m) => return Outcome::Invalid(vec![m.about(schema.clone(), "(unnamed)")]),
    };
    let name = match metadata_name(&node, kind.schema_v1()) {
        Ok(n) => n,
        Err(m) => return Outcome::Invalid(vec![*m]),
    };
    let source = DocumentSource {
        format: crate::NAME.into(),
        schema: kind.schema_v1().into(),
        name,
        line: start.line,
    };
    build_item(kind, source, body(node, "spec"), "spec")
}
