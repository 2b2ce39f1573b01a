//! The legacy sample from the original project ingests like the original.

use drydock_core::design::Kind;
use drydock_core::{Bytes, IngestOptions, Ingester};
use drydock_ingester_yaml::YamlIngester;

fn fixture(name: &str) -> Bytes {
    let path = format!(
        "{}/../../fixtures/designs/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    Bytes::from(std::fs::read(path).expect("fixture exists"))
}

#[test]
fn legacy_fullsite_is_accepted_with_every_item() {
    let out = YamlIngester::default()
        .ingest(&fixture("fullsite.yaml"), &IngestOptions::default())
        .unwrap();
    assert!(out.report.is_success(), "{:#?}", out.report);
    let d = &out.design;
    assert_eq!(d.names(Kind::Region), ["sitename"]);
    assert_eq!(d.names(Kind::NetworkLink), ["gp", "oob", "pxe"]);
    assert_eq!(
        d.names(Kind::Network),
        ["mgmt", "oob", "private", "public", "pxe"]
    );
    assert_eq!(d.names(Kind::HostProfile), ["defaults", "k8-node"]);
    assert_eq!(d.names(Kind::BaremetalNode), ["compute01", "controller01"]);
    assert_eq!(d.names(Kind::HardwareProfile), ["HPGen9v3"]);
    assert_eq!(d.names(Kind::Rack), ["rack1"]);
    assert_eq!(d.names(Kind::BootAction), ["helloworld", "hw_filtered"]);
    assert_eq!(out.summary.documents, 17);
    assert_eq!(out.summary.per_kind["Network"], 5);
    let gp = &d.network_links["gp"];
    assert_eq!(gp.source.format, "yaml");
    assert_eq!(gp.source.schema, "drydock/NetworkLink/v1");
    println!("{}", serde_json::to_string_pretty(&out).unwrap());
}
