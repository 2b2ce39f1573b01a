//! [`YamlLocator`]: line and column of a field path, found by re-parsing only
//! the document a message is about. Nothing is parsed until a message asks.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;

use crate::model::value::{Node, ScalarKind, Value};
use drydock_core::SiteDesign;
use drydock_core::design::DocumentSource;
use drydock_core::report::{Location, Message};
use drydock_core::{Locator, PathStep, fill_locations, parse_path};

use crate::parse::{Limits, decode, load_document_at, split};

/// Locates field paths in the YAML text (either format) a design was ingested from.
pub struct YamlLocator<'t> {
    bytes: &'t [u8],
    limits: Limits,
    /// The text and its pieces, split on first use.
    stream: OnceCell<Option<(&'t str, Vec<split::Piece>)>>,
    /// Parsed documents by starting line: the most recent few only, so that
    /// locating one message in each of thousands of documents does not keep
    /// every document's tree alive at once (memory stays bounded).
    documents: RefCell<HashMap<u32, Option<Node>>>,
}

impl<'t> YamlLocator<'t> {
    /// A locator over `bytes` (the input of the ingester), with default limits.
    pub fn new(bytes: &'t [u8]) -> Self {
        YamlLocator {
            bytes,
            limits: Limits::default(),
            stream: OnceCell::new(),
            documents: RefCell::new(HashMap::new()),
        }
    }

    fn stream(&self) -> Option<&(&'t str, Vec<split::Piece>)> {
        self.stream
            .get_or_init(|| {
                let text = decode(self.bytes).ok()?;
                Some((text, split::split(text)))
            })
            .as_ref()
    }
}

fn location(line: u32, column: u32) -> Location {
    Location {
        line: u64::from(line),
        column: u64::from(column),
    }
}

/// Walks `steps` down from `root`: the position of the last step found (a
/// key's own position for a key, the item's for an index).
fn walk(root: &Node, steps: &[PathStep]) -> Option<Location> {
    let mut node = root;
    let mut found = None;
    for step in steps {
        let next = match (step, &node.value) {
            (PathStep::Key(k), Value::Map(entries)) => entries
                .iter()
                .find(|(key, _)| key.kind == ScalarKind::Str && key.text == *k)
                .map(|(key, value)| (location(key.mark.line, key.mark.column), value)),
            (PathStep::Index(i), Value::Seq(items)) => items
                .get(*i)
                .map(|item| (location(item.mark.line, item.mark.column), item)),
            _ => None,
        };
        let Some((at, child)) = next else { break };
        found = Some(at);
        node = child;
    }
    found
}

/// How many parsed documents a locator keeps for the next message.
const KEPT_DOCUMENTS: usize = 64;

impl Locator for YamlLocator<'_> {
    fn locate(&self, document: &DocumentSource, path: &str) -> Option<Location> {
        let steps = parse_path(path)?;
        let (text, pieces) = self.stream()?;
        let mut documents = self.documents.borrow_mut();
        if documents.len() >= KEPT_DOCUMENTS && !documents.contains_key(&document.line) {
            documents.clear();
        }
        let root = documents
            .entry(document.line)
            .or_insert_with(|| load_document_at(text, pieces, document.line, &self.limits));
        walk(root.as_ref()?, &steps)
    }
}

/// Fills in the line and column of every message of `messages` that has a
/// field path, inside the document `bytes` (the ingested YAML) holds.
pub fn locate_messages(messages: &mut [Message], design: &SiteDesign, bytes: &[u8]) {
    fill_locations(messages, design, &YamlLocator::new(bytes));
}
