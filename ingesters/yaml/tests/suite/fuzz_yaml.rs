//! Property tests of the YAML loader and the legacy YAML ingester: any
//! bytes end in a report (or a typed error whose text is one safe line),
//! never a panic; ingestion is deterministic; every message's line lies in
//! the input (`drydock_fixtures::fuzz::check_ingest`). The seed corpus
//! `fixtures/fuzz/yaml/` is replayed first.
//!
//! Bounded for CI: 48 cases per property unless `PROPTEST_CASES` says more.

use drydock_fixtures::fuzz::{check_ingest, config, document_stream, replay_ingest_corpus};
use drydock_ingester_yaml::YamlIngester;
use proptest::prelude::*;

/// A legacy (`apiVersion: drydock/v1`) document.
fn document(kind: &str, name: &str, spec: &str) -> String {
    format!("apiVersion: drydock/v1\nkind: {kind}\nmetadata:\n  name: \"{name}\"\nspec: {spec}\n")
}

#[test]
fn the_seed_corpus_ends_in_reports() {
    replay_ingest_corpus(&YamlIngester::default(), "yaml");
}

proptest! {
    #![proptest_config(config("proptest-regressions/fuzz_yaml.txt", 48))]

    #[test]
    fn any_bytes_end_in_a_report(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        check_ingest(&YamlIngester::default(), &bytes)?;
    }

    #[test]
    fn any_legacy_stream_ends_in_a_report(bytes in document_stream(document)) {
        check_ingest(&YamlIngester::default(), &bytes)?;
    }
}
