//! Memory is bounded by the input: the real binary's peak RSS (wait4) on
//! pathological inputs of N bytes stays under 16·N + 64 MiB, with both
//! outputs, and what is refused is refused with a typed error naming the
//! limit (exit status 2), never an abort.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

pub(crate) const MIB: u64 = 1024 * 1024;
/// Each input's size (moderate: the test binary is a debug build).
pub(crate) const SIZE: usize = 2 * 1024 * 1024;

/// `unit` repeated to about `SIZE` bytes, between `head` and `tail`.
fn repeat(head: &str, unit: &str, tail: &str) -> String {
    let mut s = String::with_capacity(SIZE + 256);
    s.push_str(head);
    while s.len() + unit.len() + tail.len() <= SIZE {
        s.push_str(unit);
    }
    s.push_str(tail);
    s
}

fn numbered(head: &str, line: impl Fn(usize) -> String) -> String {
    let mut s = String::from(head);
    let mut i = 0;
    while s.len() < SIZE {
        s.push_str(&line(i));
        i += 1;
    }
    s
}

const REGION: &str =
    "schema: drydock/Region/v1\nmetadata: {name: r, schema: metadata/Document/v1}\ndata:\n";

fn shapes() -> Vec<(&'static str, String)> {
    let nest = format!("{}{}", "[".repeat(100), "]".repeat(100));
    vec![
        ("tiny documents", repeat("", "---\na: 1\n", "")),
        ("empty documents", repeat("", "---\n", "")),
        (
            "deep nesting",
            repeat(
                "",
                &format!("---\nschema: drydock/Region/v1\nmetadata: {{name: a}}\ndata: {nest}\n"),
                "",
            ),
        ),
        ("many keys", numbered(REGION, |i| format!("  k{i}: v\n"))),
        (
            "long string",
            format!("{REGION}  s: {}\n", "x".repeat(SIZE - 100)),
        ),
        (
            "alias-heavy",
            numbered(
                &format!("{REGION}  a: &a [{}]\n", ["1"; 64].join(",")),
                |i| format!("  b{i}: *a\n"),
            ),
        ),
        (
            "aliased long string",
            numbered(
                &format!("{REGION}  a: &a {}\n", "x".repeat(256 * 1024)),
                |i| format!("  b{i}: *a\n"),
            ),
        ),
        (
            "long sequence",
            repeat(&format!("{REGION}  s:\n"), "  - 1\n", ""),
        ),
        (
            "many small valid documents",
            numbered("", |i| {
                format!(
                    "---\nschema: drydock/NetworkLink/v1\nmetadata: {{name: l{i}, schema: metadata/Document/v1}}\ndata: {{mtu: 1500}}\n"
                )
            }),
        ),
    ]
}

/// Exit status and peak RSS in bytes of one run.
fn run(file: &Path, json: bool, home: &Path) -> (i32, u64, String) {
    let mut cmd = crate::common::command(home);
    cmd.arg("resolve")
        .arg(format!("file://{}", file.display()))
        .arg("--ingester=deckhand");
    if json {
        cmd.arg("--json");
    }
    let (code, rss, _, stderr) = measure(cmd, false);
    (code, rss, stderr)
}

/// Runs `cmd` (stdin empty; stdout kept if `keep_stdout`, else thrown
/// away) to its end: exit status, peak RSS in bytes, stdout and stderr.
// wait4 reaps the child (std's wait cannot report its peak RSS).
#[allow(clippy::zombie_processes)]
pub(crate) fn measure(mut cmd: Command, keep_stdout: bool) -> (i32, u64, String, String) {
    cmd.stdin(Stdio::null()).stderr(Stdio::piped());
    cmd.stdout(if keep_stdout {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = cmd.spawn().expect("spawn");
    let read = |mut from: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = from.read_to_string(&mut text);
            text
        })
    };
    let stderr = read(Box::new(child.stderr.take().expect("stderr")));
    let stdout = child.stdout.take().map(|s| read(Box::new(s)));
    let pid = libc::pid_t::try_from(child.id()).expect("pid");
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet reaped; both pointers are to
    // live locals of the types wait4 expects.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4");
    let stderr = stderr.join().expect("stderr reader");
    let stdout = stdout
        .map(|s| s.join().expect("stdout reader"))
        .unwrap_or_default();
    assert!(libc::WIFEXITED(status), "killed: {status:#x} {stderr}");
    let rss = u64::try_from(usage.ru_maxrss).unwrap_or(u64::MAX) * 1024;
    (libc::WEXITSTATUS(status), rss, stdout, stderr)
}

/// Runs `text` with both outputs and checks each run's peak against the
/// bound; returns one line per run.
fn check_within_bound(dir: &Path, name: &str, text: &str, report: &mut Vec<String>) {
    let file = dir.join("input.yaml");
    std::fs::File::create(&file)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .expect("write");
    let n = text.len() as u64;
    let bound = 16 * n + 64 * MIB;
    for json in [false, true] {
        let (code, rss, stderr) = run(&file, json, dir);
        report.push(format!(
            "{name} ({n} bytes, json {json}): exit {code}, peak {} MiB, bound {} MiB",
            rss / MIB,
            bound / MIB
        ));
        assert!(
            matches!(code, 0..=2),
            "{name}: exit {code}: {stderr}\n{}",
            report.join("\n")
        );
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(
            rss <= bound,
            "{name}: over the bound\n{}",
            report.join("\n")
        );
        if code == 2 && !json {
            assert!(
                stderr.contains("more than") && stderr.contains("YAML"),
                "{name}: the limit is named: {stderr}"
            );
        }
    }
}

#[test]
fn peak_memory_stays_within_16_bytes_per_input_byte_plus_64_mib() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut report = Vec::new();
    for (name, text) in shapes() {
        check_within_bound(dir.path(), name, &text, &mut report);
    }
    println!("{}", report.join("\n"));
}

/// The costliest input per byte found: as many documents as the limit
/// allows, each as small as the node limit lets a document be that still
/// becomes a design item and draws a rule finding (a network whose CIDR is
/// not one). Per-document costs (the item, the finding, its location) are
/// what the 64 MiB of the bound must cover here.
#[test]
fn at_the_document_limit_small_documents_stay_within_the_bound() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::new();
    for i in 0..LIMIT_DOCUMENTS {
        text.push_str(&format!(
            "---\nschema: drydock/Network/v1\nmetadata: {{name: n{i}, schema: metadata/Document/v1}}\ndata: {{cidr: 10.0.0.0/33}}\n"
        ));
    }
    let mut report = Vec::new();
    check_within_bound(
        dir.path(),
        "networks at the document limit",
        &text,
        &mut report,
    );
    println!("{}", report.join("\n"));
}

/// The ingesters' `max_documents`.
const LIMIT_DOCUMENTS: usize = 100_000;

#[test]
fn too_many_documents_is_a_typed_error_naming_the_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("tiny.yaml");
    std::fs::write(
        &file,
        "---\nschema: drydock/Rack/v1\n".repeat(LIMIT_DOCUMENTS + 1),
    )
    .expect("write");
    let (code, _, stderr) = run(&file, false, dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!("more than {LIMIT_DOCUMENTS} YAML documents")),
        "{stderr}"
    );
}
