//! Property tests of the YAML loader and the Deckhand ingester: any
//! bytes end in a report (or a typed error whose text is one safe line),
//! never a panic; ingestion is deterministic; every message's line lies in
//! the input (`drydock_fixtures::fuzz::check_ingest`). The seed corpus
//! `fixtures/fuzz/deckhand/` is replayed first.
//!
//! Bounded for CI: 48 cases per property unless `PROPTEST_CASES` says more.

use drydock_fixtures::fuzz::{check_ingest, config, document_stream, replay_ingest_corpus};
use drydock_ingester_deckhand::DeckhandIngester;
use proptest::prelude::*;

/// A Deckhand document.
fn document(kind: &str, name: &str, data: &str) -> String {
    format!(
        "schema: drydock/{kind}/v1\nmetadata:\n  schema: metadata/Document/v1\n  name: \"{name}\"\n  storagePolicy: cleartext\ndata: {data}\n"
    )
}

#[test]
fn the_seed_corpus_ends_in_reports() {
    replay_ingest_corpus(&DeckhandIngester::default(), "deckhand");
}

proptest! {
    #![proptest_config(config("proptest-regressions/fuzz_deckhand.txt", 48))]

    #[test]
    fn any_bytes_end_in_a_report(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        check_ingest(&DeckhandIngester::default(), &bytes)?;
    }

    #[test]
    fn any_deckhand_stream_ends_in_a_report(bytes in document_stream(document)) {
        check_ingest(&DeckhandIngester::default(), &bytes)?;
    }
}
