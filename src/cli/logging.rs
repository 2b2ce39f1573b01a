//! Log lines on stderr: `-v` for each step, `-vv` for more.
//!
//! A command that does one thing and exits writes readable step lines
//! ([`Steps`]): "fetching file:///… with the file driver", "fetched 13.4 KiB
//! (0.7 ms)", "ingesting 13.4 KiB with yaml", "validated: 0 errors, 2
//! warnings (1.8 ms)", "stored snapshot … in sqlite:///… (2.6 ms)"; other
//! events as their message and fields, warnings as `warning: …`. A service
//! (`drydock serve`, `drydock worker`) writes tracing's timestamped
//! `key=value` lines, one per request or task, for log collectors.
//! Every value shown is as the code recorded it (references and errors
//! redacted by their types); URLs are redacted again and control characters
//! escaped, so a line can neither leak a password nor spoof another line.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt as _;

/// Sends log lines to stderr: warnings always; with `verbose` 1 each step
/// (drydock's own debug events), 2 and more everything drydock traces. A
/// `service` logs one line per request or task even without `-v`.
pub fn init(verbose: u8, service: bool) {
    let level = match verbose {
        0 if service => Level::INFO,
        0 => Level::WARN,
        1 => Level::DEBUG,
        _ => Level::TRACE,
    };
    // drydock's own crates at the level asked; dependencies only warn.
    let filter = tracing_subscriber::filter::Targets::new()
        .with_default(Level::WARN)
        .with_target("drydock", level);
    let registry = tracing_subscriber::registry().with(filter);
    if !service {
        let _ = registry.with(Steps).try_init();
        return;
    }
    // With -v, each span is printed with its duration when it closes.
    let spans = if verbose > 0 {
        tracing_subscriber::fmt::format::FmtSpan::CLOSE
    } else {
        tracing_subscriber::fmt::format::FmtSpan::NONE
    };
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_span_events(spans)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let _ = registry.with(layer).try_init();
}

/// The fields of a span or an event, in the order recorded, as text.
#[derive(Default)]
struct Fields(Vec<(&'static str, String)>);

impl Fields {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    fn put(&mut self, name: &'static str, value: String) {
        // A URL on its own (a sentence was redacted by its error type).
        let value = if value.contains("://") && !value.contains(char::is_whitespace) {
            drydock::redact_str(&value)
        } else {
            value
        };
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name, value)),
        }
    }

    /// `message (key=value, …)`, the message first when there is one.
    fn sentence(&self) -> String {
        let mut line = self.get("message").unwrap_or_default().to_owned();
        let rest: Vec<String> = self
            .0
            .iter()
            .filter(|(n, _)| *n != "message")
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        if !rest.is_empty() {
            let sep = if line.is_empty() { "" } else { " " };
            let _ = write!(line, "{sep}({})", rest.join(", "));
        }
        line
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field.name(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.put(field.name(), format!("{value:?}"));
    }
}

/// What a span keeps until it closes: its fields and when it opened.
struct Opened {
    fields: Fields,
    at: Instant,
}

/// The step lines of a one-shot command (see the module's doc).
struct Steps;

impl<S> tracing_subscriber::Layer<S> for Steps
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let Some(line) = opening(attrs.metadata().name(), &fields) {
            emit(&line);
        }
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(Opened {
                fields,
                at: Instant::now(),
            });
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id)
            && let Some(opened) = span.extensions_mut().get_mut::<Opened>()
        {
            values.record(&mut opened.fields);
        }
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let prefix = match *event.metadata().level() {
            Level::ERROR => "error: ",
            Level::WARN => "warning: ",
            _ => "",
        };
        emit(&format!("{prefix}{}", fields.sentence()));
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else { return };
        let Some(opened) = span.extensions_mut().remove::<Opened>() else {
            return;
        };
        let took = took(opened.at.elapsed());
        emit(&closing(span.name(), &opened.fields, &took));
    }
}

/// The line a step starts with, if it says anything before it ends.
fn opening(name: &str, f: &Fields) -> Option<String> {
    match name {
        "fetch" => Some(format!(
            "fetching {} with the {} driver",
            f.get("reference").unwrap_or("?"),
            f.get("driver").unwrap_or("?")
        )),
        "ingest" => Some(format!(
            "ingesting {} with {}",
            size(f.get("bytes")),
            f.get("ingester").unwrap_or("?")
        )),
        _ => None,
    }
}

/// The line a step ends with: what it did and how long it took.
fn closing(name: &str, f: &Fields, took: &str) -> String {
    match (name, f.get("bytes"), f.get("documents"), f.get("snapshot")) {
        ("fetch", Some("not modified"), ..) => format!("not modified ({took})"),
        ("fetch", Some(bytes), ..) => format!("fetched {} ({took})", size(Some(bytes))),
        ("fetch", None, ..) => format!("fetch ended without a design ({took})"),
        ("ingest", _, Some(documents), _) => format!("ingested {documents} documents ({took})"),
        ("ingest", ..) => format!("ingest ended without a design ({took})"),
        ("validate", ..) => format!(
            "validated: {} errors, {} warnings ({took})",
            f.get("errors").unwrap_or("?"),
            f.get("warnings").unwrap_or("?")
        ),
        ("store", _, _, Some(snapshot)) => format!(
            "{} snapshot {snapshot} in {} ({took})",
            if f.get("reused") == Some("true") {
                "reused"
            } else {
                "stored"
            },
            f.get("store").unwrap_or("the store")
        ),
        ("store", ..) => format!("storing ended without a snapshot ({took})"),
        ("output", ..) => format!("printed the result ({took})"),
        ("print_design", ..) => format!("printed the design while validating ({took})"),
        _ => {
            let what = f.sentence();
            let sep = if what.is_empty() { "" } else { " " };
            format!("{name}{sep}{what} done ({took})")
        }
    }
}

/// `13.4 KiB` from a byte count field.
fn size(bytes: Option<&str>) -> String {
    match bytes.and_then(|b| b.parse::<u64>().ok()) {
        Some(n) => bytesize::ByteSize(n).display().iec().to_string(),
        None => "the bytes".into(),
    }
}

/// `0.7 ms`, `2.41 s`.
fn took(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

/// One line on stderr, control characters escaped.
fn emit(line: &str) {
    errln!("{}", drydock::text::escape_control(line));
}
