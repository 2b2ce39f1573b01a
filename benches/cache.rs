//! What a user waits for when a design is resolved into a store again: the
//! whole `drydock resolve` process on the generated 10,000-node site, cold
//! (a store that has never seen it), `revalidated` (the store has it; the
//! file's ETag is asked and it is unchanged, so nothing is ingested) and
//! `hit` (pinned by `--expect-digest`: no fetch at all). Median of several
//! runs, for `--json` and for the human output.
//!
//! Run: `cargo bench -p drydock --features cli --bench cache` (`-- 1000` for another size,
//! `DRYDOCK_BENCH_RUNS=N` for more runs).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use drydock_fixtures::sitegen::{self, SiteSpec};

const BIN: &str = env!("CARGO_BIN_EXE_drydock");

/// One `drydock` run with its output thrown away; how long it took.
fn timed(args: &[&str], home: &Path) -> Duration {
    let started = Instant::now();
    let status = Command::new(BIN)
        .args(args)
        .env("XDG_CONFIG_HOME", home)
        .env("XDG_DATA_HOME", home)
        .env_remove("DRYDOCK_STORE")
        .env_remove("DRYDOCK_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the drydock binary runs");
    let took = started.elapsed();
    assert!(
        status.code().is_some_and(|c| c <= 1),
        "drydock {args:?} failed: {status}"
    );
    took
}

/// The `fetch.cache` a run reports, to check each case is what it claims.
fn cache_of(args: &[&str], home: &Path) -> String {
    let json = (!args.contains(&"--json")).then_some("--json");
    let out = Command::new(BIN)
        .args(args)
        .args(json)
        .env("XDG_CONFIG_HOME", home)
        .env("XDG_DATA_HOME", home)
        .output()
        .expect("the drydock binary runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "drydock {args:?}: --json is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    v["fetch"]["cache"].as_str().unwrap_or("?").to_owned()
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn main() {
    let nodes: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let runs: usize = std::env::var("DRYDOCK_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(7);
    let dir = tempfile::tempdir().expect("temporary directory");
    let home = dir.path();
    let site: PathBuf = home.join("site.yaml");
    let text = sitegen::deckhand(&SiteSpec::new(nodes));
    std::fs::write(&site, &text).expect("write the site");
    let digest = format!("sha256:{}", sha256_hex(text.as_bytes()));
    let reference = format!("file://{}", site.display());
    let empty = home.join("empty.db");
    // A migrated, empty store to copy for every cold run.
    timed(&["store", "migrate", "--store", path(&empty)], home);
    let warm = home.join("warm.db");
    std::fs::copy(&empty, &warm).expect("copy the store");
    timed(&["resolve", &reference, "--store", path(&warm)], home);

    println!(
        "{nodes} nodes, {:.1} MB, {runs} runs each (median), whole process:",
        text.len() as f64 / 1e6
    );
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "load average: {}",
        load.split_whitespace().next().unwrap_or("?")
    );
    for json in [true, false] {
        let form = if json { "--json" } else { "human" };
        let extra: &[&str] = if json { &["--json"] } else { &[] };
        let cases: [(&str, Vec<&str>); 3] = [
            ("cold", vec!["resolve", &reference, "--store"]),
            ("revalidated", vec!["resolve", &reference, "--store"]),
            (
                "hit",
                vec!["resolve", &reference, "--expect-digest", &digest, "--store"],
            ),
        ];
        for (name, args) in cases {
            let mut times = Vec::with_capacity(runs);
            for i in 0..runs {
                let db = if name == "cold" {
                    let fresh = home.join(format!("cold-{form}-{i}.db"));
                    std::fs::copy(&empty, &fresh).expect("copy the store");
                    fresh
                } else {
                    warm.clone()
                };
                let mut all = args.clone();
                all.push(path(&db));
                all.extend_from_slice(extra);
                if i == 0 && name != "cold" {
                    let seen = cache_of(&all, home);
                    assert_eq!(seen, name, "the {name} case is not a {name}");
                }
                times.push(timed(&all, home));
            }
            let m = median(times);
            println!("  {form:<7} {name:<12} {:>8.1} ms", m.as_secs_f64() * 1e3);
        }
    }
}

fn path(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

fn sha256_hex(bytes: &[u8]) -> String {
    drydock::Digest::of(bytes).hex()
}
