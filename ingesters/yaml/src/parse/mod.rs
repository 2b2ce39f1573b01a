//! Bounded, parallel parsing of multi-document YAML into [`Node`] trees.
//!
//! The stream is decoded as UTF-8, split into documents at `---` markers
//! ([`split`]), and the documents are parsed by `saphyr-parser` on all cores,
//! each into a positioned tree (the `loader` module; plain block YAML by a
//! fast path, the `fast` module) with YAML 1.1 scalar resolution
//! ([`resolve`]). A caller's function runs on each document in the worker
//! thread, so building the model is parallel too; results come back in input order.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::model::value::{Mark, Node};

pub use crate::error::LoadError;

mod fast;
mod loader;
mod mapping;
mod piece;
pub mod resolve;
pub mod split;

/// Bounds on what one document may cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of collections.
    pub max_depth: usize,
    /// Nodes any document may have, aliases expanded …
    pub max_nodes_base: usize,
    /// … plus this many per byte of the document.
    pub max_nodes_per_byte: usize,
    /// Worker threads; 0 means one per core (at most 8).
    pub threads: usize,
    /// Inputs smaller than this are parsed on the calling thread.
    pub parallel_threshold: usize,
    /// Documents (`---` markers) an input may hold; more is
    /// [`crate::InputError::TooManyDocuments`]. Every document costs memory
    /// beyond its bytes (its tree, its report message), so this bounds what
    /// millions of tiny documents can take.
    pub max_documents: usize,
    /// Nodes the whole input may have (aliases expanded), at most one per
    /// this many bytes of input …
    pub bytes_per_node: usize,
    /// … plus this many. Beyond is [`crate::InputError::TooManyNodes`]:
    /// memory stays in proportion to the input (site designs have about one
    /// node per 15 bytes).
    pub stream_nodes_base: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 128,
            max_nodes_base: 50_000,
            max_nodes_per_byte: 4,
            threads: 0,
            parallel_threshold: 256 * 1024,
            max_documents: 100_000,
            bytes_per_node: 8,
            stream_nodes_base: 65_536,
        }
    }
}

/// The nodes a whole stream may still have, shared by the parsing threads.
#[derive(Debug)]
pub struct Budget {
    used: AtomicUsize,
    max: usize,
    exceeded: AtomicBool,
}

impl Budget {
    /// The budget `limits` give an input of `len` bytes.
    pub fn for_input(limits: &Limits, len: usize) -> Self {
        Budget::new(
            limits
                .stream_nodes_base
                .saturating_add(len / limits.bytes_per_node.max(1)),
        )
    }

    /// A budget of `max` nodes.
    pub fn new(max: usize) -> Self {
        Budget {
            used: AtomicUsize::new(0),
            max,
            exceeded: AtomicBool::new(false),
        }
    }

    /// Spends `n` nodes; false once the budget is exceeded.
    pub fn spend(&self, n: usize) -> bool {
        if self.exceeded.load(Ordering::Relaxed) {
            return false;
        }
        let used = self.used.fetch_add(n, Ordering::Relaxed).saturating_add(n);
        if used > self.max {
            self.exceeded.store(true, Ordering::Relaxed);
            return false;
        }
        true
    }

    /// Adds `n` to a parser's `pending` nodes and spends them in batches
    /// (one atomic operation per 1,024 nodes); false once exceeded.
    pub(crate) fn draw(&self, pending: &mut usize, n: usize) -> bool {
        *pending = pending.saturating_add(n);
        *pending < 1024 || self.spend(std::mem::take(pending))
    }

    /// Gives back `n` nodes spent by a parse that is being done again.
    pub(crate) fn refund(&self, n: usize) {
        let _ = self
            .used
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
                Some(used.saturating_sub(n))
            });
    }

    /// Whether more nodes were asked for than the budget has.
    pub fn exceeded(&self) -> bool {
        self.exceeded.load(Ordering::Relaxed)
    }

    /// The budget's size.
    pub fn max(&self) -> usize {
        self.max
    }
}

/// One parsed document.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedDoc {
    /// The root value; `None` for an empty document.
    pub root: Option<Node>,
    /// Where the document starts.
    pub mark: Mark,
    /// What parsed but deserves a look (a duplicate key), in input order:
    /// at most [`drydock_core::report::MAX_MESSAGES_PER_KIND`] …
    pub warnings: Vec<LoadWarning>,
    /// … and how many more were left out.
    pub omitted_warnings: u64,
}

/// Something a document does that parses but is suspicious: a duplicate key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadWarning {
    /// What it is.
    pub message: String,
    /// Where.
    pub mark: Mark,
}

/// Decodes `bytes`, splits and parses them, and maps every document with
/// `each`, in parallel for large inputs. Results are in input order. The only
/// error is input that is not UTF-8; every other problem is a per-document
/// `Err` handed to `each`.
pub fn load_stream<R, F>(bytes: &[u8], limits: &Limits, each: F) -> Result<Vec<R>, LoadError>
where
    R: Send,
    F: Fn(Result<LoadedDoc, LoadError>) -> R + Sync,
{
    load_stream_within(bytes, limits, &Budget::for_input(limits, bytes.len()), each)
}

/// [`load_stream`] drawing nodes from `budget`: once it is exceeded the
/// remaining documents fail fast (the caller checks [`Budget::exceeded`]).
pub fn load_stream_within<R, F>(
    bytes: &[u8],
    limits: &Limits,
    budget: &Budget,
    each: F,
) -> Result<Vec<R>, LoadError>
where
    R: Send,
    F: Fn(Result<LoadedDoc, LoadError>) -> R + Sync,
{
    let batches = load_stream_folded(bytes, limits, budget, Vec::new, |out: &mut Vec<R>, doc| {
        out.push(each(doc));
    })?;
    let mut batches = batches.into_iter();
    let mut out = batches.next().unwrap_or_default();
    for more in batches {
        out.extend(more);
    }
    Ok(out)
}

/// [`load_stream_within`] folding the documents of each batch (about 64
/// KiB of input, in input order) into an accumulator of its own, made by
/// `new`: the accumulators, in input order (one for an input parsed on one
/// thread). What a batch keeps can thus be bounded before the next is read.
pub fn load_stream_folded<A, N, F>(
    bytes: &[u8],
    limits: &Limits,
    budget: &Budget,
    new: N,
    fold: F,
) -> Result<Vec<A>, LoadError>
where
    A: Send,
    N: Fn() -> A + Sync,
    F: Fn(&mut A, Result<LoadedDoc, LoadError>) + Sync,
{
    let text = decode(bytes)?;
    let pieces = split::split(text);
    let threads = match limits.threads {
        0 => std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8),
        n => n,
    };
    let run = |piece: &split::Piece, acc: &mut A| {
        for doc in piece::load(
            &text[piece.start..piece.end],
            piece.first_line,
            limits,
            budget,
        ) {
            fold(acc, doc);
        }
    };
    if threads <= 1 || text.len() < limits.parallel_threshold || pieces.len() < 2 {
        let mut acc = new();
        for p in &pieces {
            run(p, &mut acc);
        }
        return Ok(vec![acc]);
    }
    // Batches of about 64 KiB, taken in turn by the workers.
    let mut batches: Vec<&[split::Piece]> = Vec::new();
    let mut from = 0;
    let mut bytes_in = 0;
    for (i, p) in pieces.iter().enumerate() {
        bytes_in += p.end - p.start;
        if bytes_in >= 64 * 1024 || i + 1 == pieces.len() {
            batches.push(&pieces[from..=i]);
            from = i + 1;
            bytes_in = 0;
        }
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, A)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads.min(batches.len()))
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(batch) = batches.get(i) else { break };
                        let mut acc = new();
                        for p in *batch {
                            run(p, &mut acc);
                        }
                        mine.push((i, acc));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| match w.join() {
                Ok(v) => v,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    Ok(done.into_iter().map(|(_, acc)| acc).collect())
}

/// The document of `text` that starts at `line` (as [`LoadedDoc::mark`]
/// gives it), parsing only the piece of the stream that holds it; `pieces`
/// is [`split::split`] of `text`.
pub(crate) fn load_document_at(
    text: &str,
    pieces: &[split::Piece],
    line: u32,
    limits: &Limits,
) -> Option<Node> {
    let at = pieces
        .partition_point(|p| p.first_line <= line)
        .checked_sub(1)?;
    let piece = pieces[at];
    let budget = Budget::new(usize::MAX);
    piece::load(
        &text[piece.start..piece.end],
        piece.first_line,
        limits,
        &budget,
    )
    .into_iter()
    .flatten()
    .find(|d| d.mark.line == line)?
    .root
}

/// UTF-8 text without a leading byte-order mark, or where the first bad byte is.
pub(crate) fn decode(bytes: &[u8]) -> Result<&str, LoadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        LoadError {
            message: format!(
                "input is not valid UTF-8: byte 0x{:02x} at offset {}",
                bytes[e.valid_up_to()],
                e.valid_up_to()
            ),
            mark: Mark::new(
                u32::try_from(line).unwrap_or(u32::MAX),
                u32::try_from(column).unwrap_or(u32::MAX),
            ),
        }
    })
}
