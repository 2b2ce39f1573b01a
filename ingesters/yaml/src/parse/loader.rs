//! YAML events to [`Node`] trees, with every hostile case bounded: nesting
//! depth and nodes per document (alias expansion included) are capped,
//! complex keys and unknown tags are errors, never crashes; a duplicate key
//! keeps the later value with a warning.

use std::borrow::Cow;

use crate::model::value::{Key, Mark, Node, ScalarKind, Short, Text, Value};
use saphyr_parser::{Event, ScalarStyle, Span, Tag};

use super::mapping::finish_map;
use super::resolve::{self, KindName, kind_of_value};
use super::{Budget, Limits, LoadError, LoadWarning, LoadedDoc};
use drydock_core::lean::push_lean;

enum Container {
    /// A sequence whose items so far are `items[start..]` of the loader.
    Seq { start: usize },
    /// A mapping whose entries so far are `entries[start..]` of the loader.
    Map {
        start: usize,
        key: Option<Key>,
        merge_next: bool,
        merges: Vec<Node>,
    },
}

struct Frame {
    container: Container,
    mark: Mark,
    anchor: usize,
    nodes_at_start: usize,
    weight_at_start: usize,
}

/// Builds the trees of one piece's documents from its events.
pub(super) struct Loader<'b> {
    line_offset: u32,
    limits: Limits,
    max_nodes: usize,
    stack: Vec<Frame>,
    /// The items and entries of the open collections, innermost last: a
    /// collection takes its own, exactly sized, when it closes.
    items: Vec<Node>,
    entries: Vec<(Key, Node)>,
    anchors: Vec<Option<(Node, usize)>>,
    nodes: usize,
    /// String bytes of the scalars seen, in nodes ([`BYTES_PER_NODE`] each):
    /// not charged as they are read (the input holds them), but part of
    /// what an alias to them costs, since expanding it copies them.
    weight: usize,
    root: Option<Node>,
    doc_mark: Mark,
    warnings: Vec<LoadWarning>,
    /// Warnings past those kept, counted.
    omitted_warnings: u64,
    budget: &'b Budget,
    /// Nodes counted but not yet spent from the budget …
    pub(super) pending: usize,
    /// … and all counted: the fast path gives back what it spent when it
    /// leaves a piece to the full parser.
    pub(super) drawn: usize,
}

/// An alias copies the strings it names: every this many bytes of them cost
/// one node, so that copies of one long string cannot outgrow the input.
const BYTES_PER_NODE: usize = 8;

impl<'b> Loader<'b> {
    /// A loader of one piece of text that starts at line `first_line`.
    pub(super) fn new(text: &str, first_line: u32, limits: &Limits, budget: &'b Budget) -> Self {
        Loader {
            budget,
            pending: 0,
            drawn: 0,
            line_offset: first_line.saturating_sub(1),
            limits: limits.clone(),
            max_nodes: limits
                .max_nodes_base
                .saturating_add(text.len().saturating_mul(limits.max_nodes_per_byte)),
            stack: Vec::new(),
            items: Vec::new(),
            entries: Vec::new(),
            anchors: Vec::new(),
            nodes: 0,
            weight: 0,
            root: None,
            doc_mark: Mark::new(first_line, 1),
            warnings: Vec::new(),
            omitted_warnings: 0,
        }
    }
}

impl Loader<'_> {
    /// Where `line` and `col` (as `saphyr-parser` counts) are in the stream.
    pub(super) fn mark_at(&self, line: usize, col: usize) -> Mark {
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        let col = u32::try_from(col).unwrap_or(u32::MAX - 1);
        Mark::new(self.line_offset.saturating_add(line), col + 1)
    }

    fn err<T>(&self, mark: Mark, message: String) -> Result<T, LoadError> {
        Err(LoadError { message, mark })
    }

    /// Takes one event, adding a document to `out` when one ends; false
    /// (the error added to `out`) when the event cannot be loaded.
    pub(super) fn take(
        &mut self,
        ev: Event<'_>,
        span: Span,
        out: &mut Vec<Result<LoadedDoc, LoadError>>,
    ) -> bool {
        match self.event(ev, span) {
            Ok(Some(doc)) => out.push(Ok(doc)),
            Ok(None) => {}
            Err(e) => {
                out.push(Err(e));
                return false;
            }
        }
        true
    }

    /// Takes one event: a whole document once it ends.
    pub(super) fn event(
        &mut self,
        ev: Event<'_>,
        span: Span,
    ) -> Result<Option<LoadedDoc>, LoadError> {
        let mark = self.mark_at(span.start.line(), span.start.col());
        match ev {
            Event::DocumentStart(_) => {
                self.doc_mark = mark;
                self.anchors.clear();
                self.items.clear();
                self.entries.clear();
                self.nodes = 0;
                self.weight = 0;
                self.root = None;
                self.warnings.clear();
                self.omitted_warnings = 0;
            }
            Event::DocumentEnd => {
                let root = self.root.take();
                self.anchors.clear();
                return Ok(Some(LoadedDoc {
                    root,
                    mark: self.doc_mark,
                    warnings: std::mem::take(&mut self.warnings),
                    omitted_warnings: std::mem::take(&mut self.omitted_warnings),
                }));
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.count(1, mark)?;
                let weight = text.len() / BYTES_PER_NODE;
                self.weight = self.weight.saturating_add(weight);
                if self.in_key_position() {
                    let merge = style == ScalarStyle::Plain && text == "<<" && tag.is_none();
                    let kind = match (&tag, style) {
                        (None, ScalarStyle::Plain) => resolve::kind_of(&text),
                        (None, _) => ScalarKind::Str,
                        (Some(_), _) => {
                            self.scalar(Cow::Borrowed(&text), style, tag.as_deref(), mark)?
                                .1
                        }
                    };
                    if anchor > 0 {
                        let (value, _) =
                            self.scalar(Cow::Borrowed(&text), style, tag.as_deref(), mark)?;
                        self.remember(anchor, Node::new(value, mark), 1 + weight);
                    }
                    let key = Key {
                        text: owned(text),
                        kind,
                        mark,
                    };
                    if let Some(Frame {
                        container:
                            Container::Map {
                                key: k, merge_next, ..
                            },
                        ..
                    }) = self.stack.last_mut()
                    {
                        if merge {
                            *merge_next = true;
                        } else {
                            *k = Some(key);
                        }
                    }
                    return Ok(None);
                }
                let (value, _) = self.scalar(text, style, tag.as_deref(), mark)?;
                let node = Node::new(value, mark);
                if anchor > 0 {
                    self.remember(anchor, node.clone(), 1 + weight);
                }
                self.push(node)?;
            }
            Event::SequenceStart(anchor, tag) => self.open(false, anchor, tag.as_deref(), mark)?,
            Event::MappingStart(anchor, tag) => self.open(true, anchor, tag.as_deref(), mark)?,
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return self.err(mark, "unbalanced collection end".into());
                };
                let size = (self.nodes - frame.nodes_at_start + 1)
                    .saturating_add(self.weight - frame.weight_at_start);
                let value = match frame.container {
                    // Exactly as long as they are: one allocation each.
                    Container::Seq { start } => Value::Seq(self.items.drain(start..).collect()),
                    Container::Map { start, merges, .. } => {
                        let entries = self.entries.drain(start..).collect();
                        let mut entries = finish_map(
                            entries,
                            merges,
                            &mut self.warnings,
                            &mut self.omitted_warnings,
                        )?;
                        if !entries.is_empty() && entries.capacity() > entries.len() {
                            entries.shrink_to_fit();
                        }
                        Value::Map(entries)
                    }
                };
                let node = Node::new(value, frame.mark);
                if frame.anchor > 0 {
                    self.count(size, frame.mark)?;
                    self.remember(frame.anchor, node.clone(), size);
                }
                self.push(node)?;
            }
            Event::Alias(id) => {
                let Some(size) = self
                    .anchors
                    .get(id)
                    .and_then(|a| a.as_ref())
                    .map(|(_, s)| *s)
                else {
                    return self.err(mark, "alias to an unknown anchor".into());
                };
                // Count before cloning: an alias bomb stops here, before any memory is spent.
                self.count(size, mark)?;
                let Some(Some((node, _))) = self.anchors.get(id) else {
                    return self.err(mark, "alias to an unknown anchor".into());
                };
                let node = node.clone();
                if self.in_key_position() {
                    return match node.value {
                        Value::Seq(_) | Value::Map(_) => self.err(
                            mark,
                            "a mapping key must be a scalar, not a collection".into(),
                        ),
                        _ => {
                            let text = match &node.value {
                                Value::Str(s) | Value::Timestamp(s) => s.clone(),
                                _ => Short(&node).to_string().into(),
                            };
                            self.set_key(Key {
                                text,
                                kind: kind_of_value(&node.value),
                                mark,
                            });
                            Ok(None)
                        }
                    };
                }
                self.push(node)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
        Ok(None)
    }

    fn in_key_position(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                container: Container::Map {
                    key: None,
                    merge_next: false,
                    ..
                },
                ..
            })
        )
    }

    fn set_key(&mut self, key: Key) {
        if let Some(Frame {
            container: Container::Map { key: k, .. },
            ..
        }) = self.stack.last_mut()
        {
            *k = Some(key);
        }
    }

    fn count(&mut self, n: usize, mark: Mark) -> Result<(), LoadError> {
        self.drawn = self.drawn.saturating_add(n);
        if !self.budget.draw(&mut self.pending, n) {
            return self.err(mark, "the input as a whole has too many nodes".into());
        }
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.max_nodes {
            return self.err(
                mark,
                format!(
                    "document expands to more than {} nodes (an alias bomb?)",
                    self.max_nodes
                ),
            );
        }
        Ok(())
    }

    fn remember(&mut self, anchor: usize, node: Node, size: usize) {
        if self.anchors.len() <= anchor {
            self.anchors.resize(anchor + 1, None);
        }
        self.anchors[anchor] = Some((node, size));
    }

    fn push(&mut self, node: Node) -> Result<(), LoadError> {
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                Ok(())
            }
            Some(Frame {
                container: Container::Seq { .. },
                ..
            }) => {
                push_lean(&mut self.items, node);
                Ok(())
            }
            Some(Frame {
                container:
                    Container::Map {
                        key,
                        merge_next,
                        merges,
                        ..
                    },
                ..
            }) => {
                if *merge_next {
                    *merge_next = false;
                    merges.push(node);
                } else if let Some(k) = key.take() {
                    push_lean(&mut self.entries, (k, node));
                }
                Ok(())
            }
        }
    }

    fn scalar(
        &self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        tag: Option<&Tag>,
        mark: Mark,
    ) -> Result<(Value, ScalarKind), LoadError> {
        if let Some(tag) = tag {
            let core = tag.is_yaml_core_schema() || tag.handle == "!!";
            let suffix = tag.suffix.as_str();
            return match (core, suffix) {
                (true, "str") | (false, "") => Ok((Value::Str(owned(text)), ScalarKind::Str)),
                (true, "int" | "float" | "bool" | "null" | "timestamp") => {
                    let v = resolve::plain(&text);
                    let k = kind_of_value(&v);
                    if k.name() != suffix && !(suffix == "float" && k == ScalarKind::Int) {
                        return self.err(mark, format!("'{text}' is not a valid !!{suffix}"));
                    }
                    Ok((v, k))
                }
                _ => self.err(
                    mark,
                    format!("unsupported tag {tag} (only YAML core tags are allowed)"),
                ),
            };
        }
        if style == ScalarStyle::Plain {
            let v = resolve::plain_owned(text);
            let k = kind_of_value(&v);
            Ok((v, k))
        } else {
            Ok((Value::Str(owned(text)), ScalarKind::Str))
        }
    }

    fn open(
        &mut self,
        is_map: bool,
        anchor: usize,
        tag: Option<&Tag>,
        mark: Mark,
    ) -> Result<(), LoadError> {
        if let Some(t) = tag {
            let core = t.is_yaml_core_schema() || t.handle == "!!";
            let want = if is_map { "map" } else { "seq" };
            if !(core && t.suffix == want) {
                return self.err(mark, format!("unsupported tag {t} here (only !!{want})"));
            }
        }
        if self.in_key_position() {
            return self.err(
                mark,
                "a mapping key must be a scalar, not a collection".into(),
            );
        }
        if self.stack.len() >= self.limits.max_depth {
            return self.err(
                mark,
                format!("nesting deeper than {} levels", self.limits.max_depth),
            );
        }
        self.count(1, mark)?;
        let container = if is_map {
            Container::Map {
                start: self.entries.len(),
                key: None,
                merge_next: false,
                merges: Vec::new(),
            }
        } else {
            Container::Seq {
                start: self.items.len(),
            }
        };
        self.stack.push(Frame {
            container,
            mark,
            anchor,
            nodes_at_start: self.nodes,
            weight_at_start: self.weight,
        });
        Ok(())
    }
}

/// The scalar's text, inline when short, else without spare capacity (the
/// design keeps it).
fn owned(text: Cow<'_, str>) -> Text {
    let mut s = Text::from(text);
    if s.capacity() > s.len() + 8 {
        s.shrink_to_fit();
    }
    s
}
