//! How the CLI prints results, errors and progress.

use std::io::IsTerminal;
use std::time::Duration;

use drydock::{Error, Level, Resolved, RuleOutcome};
use indicatif::{ProgressBar, ProgressStyle};

use super::store::Saved;

/// Progress on stderr while a design is resolved: a byte bar while it is
/// fetched (a spinner until the size is known), shown only on a terminal.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// Starts it with `message` if stderr is a terminal.
    pub fn start(message: &str) -> Self {
        if !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = ProgressBar::new_spinner().with_message(message.to_owned());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(100));
        Progress(Some(bar))
    }

    /// The callback drivers report bytes to, updating the bar; `None` when
    /// nothing is shown.
    pub fn on_progress(&self) -> Option<drydock::OnProgress> {
        let bar = self.0.clone()?;
        let styled = std::sync::atomic::AtomicBool::new(false);
        Some(drydock::OnProgress::new(move |read, total| {
            if let Some(total) = total
                && !styled.swap(true, std::sync::atomic::Ordering::Relaxed)
            {
                bar.set_length(total);
                if let Ok(style) = ProgressStyle::with_template(
                    "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec})",
                ) {
                    bar.set_style(style.progress_chars("=> "));
                }
            }
            bar.set_position(read);
        }))
    }

    /// Whether it is on the screen (stderr is a terminal).
    pub fn shown(&self) -> bool {
        self.0.is_some()
    }

    /// Removes it.
    pub fn finish(self) {
        if let Some(bar) = self.0 {
            bar.finish_and_clear();
        }
    }
}

/// Text from outside (servers, designs, paths) made safe for a terminal:
/// control characters escaped, so it stays on its line and cannot spoof.
pub fn safe(text: &str) -> std::borrow::Cow<'_, str> {
    drydock::text::escape_control(text)
}

/// Prints an error as one line plus a hint, on stderr.
pub fn print_error(err: &Error) {
    errln!("error: {}", safe(&err.to_string()));
    errln!("hint: {}", err.hint());
}

/// The exit status an error maps to.
pub fn exit_code(err: &Error) -> u8 {
    match err.kind() {
        drydock::ErrorKind::Config => super::EXIT_CONFIG,
        _ => super::EXIT_FAILURE,
    }
}

/// `value` without null members (TOML has no null).
pub fn without_nulls(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// Prints the `--json` document on stdout (with an `error` member when the
/// store failed after a successful resolve), streamed: see [`super::json_out`].
pub fn print_json(resolved: &Resolved, snapshot: Option<&Saved>, store_error: Option<&Error>) {
    let mut out = super::stdout::lock();
    // A failed write is remembered by `out` and becomes the exit status.
    let _ = super::json_out::write_resolved(&mut out, resolved, snapshot, store_error);
}

/// `{"kind", "message", "hint", "reference"}` of an error (the reference redacted).
pub fn error_value(err: &Error, reference: Option<&str>) -> serde_json::Value {
    serde_json::json!({
        "kind": err.kind().as_str(),
        "message": err.to_string(),
        "hint": err.hint(),
        "reference": reference.map(drydock::redact_str),
    })
}

/// Reports a failure: with `--json`, one object `{"error": {…}}` on stdout
/// (or, when the design was printed already, the `error` that ends its
/// object); otherwise one line plus a hint on stderr.
pub fn report_error(err: &Error, json: bool, reference: Option<&str>) {
    if json && super::json_out::design_printed() {
        let mut out = super::stdout::lock();
        let _ = super::json_out::write_error_end(&mut out, err, reference);
    } else if json {
        outln!(
            "{}",
            serde_json::json!({ "error": error_value(err, reference) })
        );
    } else {
        print_error(err);
    }
}

/// Prints a readable summary on stdout.
pub fn print_human(resolved: &Resolved) {
    let meta = &resolved.fetched.metadata;
    let summary = &resolved.ingested.summary;
    let report = &resolved.ingested.report;
    outln!("reference   {}", safe(resolved.reference.redacted()));
    match meta.cache {
        drydock::CacheStatus::Miss => outln!(
            "fetched     {} bytes by the {} driver",
            meta.length,
            meta.driver
        ),
        drydock::CacheStatus::Revalidated => outln!(
            "revalidated {} stored bytes with the {} driver (unchanged, not ingested again)",
            meta.length,
            meta.driver
        ),
        drydock::CacheStatus::Hit => outln!(
            "served      {} bytes from the cache (the {} driver was not asked)",
            meta.length,
            meta.driver
        ),
    }
    outln!("digest      {}", meta.digest);
    outln!("location    {}", safe(&meta.location));
    for (label, value) in [
        ("type", &meta.content_type),
        ("etag", &meta.etag),
        ("revision", &meta.revision),
        ("modified", &meta.last_modified),
    ] {
        if let Some(value) = value {
            outln!("{label:<11} {}", safe(value));
        }
    }
    outln!(
        "ingested    {} documents by the {} ingester",
        summary.documents,
        summary.ingester
    );
    for (kind, count) in &summary.per_kind {
        outln!("  {kind:<20} {count}");
    }
    for (schema, count) in &summary.skipped {
        outln!("  skipped {:<12} {count}", safe(schema));
    }
    print_report(report);
}

/// Prints a report: its status, the rules that ran, and every message that
/// needs attention (infos are in `--json`).
pub fn print_report(report: &drydock::ValidationReport) {
    // Counts include the messages a summary stands for (left out past
    // `MAX_MESSAGES_PER_KIND` of one kind); the summary is printed as one.
    let warnings = report.count(Level::Warning);
    outln!(
        "validation  {} ({} errors, {} warnings)",
        if report.is_success() {
            "success"
        } else {
            "FAILURE"
        },
        report.error_count(),
        warnings
    );
    if !report.rules.is_empty() {
        let count = |o: RuleOutcome| report.rules.iter().filter(|r| r.outcome == o).count();
        outln!(
            "rules       {} ran: {} passed, {} failed, {} not run (`--json` lists each)",
            report.rules.len(),
            count(RuleOutcome::Passed),
            count(RuleOutcome::Failed),
            count(RuleOutcome::NotRun)
        );
    }
    // Infos (each passed rule says so) are in `--json`; the terminal shows what needs attention.
    for m in report.messages.iter().filter(|m| m.level != Level::Info) {
        let docs: Vec<String> = m
            .documents
            .iter()
            .map(|d| format!("{} {}", safe(&d.schema), safe(&d.name)))
            .collect();
        // A value a node inherited is placed in the document that wrote it.
        let mut within: Vec<String> = m
            .location
            .iter()
            .map(|l| format!("line {}, column {}", l.line, l.column))
            .collect();
        if let Some(o) = &m.origin {
            within.push(format!(
                "inherited from {} {}",
                safe(&o.schema),
                safe(&o.name)
            ));
        }
        let mut place = m
            .path
            .as_ref()
            .map(|p| format!(" at {}", safe(p)))
            .unwrap_or_default();
        if !within.is_empty() {
            place += &format!(" ({})", within.join(", "));
        }
        outln!(
            "  {:?} {} [{}]{}: {}",
            m.level,
            safe(&m.code),
            docs.join("; "),
            place,
            safe(&m.message)
        );
        if let Some(d) = &m.diagnostic {
            outln!("      {}", safe(d));
        }
    }
}
