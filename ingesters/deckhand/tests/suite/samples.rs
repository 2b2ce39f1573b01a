//! The Deckhand samples from the original project ingest like the original.

use drydock_core::design::Kind;
use drydock_core::{Bytes, IngestOptions, Ingester, Status};
use drydock_ingester_deckhand::DeckhandIngester;

fn fixture(name: &str) -> Bytes {
    let path = format!(
        "{}/../../fixtures/designs/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    Bytes::from(std::fs::read(path).expect("fixture exists"))
}

#[test]
fn deckhand_fullsite_is_accepted() {
    let out = DeckhandIngester::default()
        .ingest(
            &fixture("deckhand_fullsite.yaml"),
            &IngestOptions::default(),
        )
        .unwrap();
    assert!(out.report.is_success(), "{:#?}", out.report);
    assert_eq!(out.design.len(), 20);
    assert_eq!(
        out.design.names(Kind::BaremetalNode),
        ["compute01", "compute02", "controller01"]
    );
}

#[test]
fn deckhand_bootaction_rejects_the_integer_package_name() {
    let out = DeckhandIngester::default()
        .ingest(
            &fixture("deckhand_bootaction.yaml"),
            &IngestOptions::default(),
        )
        .unwrap();
    println!("{}", serde_json::to_string_pretty(&out.report).unwrap());
    assert_eq!(out.report.status, Status::Failure);
    assert_eq!(out.design.names(Kind::BootAction), ["helloworld"]);
}
