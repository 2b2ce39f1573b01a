//! The `resolve --json` document, streamed to a writer piece by piece.
//!
//! The bytes are those `serde_json::Value` printed (every object's keys
//! sorted, compact), but the whole document is never one tree in memory:
//! each design item, message and rule becomes a small value on its own,
//! is written, and is dropped, so what the output holds is bounded by the
//! largest single item rather than the whole design (items are rendered
//! 512 at a time, on two threads, and written in order).

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use drydock::design::Item;
use drydock::{Error, Resolved, SiteDesign, ValidationReport};
use serde::Serialize;

use super::output::error_value;
use super::sorted_json;
use super::store::Saved;

/// Writes the `--json` document of a resolution, with a newline; only
/// what follows the design when [`design_reader`] printed it already.
pub fn write_resolved<W: Write>(
    w: &mut W,
    resolved: &Resolved,
    snapshot: Option<&Saved>,
    store_error: Option<&Error>,
) -> io::Result<()> {
    if !design_printed() {
        write_head(w, &resolved.ingested.design)?;
    }
    write_rest(w, resolved, snapshot, store_error)
}

/// The start of the `--json` document: `{"design":` and the design (its
/// first key: top-level keys are in sorted order, as a `Value` object
/// prints them).
fn write_head<W: Write>(w: &mut W, design: &SiteDesign) -> io::Result<()> {
    w.write_all(b"{\"design\":")?;
    write_design(w, design)
}

/// The `--json` document after its design, with a newline.
fn write_rest<W: Write>(
    w: &mut W,
    resolved: &Resolved,
    snapshot: Option<&Saved>,
    store_error: Option<&Error>,
) -> io::Result<()> {
    if let Some(err) = store_error {
        w.write_all(b",\"error\":")?;
        sorted(w, &error_value(err, Some(resolved.reference.redacted())))?;
    }
    w.write_all(b",\"fetch\":")?;
    sorted(w, &resolved.fetched.metadata)?;
    w.write_all(b",\"reference\":")?;
    serde_json::to_writer(&mut *w, resolved.reference.redacted())?;
    w.write_all(b",\"report\":")?;
    write_report(w, &resolved.ingested.report)?;
    w.write_all(b",\"snapshot\":")?;
    sorted(w, &snapshot)?;
    w.write_all(b",\"summary\":")?;
    sorted(w, &resolved.ingested.summary)?;
    w.write_all(b"}\n")
}

/// The end of a `--json` document whose design was printed when the
/// resolution failed after all (the check panicked): `,"error":{…}}` and a
/// newline, so the output is still one JSON object naming the error.
pub fn write_error_end<W: Write>(
    w: &mut W,
    err: &Error,
    reference: Option<&str>,
) -> io::Result<()> {
    w.write_all(b",\"error\":")?;
    sorted(w, &error_value(err, reference))?;
    w.write_all(b"}\n")
}

/// Whether this process's `--json` design was printed by [`design_reader`].
static DESIGN_PRINTED: AtomicBool = AtomicBool::new(false);

/// The reader that prints the design of a `--json` document as soon as it is
/// ingested, on a thread of its own while the rules run
/// ([`drydock::DesignReader`]), instead of after them; the rest of the
/// document then follows it ([`write_rest`]).
pub fn design_reader() -> drydock::DesignReader {
    drydock::DesignReader::new(|design| {
        // With -v, a step of its own (beside `validate`).
        let _step = tracing::info_span!("print_design").entered();
        let mut out = super::stdout::lock();
        // A failed write is remembered by `out` and becomes the exit status.
        let _ = write_head(&mut out, design);
        DESIGN_PRINTED.store(true, Ordering::SeqCst);
    })
}

/// Whether [`design_reader`] printed the design already.
pub fn design_printed() -> bool {
    DESIGN_PRINTED.load(Ordering::SeqCst)
}

/// The `snapshots show --json` document (`design`, `report`, `snapshot`,
/// `summary`), streamed as [`write_resolved`] is, with a newline.
pub fn write_snapshot<W: Write>(w: &mut W, snapshot: &drydock::store::Snapshot) -> io::Result<()> {
    w.write_all(b"{\"design\":")?;
    write_design(w, &snapshot.model)?;
    w.write_all(b",\"report\":")?;
    write_report(w, &snapshot.report)?;
    w.write_all(b",\"snapshot\":")?;
    sorted(w, &snapshot.summary)?;
    w.write_all(b",\"summary\":")?;
    sorted(w, &snapshot.ingest)?;
    w.write_all(b"}\n")
}

/// `value` as a `serde_json::Value` prints it: keys sorted at every level.
/// Used only for pieces of bounded size (one item, one message).
fn sorted<W: Write, T: Serialize + ?Sized>(w: &mut W, value: &T) -> io::Result<()> {
    sorted_json::write(w, value)
}

fn write_design<W: Write>(w: &mut W, design: &SiteDesign) -> io::Result<()> {
    // The kinds' keys in sorted order.
    w.write_all(b"{\"baremetal_nodes\":")?;
    write_items(w, &design.baremetal_nodes)?;
    w.write_all(b",\"boot_actions\":")?;
    write_items(w, &design.boot_actions)?;
    w.write_all(b",\"hardware_profiles\":")?;
    write_items(w, &design.hardware_profiles)?;
    w.write_all(b",\"host_profiles\":")?;
    write_items(w, &design.host_profiles)?;
    w.write_all(b",\"network_links\":")?;
    write_items(w, &design.network_links)?;
    w.write_all(b",\"networks\":")?;
    write_items(w, &design.networks)?;
    w.write_all(b",\"racks\":")?;
    write_items(w, &design.racks)?;
    w.write_all(b",\"region\":")?;
    write_items(w, &design.region)?;
    w.write_all(b"}")
}

/// Items rendered together: the two halves of a chunk on two threads.
const CHUNK: usize = 512;

/// A map of items by name (a `BTreeMap`: already sorted), rendered a chunk
/// at a time (on two threads for large maps) and written in order.
fn write_items<W: Write, T: Serialize + Sync>(
    w: &mut W,
    items: &BTreeMap<String, Item<T>>,
) -> io::Result<()> {
    w.write_all(b"{")?;
    let entries: Vec<(&String, &Item<T>)> = items.iter().collect();
    let mut first = true;
    for chunk in entries.chunks(CHUNK) {
        let (a, b) = chunk.split_at(chunk.len() / 2);
        let (a, b) = if b.len() < 64 {
            (render(chunk, first), Ok(Vec::new()))
        } else {
            std::thread::scope(|s| {
                let other = s.spawn(|| render(b, false));
                let mine = render(a, first);
                let other = other
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (mine, other)
            })
        };
        w.write_all(&a?)?;
        w.write_all(&b?)?;
        first = false;
    }
    w.write_all(b"}")
}

/// `"name":{…},…` of some items (a comma before the first unless `first`).
fn render<T: Serialize>(entries: &[(&String, &Item<T>)], first: bool) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(entries.len() * 512);
    for (i, (name, item)) in entries.iter().enumerate() {
        if i > 0 || !first {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, name)?;
        out.push(b':');
        sorted_json::append(&mut out, item)?;
    }
    Ok(out)
}

/// `{"messages": […], "rules": […], "status": …}`, one message at a time
/// (`rules` left out when none ran, as the report's `Serialize` does).
fn write_report<W: Write>(w: &mut W, report: &ValidationReport) -> io::Result<()> {
    w.write_all(b"{\"messages\":")?;
    write_each(w, &report.messages)?;
    if !report.rules.is_empty() {
        w.write_all(b",\"rules\":")?;
        write_each(w, &report.rules)?;
    }
    w.write_all(b",\"status\":")?;
    sorted(w, &report.status)?;
    w.write_all(b"}")
}

fn write_each<W: Write, T: Serialize>(w: &mut W, items: &[T]) -> io::Result<()> {
    w.write_all(b"[")?;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        sorted(w, item)?;
    }
    w.write_all(b"]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_after_the_design_was_printed_still_ends_one_json_object() {
        let mut out = Vec::new();
        write_head(&mut out, &SiteDesign::default()).expect("head");
        let err = Error::InvalidReference {
            input: "file:///x".into(),
            reason: "broken".into(),
        };
        write_error_end(&mut out, &err, Some("file:///x")).expect("end");
        let text = String::from_utf8(out).expect("UTF-8");
        assert!(text.ends_with("}\n"), "{text}");
        let value: serde_json::Value = serde_json::from_str(&text).expect("one JSON object");
        assert!(value["design"]["baremetal_nodes"].is_object(), "{value}");
        assert_eq!(value["error"]["kind"], err.kind().as_str(), "{value}");
        assert_eq!(value["error"]["reference"], "file:///x", "{value}");
    }
}
