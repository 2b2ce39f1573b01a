//! Two generated 10,000-node sites that differ in one node's address (and in
//! every document's line) diff to exactly that field.

use drydock_core::design::Kind;
use drydock_core::{Bytes, IngestOptions, Ingested, Ingester};
use drydock_fixtures::sitegen::{self, SiteSpec};
use drydock_ingester_deckhand::DeckhandIngester;

use crate::diff::{diff, diff_reports};

fn ingest(text: String) -> Ingested {
    let out = DeckhandIngester::default()
        .ingest(&Bytes::from(text), &IngestOptions::default())
        .expect("the generated site ingests");
    assert!(out.report.is_success(), "{:#?}", out.report);
    out
}

#[test]
fn one_changed_address_in_ten_thousand_nodes_is_the_whole_diff() {
    let original = sitegen::deckhand(&SiteSpec::new(10_000));
    // node04242's mgmt address; the header comment shifts every document down a line.
    let address = "address: 10.1.17.243\n";
    assert_eq!(original.matches(address).count(), 1);
    let edited = original
        .replacen(address, "address: 10.1.17.244\n", 1)
        .replacen('\n', "\n# edited\n", 1);

    let (old, new) = (ingest(original), ingest(edited));
    let node = |i: &Ingested| i.design.baremetal_nodes["node04242"].source.line;
    assert_eq!(node(&new), node(&old) + 1);

    let d = diff(&old.design, &new.design);
    assert_eq!(
        d.to_string(),
        "BaremetalNode node04242: addressing[1].address 10.1.17.243 → 10.1.17.244\n"
    );
    assert_eq!(d.kinds.len(), 1);
    assert_eq!(d.kinds[0].kind, Kind::BaremetalNode);
    let json = serde_json::to_value(&d).expect("serialises");
    assert_eq!(
        json["kinds"][0]["changed"][0],
        serde_json::json!({"name": "node04242", "fields": [
            {"path": "addressing[1].address", "old": "10.1.17.243", "new": "10.1.17.244"}
        ]})
    );
    assert!(diff_reports(&old.report, &new.report).is_empty());
    assert!(diff(&new.design, &new.design).is_empty());
}
