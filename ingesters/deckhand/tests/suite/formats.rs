//! Both formats give the same design; parallel and serial parsing agree; the
//! JSON shape is stable; both ingesters register and detect their format.

use drydock_core::design::{Kind, SiteDesign};
use drydock_core::{Bytes, Detection, IngestOptions, Ingested, Ingester, Registry};
use drydock_fixtures::sitegen::{self, SiteSpec};
use drydock_ingester_deckhand::{DeckhandIngester, DeckhandOptions, Limits};
use drydock_ingester_yaml::YamlIngester;

fn run(i: &dyn Ingester, text: impl Into<Bytes>) -> Ingested {
    i.ingest(&text.into(), &IngestOptions::default()).unwrap()
}

/// The design as JSON with each item's `source` removed (it names the format and line).
fn without_sources(d: &SiteDesign) -> serde_json::Value {
    let mut v = serde_json::to_value(d).unwrap();
    for (_, items) in v.as_object_mut().unwrap() {
        for (_, item) in items.as_object_mut().unwrap() {
            item.as_object_mut().unwrap().remove("source");
        }
    }
    v
}

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../../fixtures/designs/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn a_generated_site_gives_the_same_design_in_both_formats() {
    let spec = SiteSpec::new(250);
    let dh = run(&DeckhandIngester::default(), sitegen::deckhand(&spec));
    let legacy = run(&YamlIngester::default(), sitegen::legacy(&spec));
    for out in [&dh, &legacy] {
        assert!(out.report.is_success(), "{:#?}", out.report);
        for (kind, n) in spec.counts() {
            assert_eq!(out.summary.per_kind[kind], n, "{kind}");
        }
        assert_eq!(
            out.summary.skipped.values().sum::<usize>(),
            spec.foreign_documents()
        );
    }
    assert_eq!(
        dh.summary.skipped["promenade/Genesis/v1"],
        spec.foreign_documents()
    );
    assert_eq!(without_sources(&dh.design), without_sources(&legacy.design));
    let node = &dh.design.baremetal_nodes["node00042"];
    assert_eq!(node.source.format, "deckhand");
    assert_eq!(node.source.schema, "drydock/BaremetalNode/v1");
    assert_eq!(
        legacy.design.baremetal_nodes["node00042"].source.format,
        "yaml"
    );
}

#[test]
fn the_committed_valid_fixtures_agree_across_formats() {
    let dh = run(
        &DeckhandIngester::default(),
        fixture("valid/site-deckhand.yaml"),
    );
    let legacy = run(&YamlIngester::default(), fixture("valid/site-legacy.yaml"));
    assert!(dh.report.is_success(), "{:#?}", dh.report);
    assert!(legacy.report.is_success(), "{:#?}", legacy.report);
    assert_eq!(dh.design.count(Kind::BaremetalNode), 6);
    assert_eq!(without_sources(&dh.design), without_sources(&legacy.design));
}

#[test]
fn the_two_original_samples_agree_on_what_they_share() {
    let dh = run(
        &DeckhandIngester::default(),
        fixture("deckhand_fullsite.yaml"),
    );
    let legacy = run(&YamlIngester::default(), fixture("fullsite.yaml"));
    assert!(dh.report.is_success() && legacy.report.is_success());
    let (a, b) = (without_sources(&dh.design), without_sources(&legacy.design));
    let mut same = Vec::new();
    let mut differ = Vec::new();
    for kind in Kind::ALL {
        for name in legacy.design.names(kind) {
            let key = kind.design_key();
            if a[key].get(name) == b[key].get(name) {
                same.push(format!("{kind}/{name}"));
            } else {
                differ.push(format!("{kind}/{name}"));
            }
        }
    }
    // Everything the legacy sample has exists in the Deckhand one …
    for kind in Kind::ALL {
        for name in legacy.design.names(kind) {
            assert!(dh.design.get(kind, name).is_some(), "{kind}/{name}");
        }
    }
    // … and these items are written identically in both samples.
    assert_eq!(
        same,
        [
            "NetworkLink/oob",
            "NetworkLink/pxe",
            "Network/mgmt",
            "Network/oob",
            "Network/private",
            "Network/public",
            "Network/pxe",
            "BaremetalNode/controller01",
            "Rack/rack1",
        ]
    );
    // The samples really differ here (e.g. gp allows `private` only in Deckhand).
    assert!(differ.contains(&"NetworkLink/gp".to_owned()));
    let gp = &dh.design.network_links["gp"].data;
    assert_eq!(
        gp.bonding.as_ref().unwrap().mode,
        Some(drydock_core::design::BondingMode::Lacp)
    );
    assert_eq!(
        gp.trunking.as_ref().unwrap().mode,
        Some(drydock_core::design::TrunkingMode::Tagged)
    );
}

#[test]
fn parallel_and_serial_parsing_give_identical_results() {
    let text = Bytes::from(sitegen::deckhand(&SiteSpec::new(300)));
    let serial = DeckhandIngester::new(DeckhandOptions::with_limits(Limits {
        threads: 1,
        ..Limits::default()
    }));
    let parallel = DeckhandIngester::new(DeckhandOptions::with_limits(Limits {
        threads: 4,
        parallel_threshold: 0,
        ..Limits::default()
    }));
    let a = run(&serial, text.clone());
    let b = run(&parallel, text);
    assert_eq!(a, b);
    assert_eq!(a.design.count(Kind::BaremetalNode), 300);
}

#[test]
fn design_json_is_stable_and_round_trips() {
    let out = run(
        &DeckhandIngester::default(),
        fixture("deckhand_fullsite.yaml"),
    );
    let json = serde_json::to_string(&out.design).unwrap();
    assert_eq!(json, out.design.to_stable_json());
    let again = run(
        &DeckhandIngester::default(),
        fixture("deckhand_fullsite.yaml"),
    );
    assert_eq!(json, serde_json::to_string(&again.design).unwrap());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "baremetal_nodes",
            "boot_actions",
            "hardware_profiles",
            "host_profiles",
            "network_links",
            "networks",
            "racks",
            "region"
        ]
    );
    let back: SiteDesign = serde_json::from_str(&json).unwrap();
    assert_eq!(back, out.design);
    let report = serde_json::to_value(&out.report).unwrap();
    assert_eq!(report["status"], "success");
}

#[test]
fn both_ingesters_are_registered_and_detect_their_format() {
    let registry = Registry::global();
    let names = registry.ingester_names();
    assert!(
        names.contains(&"deckhand".to_owned()) && names.contains(&"yaml".to_owned()),
        "{names:?}"
    );
    let dh = fixture("deckhand_fullsite.yaml");
    let legacy = fixture("fullsite.yaml");
    assert_eq!(registry.detect(dh.as_bytes()).unwrap().name(), "deckhand");
    assert_eq!(registry.detect(legacy.as_bytes()).unwrap().name(), "yaml");
    assert_eq!(
        DeckhandIngester::default().detect(legacy.as_bytes()),
        Detection::No
    );
    assert_eq!(YamlIngester::default().detect(dh.as_bytes()), Detection::No);
    assert_eq!(
        DeckhandIngester::default().detect(b"\xff\xfe binary"),
        Detection::No
    );
}
