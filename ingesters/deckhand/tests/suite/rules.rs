//! The design rules on the YAML fixtures under `fixtures/designs/rules/`.
//!
//! A fixture lists in its header every error the rules must report, in order
//! (`# expect-error: <message>`), and every warning (`# expect-warning:`);
//! it marks the line of each located error with `# <-- CODE PATH [xN]`.
//! Valid fixtures expect nothing: every rule passes.

use drydock_core::{Bytes, IngestOptions, Ingested, Ingester, Level, RuleOutcome, Status};
use drydock_ingester_deckhand::DeckhandIngester;
use drydock_ingester_yaml::locate_messages;
use drydock_rules::{PlatformCatalogue, RulesOutcome, ValidationConfig, validate_ingested};

fn dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/designs/rules")
}

fn catalogue() -> ValidationConfig {
    ValidationConfig::default().with_platform(PlatformCatalogue::new(
        ["xenial"],
        ["ga-16.04", "hwe-16.04"],
    ))
}

/// Ingests and validates `text` as the lead's wiring will: rules, then locations.
fn validate(text: &str, config: &ValidationConfig) -> (Ingested, RulesOutcome) {
    let bytes = Bytes::from(text.to_owned());
    let ingested = DeckhandIngester::default()
        .ingest(&bytes, &IngestOptions::default())
        .expect("ingests");
    let mut outcome = validate_ingested(&ingested, config);
    locate_messages(&mut outcome.messages, &ingested.design, &bytes);
    (ingested, outcome)
}

fn texts(outcome: &RulesOutcome, level: Level) -> Vec<&str> {
    outcome
        .messages
        .iter()
        .filter(|m| m.level == level)
        .map(|m| m.message.as_str())
        .collect()
}

fn header(text: &str, key: &str) -> Vec<String> {
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .filter_map(|l| l.strip_prefix(&format!("# {key}: ")))
        .map(str::to_owned)
        .collect()
}

fn check(file: &str, text: &str) {
    let (ingested, out) = validate(text, &catalogue());
    assert_eq!(
        ingested.report.status,
        Status::Success,
        "{file}: ingest: {:#?}",
        ingested.report.messages
    );
    assert_eq!(
        texts(&out, Level::Error),
        header(text, "expect-error"),
        "{file}"
    );
    assert_eq!(
        texts(&out, Level::Warning),
        header(text, "expect-warning"),
        "{file}"
    );
    let mut marked = 0;
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#'))
    {
        let Some((_, mark)) = line.split_once("# <-- ") else {
            continue;
        };
        let mut words = mark.split_whitespace();
        let (code, path) = (words.next().unwrap(), words.next().unwrap());
        let times: usize = words
            .next()
            .map_or(1, |t| t.trim_start_matches('x').parse().unwrap());
        let line_no = i as u64 + 1;
        let found = out
            .messages
            .iter()
            .filter(|m| {
                m.level == Level::Error && m.code == code && m.path.as_deref() == Some(path)
            })
            .filter(|m| m.location.is_some_and(|l| l.line == line_no))
            .count();
        assert_eq!(
            found, times,
            "{file}:{line_no}: {code} {path}; got {:#?}",
            out.messages
        );
        marked += times;
    }
    let located = out
        .messages
        .iter()
        .filter(|m| m.level == Level::Error && m.location.is_some())
        .count();
    assert_eq!(located, marked, "{file}: every located error is marked");
    if file.ends_with(".valid.yaml") || file == "clean.yaml" {
        assert_eq!(out.status, Status::Success, "{file}");
        assert!(
            out.rules.iter().all(|r| r.outcome == RuleOutcome::Passed),
            "{file}: {:?}",
            out.rules
        );
    } else if !header(text, "expect-error").is_empty() {
        assert_eq!(out.status, Status::Failure, "{file}");
    }
}

#[test]
fn every_rule_fixture_gives_exactly_its_expected_messages() {
    let mut files: Vec<_> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut rules_with_pairs = std::collections::BTreeSet::new();
    for path in &files {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        check(&file, &text);
        if let Some(code) = file
            .strip_suffix(".invalid.yaml")
            .and_then(|f| f.split('-').next())
        {
            let valid = dir().join(file.replace(".invalid.", ".valid."));
            assert!(valid.exists(), "{file} has no valid counterpart");
            rules_with_pairs.insert(format!("{code}-{}", file.split('-').nth(1).unwrap()));
        }
    }
    println!(
        "{} fixtures, {} rule pairs",
        files.len(),
        rules_with_pairs.len()
    );
}
