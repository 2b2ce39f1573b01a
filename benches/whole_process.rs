//! Whole-process benchmark of `drydock resolve` and `drydock validate`: the
//! real binary on generated Deckhand sites (sitegen) of 1,000 and 10,000
//! nodes (`resolve --json`, `resolve` with human output, `validate`), output
//! to /dev/null. Prints the median wall time and peak RSS (wait4) of several
//! runs, then a profile: the `-v` step times of one run (fetch, ingest,
//! validate, output) and, in this process, read / hash / parse / parse+build
//! / validate / serialise / drop of the same bytes.
//!
//! `cargo bench -p drydock --features cli --bench whole_process [-- SIZES…]`;
//! `DRYDOCK_BENCH_BIN=/path/to/drydock` measures another binary,
//! `DRYDOCK_BENCH_BINS=before=/path/a,after=/path/b` several side by side
//! (each run goes through them in turn),
//! `DRYDOCK_BENCH_RUNS=N` sets the runs (default 9), `DRYDOCK_BENCH_DIR=DIR`
//! keeps the generated sites in a directory under DIR.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use drydock::{Bytes, IngestOptions, Ingester};
use drydock_fixtures::sitegen::{self, SiteSpec};

const MIB: f64 = 1024.0 * 1024.0;

/// What is measured: `resolve --json`, `resolve` (human output), `validate`.
#[derive(Clone, Copy)]
enum Mode {
    Json,
    Human,
    Validate,
}

impl Mode {
    const ALL: [Mode; 3] = [Mode::Json, Mode::Human, Mode::Validate];

    fn label(self) -> &'static str {
        match self {
            Mode::Json => "resolve --json",
            Mode::Human => "resolve       ",
            Mode::Validate => "validate      ",
        }
    }
}

/// The binaries to measure, labelled: `DRYDOCK_BENCH_BINS`
/// (`label=path,…`), else `DRYDOCK_BENCH_BIN`, else this build's.
fn binaries() -> Vec<(String, PathBuf)> {
    if let Ok(list) = std::env::var("DRYDOCK_BENCH_BINS")
        && !list.trim().is_empty()
    {
        return list
            .split(',')
            .map(|item| match item.split_once('=') {
                Some((label, path)) => (label.to_owned(), PathBuf::from(path)),
                None => (item.to_owned(), PathBuf::from(item)),
            })
            .collect();
    }
    let bin = std::env::var_os("DRYDOCK_BENCH_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_drydock")),
        PathBuf::from,
    );
    vec![("this build".to_owned(), bin)]
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000]
    } else {
        sizes
    };
    let bins = binaries();
    let runs: usize = std::env::var("DRYDOCK_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(9)
        .max(1);
    let dir = tempfile::tempdir().expect("a temporary directory");
    // DRYDOCK_BENCH_DIR keeps the generated sites there (to profile by hand).
    let dir = match std::env::var_os("DRYDOCK_BENCH_DIR") {
        Some(kept) => tempfile::Builder::new()
            .prefix("whole_process")
            .tempdir_in(kept)
            .map(tempfile::TempDir::keep)
            .map(|p| (p, dir))
            .expect("DRYDOCK_BENCH_DIR"),
        None => (dir.path().to_owned(), dir),
    };
    let dir = Dir(dir.0, dir.1);
    for (label, bin) in &bins {
        println!("binary {label}: {}", bin.display());
    }
    println!("load average {}", load_average());
    for &nodes in &sizes {
        let text = sitegen::deckhand(&SiteSpec::new(nodes));
        let site = dir.path().join(format!("site-{nodes}.yaml"));
        std::fs::write(&site, &text).expect("write the site");
        let docs = text.matches("\n---").count() + 1;
        println!(
            "\n{nodes} nodes: {:.1} MB, {docs} documents",
            text.len() as f64 / 1e6
        );
        let reference = format!("file://{}", site.display());
        for mode in Mode::ALL {
            // Each run goes through every binary in turn, so that they
            // share whatever else the machine is doing.
            let mut measured = vec![(Vec::new(), Vec::new()); bins.len()];
            for _ in 0..runs {
                for ((_, bin), (times, rss)) in bins.iter().zip(&mut measured) {
                    let (time, peak) = run_once(bin, &reference, mode, dir.path());
                    times.push(time);
                    rss.push(peak);
                }
            }
            for ((label, _), (mut times, mut rss)) in bins.iter().zip(measured) {
                times.sort();
                rss.sort();
                println!(
                    "  {} {label:>12}  median {:>7.1} ms  (min {:.1}, max {:.1})  peak RSS median {:.1} MiB (max {:.1})",
                    mode.label(),
                    ms(times[runs / 2]),
                    ms(times[0]),
                    ms(times[runs - 1]),
                    rss[runs / 2] as f64 / MIB,
                    rss[runs - 1] as f64 / MIB,
                );
            }
        }
        for (label, bin) in &bins {
            print!("  {label}:");
            spans(bin, &reference, dir.path());
        }
        in_process(&site);
    }
}

/// Where the sites are written (and the temporary directory, removed at the end).
struct Dir(PathBuf, #[allow(dead_code)] tempfile::TempDir);

impl Dir {
    fn path(&self) -> &Path {
        &self.0
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn command(bin: &Path, reference: &str, mode: Mode, home: &Path) -> Command {
    let mut cmd = Command::new(bin);
    match mode {
        Mode::Json => cmd.arg("resolve").arg(reference).arg("--json"),
        Mode::Human => cmd.arg("resolve").arg(reference),
        Mode::Validate => cmd.arg("validate").arg(reference),
    };
    cmd.env("XDG_CONFIG_HOME", home)
        .env("XDG_DATA_HOME", home)
        .env_remove("DRYDOCK_CONFIG")
        .env_remove("DRYDOCK_STORE")
        .stdin(Stdio::null());
    cmd
}

/// One run: wall time and peak RSS in bytes (from wait4's rusage).
// wait4 reaps the child (std's wait cannot report its peak RSS).
#[allow(clippy::zombie_processes)]
fn run_once(bin: &Path, reference: &str, mode: Mode, home: &Path) -> (Duration, u64) {
    let start = Instant::now();
    let child = command(bin, reference, mode, home)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start drydock");
    let pid = libc::pid_t::try_from(child.id()).expect("a pid");
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet reaped; both pointers are to
    // live locals of the types wait4 expects.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let time = start.elapsed();
    assert_eq!(waited, pid, "wait4");
    let code = libc::WEXITSTATUS(status);
    assert!(
        libc::WIFEXITED(status) && code <= 1,
        "drydock exited with {status:#x}"
    );
    (time, u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024)
}

/// The `-v` step lines of one `--json` run (`fetched 7.2 MiB (7.7 ms)`,
/// `validated: … (15.9 ms)`, `ingested … (68.4 ms)`, `printed the result
/// (19.5 ms)`: each step's own time, validation inside ingest), and the
/// whole process's wall time.
fn spans(bin: &Path, reference: &str, home: &Path) {
    let start = Instant::now();
    let out = command(bin, reference, Mode::Json, home)
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("run drydock -v");
    let wall = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut line = String::from(" steps (-v, --json):");
    for l in stderr.lines() {
        let Some((text, took)) = l
            .trim_end()
            .strip_suffix(')')
            .and_then(|l| l.rsplit_once(" ("))
        else {
            continue;
        };
        if !took.ends_with("ms") && !took.ends_with('s') {
            continue;
        }
        let step = if text.starts_with("printed the design") {
            "design output"
        } else {
            match text.split([' ', ':']).next().unwrap_or_default() {
                "fetched" => "fetch",
                "validated" => "validate",
                "ingested" => "ingest",
                "printed" => "output",
                other => other,
            }
        };
        line.push_str(&format!(" {step} {took};"));
    }
    println!("{line} whole process {:.1} ms", ms(wall));
}

/// The steps, timed in this process on the same bytes (median of 5).
fn in_process(site: &Path) {
    let median = |f: &mut dyn FnMut()| {
        let mut t: Vec<Duration> = (0..5)
            .map(|_| {
                let s = Instant::now();
                f();
                s.elapsed()
            })
            .collect();
        t.sort();
        ms(t[2])
    };
    let bytes = Bytes::from(std::fs::read(site).expect("read the site"));
    let read = median(&mut || {
        std::hint::black_box(std::fs::read(site).expect("read"));
    });
    let hash = median(&mut || {
        std::hint::black_box(drydock::Digest::of(&bytes));
    });
    let limits = drydock::ingester_yaml::Limits::default();
    let parse = median(&mut || {
        let docs = drydock::ingester_yaml::parse::load_stream(&bytes, &limits, |d| d);
        std::hint::black_box(docs.map(|d| d.len()).unwrap_or(0));
    });
    let ingester = drydock::ingester_deckhand::DeckhandIngester::default();
    let options = IngestOptions::for_source("bench");
    let build = median(&mut || {
        std::hint::black_box(ingester.ingest(&bytes, &options).expect("ingest"));
    });
    let ingested = ingester.ingest(&bytes, &options).expect("ingest");
    let config = drydock::rules::ValidationConfig::default();
    let validate = median(&mut || {
        std::hint::black_box(drydock::rules::validate_ingested(&ingested, &config));
    });
    let serialise = median(&mut || {
        let mut sink = std::io::sink();
        serde_json::to_writer(&mut sink, &ingested.design).expect("serialise");
    });
    let drop = median(&mut || {
        let copy = ingested.clone();
        let s = Instant::now();
        std::mem::drop(copy);
        std::hint::black_box(s.elapsed());
    });
    println!(
        "  in process (ms): read {read:.1}; sha-256 {hash:.1}; parse {parse:.1}; \
         parse+build {build:.1}; validate {validate:.1}; serialise design (Serialize, no Value) {serialise:.1}; \
         clone+drop design {drop:.1}"
    );
}
