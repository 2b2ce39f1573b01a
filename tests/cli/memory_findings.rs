//! Findings that multiply with the input stay bounded by it, through the
//! real binary: a report keeps the first `MAX_MESSAGES_PER_KIND` (100)
//! messages of each kind (code and level) and one summary of the rest, in
//! `resolve` (human, `--json`, `--store`) and in what the store keeps and
//! `snapshots show` prints (streamed); the peak RSS of each run stays
//! under 16·N + 64 MiB.

use std::path::Path;

use super::memory_bound::{MIB, SIZE, measure};

const REGION: &str =
    "schema: drydock/Region/v1\nmetadata: {name: r, schema: metadata/Document/v1}\ndata:\n";

/// One document repeating one key to about `size` bytes: a warning per line.
fn repeated_key(size: usize) -> String {
    let line = "  a: xxxxxxxxxx\n";
    let mut text = String::from(REGION);
    while text.len() + line.len() <= size {
        text.push_str(line);
    }
    text
}

/// `drydock args` in `home`: exit status, peak RSS, stdout, stderr.
fn drydock(home: &Path, args: &[&str]) -> (i32, u64, String, String) {
    let mut cmd = crate::common::command(home);
    cmd.args(args);
    measure(cmd, true)
}

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout:.2000}"))
}

/// Runs each of `runs` and checks its peak against the bound for `n` input bytes.
fn within_bound(home: &Path, n: usize, runs: &[(&str, Vec<&str>)]) -> Vec<(String, String)> {
    let bound = 16 * n as u64 + 64 * MIB;
    let mut report = Vec::new();
    let mut outputs = Vec::new();
    for (name, args) in runs {
        let (code, rss, stdout, stderr) = drydock(home, args);
        report.push(format!(
            "{name} ({n} bytes): exit {code}, peak {} MiB, bound {} MiB",
            rss / MIB,
            bound / MIB
        ));
        println!("{}", report.last().unwrap());
        assert!(matches!(code, 0 | 1), "{name}: exit {code}: {stderr}");
        assert!(
            rss <= bound,
            "{name}: over the bound\n{}",
            report.join("\n")
        );
        outputs.push((stdout, stderr));
    }
    outputs
}

#[test]
fn one_repeated_duplicate_key_stays_within_the_bound_resolved_stored_and_shown() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path();
    let text = repeated_key(SIZE);
    let lines = (text.len() - REGION.len()) / "  a: xxxxxxxxxx\n".len();
    std::fs::write(home.join("keys.yaml"), &text).expect("write");
    let store = format!("sqlite://{}", home.join("s.db").display());
    let outputs = within_bound(
        home,
        text.len(),
        &[
            ("resolve", vec!["resolve", "./keys.yaml"]),
            ("resolve --json", vec!["resolve", "./keys.yaml", "--json"]),
            (
                "resolve --json --store",
                vec!["resolve", "./keys.yaml", "--json", "--store", &store],
            ),
        ],
    );
    // Every duplicate is counted; 100 are listed, then one summary.
    let warnings = lines - 1;
    assert!(
        outputs[0]
            .0
            .contains(&format!("(1 errors, {warnings} warnings)")),
        "{:.3000}",
        outputs[0].0
    );
    let stored = json(&outputs[2].0);
    let listed = stored["report"]["messages"].as_array().expect("messages");
    assert!(listed.len() < 110, "{}", listed.len());
    let summary = listed
        .iter()
        .find(|m| m.get("omitted").is_some())
        .expect("a summary");
    assert_eq!(summary["omitted"], (warnings - 100) as u64, "{summary}");
    let id = stored["snapshot"]["snapshot_id"]
        .as_str()
        .expect("stored")
        .to_owned();
    let shown = within_bound(
        home,
        text.len(),
        &[
            (
                "snapshots show --json",
                vec!["snapshots", "show", &id, "--json", "--store", &store],
            ),
            (
                "snapshots show",
                vec!["snapshots", "show", &id, "--store", &store],
            ),
        ],
    );
    // What the store kept is the bounded report, shown the same way.
    let v = json(&shown[0].0);
    assert_eq!(v["report"], stored["report"]);
    assert_eq!(
        v["snapshot"]["warning_count"], warnings as u64,
        "{}",
        v["snapshot"]
    );
    assert!(
        shown[1].0.contains(&format!(
            "{} more warnings with code DD000 left out",
            warnings - 100
        )),
        "{:.3000}",
        shown[1].0
    );
}

#[test]
fn a_hundred_thousand_scalar_documents_stay_within_the_bound() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path();
    let text = "--- 1\n".repeat(99_999);
    std::fs::write(home.join("ones.yaml"), &text).expect("write");
    let outputs = within_bound(
        home,
        text.len(),
        &[
            (
                "resolve",
                vec!["resolve", "./ones.yaml", "--ingester=deckhand"],
            ),
            (
                "resolve --json",
                vec!["resolve", "./ones.yaml", "--ingester=deckhand", "--json"],
            ),
        ],
    );
    assert!(
        outputs[0].0.contains("(99999 errors, 0 warnings)"),
        "{:.2000}",
        outputs[0].0
    );
    assert!(
        outputs[0].0.contains(
            "Error DD000 []: 99899 more errors with code DD000 left out: a report lists the first 100 of each code and level"
        ),
        "{:.2000}",
        outputs[0].0
    );
}

/// A small design just past the bound: 150 duplicate keys (a warning each).
#[test]
fn the_summary_of_left_out_findings_reads_in_human_and_json_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path();
    let text = format!("{REGION}{}", "  authorized_keys: []\n".repeat(151));
    std::fs::write(home.join("site.yaml"), &text).expect("write");
    let (code, _, human, stderr) = drydock(home, &["resolve", "./site.yaml"]);
    assert_eq!(code, 0, "{stderr}");
    // Every warning counted (150 duplicates, the rules' 5), 100 duplicates listed.
    assert!(
        human.contains("validation  success (0 errors, 155 warnings)"),
        "{human}"
    );
    assert_eq!(
        human.matches("duplicate key 'authorized_keys'").count(),
        100,
        "{human}"
    );
    assert!(
        human.contains(
            "  Warning DD000 []: 50 more warnings with code DD000 left out: a report lists the first 100 of each code and level\n      They are likely the same mistake as those listed: fix those and validate again to see the rest.\n"
        ),
        "{human}"
    );
    let (code, _, out, stderr) = drydock(home, &["resolve", "./site.yaml", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let v = json(&out);
    let messages = v["report"]["messages"].as_array().expect("messages");
    let summaries: Vec<&serde_json::Value> = messages
        .iter()
        .filter(|m| m.get("omitted").is_some())
        .collect();
    assert_eq!(summaries.len(), 1, "{summaries:?}");
    assert_eq!(
        *summaries[0],
        serde_json::json!({
            "code": "DD000",
            "level": "warning",
            "omitted": 50,
            "documents": [],
            "message": "50 more warnings with code DD000 left out: a report lists the first 100 of each code and level",
            "diagnostic": "They are likely the same mistake as those listed: fix those and validate again to see the rest.",
        })
    );
    // The summary stands where the 101st duplicate would have.
    let at = messages
        .iter()
        .position(|m| m.get("omitted").is_some())
        .expect("summary");
    let before = messages[..at]
        .iter()
        .filter(|m| {
            m["message"]
                .as_str()
                .unwrap_or("")
                .starts_with("duplicate key")
        })
        .count();
    assert_eq!(before, 100);
}
