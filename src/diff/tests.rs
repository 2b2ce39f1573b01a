//! Design diff tests; designs are built from JSON with serde.

use serde_json::{Value, json};

use super::*;
use drydock_core::text::is_unsafe_char;

mod scale;
mod sites;

/// One item: kind, name, source line and typed data as JSON.
struct Spec<'a>(Kind, &'a str, u32, Value);

fn design(items: &[Spec<'_>]) -> SiteDesign {
    let mut root: serde_json::Map<String, Value> = Kind::ALL
        .iter()
        .map(|k| (k.design_key().to_owned(), json!({})))
        .collect();
    for Spec(kind, name, line, data) in items {
        let mut item = data.as_object().cloned().unwrap_or_default();
        item.insert("name".into(), json!(name));
        item.insert(
            "source".into(),
            json!({"format": "deckhand", "schema": kind.schema_v1(), "name": name, "line": line}),
        );
        let map = root
            .get_mut(kind.design_key())
            .and_then(Value::as_object_mut)
            .expect("a map per kind");
        map.insert((*name).to_owned(), Value::Object(item));
    }
    serde_json::from_value(Value::Object(root)).expect("the test design deserialises")
}

fn one(kind: Kind, name: &str, data: Value) -> SiteDesign {
    design(&[Spec(kind, name, 1, data)])
}

/// The single changed item's fields, as (path, old, new).
fn fields_of(d: &DesignDiff) -> Vec<(String, Option<Value>, Option<Value>)> {
    assert_eq!(d.kinds.len(), 1, "{d:#?}");
    assert_eq!(d.kinds[0].changed.len(), 1, "{d:#?}");
    d.kinds[0].changed[0]
        .fields
        .iter()
        .map(|f| (f.path.to_string(), f.old.clone(), f.new.clone()))
        .collect()
}

fn change(path: &str, old: Value, new: Value) -> (String, Option<Value>, Option<Value>) {
    (path.to_owned(), Some(old), Some(new))
}

/// A small valid body per kind, and the same with one field changed.
fn sample(kind: Kind) -> (Value, Value, &'static str) {
    match kind {
        Kind::Region => (
            json!({"authorized_keys": ["ssh-rsa A"]}),
            json!({"authorized_keys": ["ssh-rsa B"]}),
            "authorized_keys[0]",
        ),
        Kind::NetworkLink => (json!({"mtu": 1500}), json!({"mtu": 9000}), "mtu"),
        Kind::Network => (
            json!({"cidr": "10.0.0.0/24"}),
            json!({"cidr": "10.0.1.0/24"}),
            "cidr",
        ),
        Kind::HardwareProfile => (json!({"vendor": "Dell"}), json!({"vendor": "HP"}), "vendor"),
        Kind::HostProfile => (
            json!({"primary_network": "mgmt"}),
            json!({"primary_network": "oob"}),
            "primary_network",
        ),
        Kind::BaremetalNode => (
            json!({"addressing": [{"network": "pxe", "address": "dhcp"}]}),
            json!({"addressing": [{"network": "pxe", "address": "10.0.0.5"}]}),
            "addressing[0].address",
        ),
        Kind::Rack => (
            json!({"local_networks": ["pxe"]}),
            json!({"local_networks": ["pxe2"]}),
            "local_networks[0]",
        ),
        Kind::BootAction => (
            json!({"signaling": false}),
            json!({"signaling": true}),
            "signaling",
        ),
    }
}

#[test]
fn every_kind_reports_added_removed_and_changed_in_kind_order() {
    let (mut old, mut new) = (Vec::new(), Vec::new());
    for kind in Kind::ALL {
        let (before, after, _) = sample(kind);
        old.push(Spec(kind, "kept", 1, before.clone()));
        old.push(Spec(kind, "zz-gone", 2, before.clone()));
        old.push(Spec(kind, "same", 3, before.clone()));
        new.push(Spec(kind, "kept", 1, after));
        new.push(Spec(kind, "aa-new", 2, before.clone()));
        new.push(Spec(kind, "same", 3, before));
    }
    let d = diff(&design(&old), &design(&new));
    let kinds: Vec<Kind> = d.kinds.iter().map(|k| k.kind).collect();
    assert_eq!(kinds, Kind::ALL);
    for k in &d.kinds {
        let (before, after, path) = sample(k.kind);
        assert_eq!(k.added, ["aa-new"], "{:?}", k.kind);
        assert_eq!(k.removed, ["zz-gone"], "{:?}", k.kind);
        assert_eq!(k.changed.len(), 1, "{:?}", k.kind);
        assert_eq!(k.changed[0].name, "kept");
        let field = &k.changed[0].fields;
        assert_eq!(field.len(), 1, "{:?}: {field:?}", k.kind);
        assert_eq!(field[0].path.to_string(), path);
        assert_ne!(field[0].old, field[0].new);
        assert_ne!(before, after);
    }
    let text = d.to_string();
    assert_eq!(text.lines().count(), 8 * 3, "{text}");
    assert!(
        text.contains("+ Network aa-new\n- Network zz-gone\n"),
        "{text}"
    );
    assert!(text.contains("Network kept: cidr 10.0.0.0/24 → 10.0.1.0/24\n"));
    assert!(text.contains("BaremetalNode kept: addressing[0].address dhcp → 10.0.0.5\n"));
    assert!(text.contains("BootAction kept: signaling false → true\n"));
}

#[test]
fn unchanged_designs_and_moved_lines_give_an_empty_diff() {
    let (body, _, _) = sample(Kind::BaremetalNode);
    let a = design(&[Spec(Kind::BaremetalNode, "n1", 10, body.clone())]);
    let moved = design(&[Spec(Kind::BaremetalNode, "n1", 400, body)]);
    for (old, new) in [
        (&a, &a),
        (&a, &moved),
        (&SiteDesign::default(), &SiteDesign::default()),
    ] {
        let d = diff(old, new);
        assert!(d.is_empty(), "{d:#?}");
        assert_eq!(d.to_string(), "");
        assert_eq!(serde_json::to_string(&d).unwrap(), r#"{"kinds":[]}"#);
    }
}

#[test]
fn a_changed_format_or_schema_is_a_change_of_the_item() {
    let old = one(Kind::Network, "pxe", json!({"mtu": 1500}));
    let mut new = old.clone();
    let item = new.networks.get_mut("pxe").expect("pxe");
    item.source.format = "yaml".into();
    item.source.line = 99;
    assert_eq!(
        fields_of(&diff(&old, &new)),
        [change("source.format", json!("deckhand"), json!("yaml"))]
    );
    new.networks.get_mut("pxe").expect("pxe").data.mtu = Some(9000);
    new.networks.get_mut("pxe").expect("pxe").source.schema = "drydock/Network/v2".into();
    assert_eq!(
        fields_of(&diff(&old, &new)),
        [
            change("source.format", json!("deckhand"), json!("yaml")),
            change(
                "source.schema",
                json!("drydock/Network/v1"),
                json!("drydock/Network/v2")
            ),
            change("mtu", json!(1500), json!(9000)),
        ]
    );
}

#[test]
fn nested_maps_and_lists_name_the_exact_field() {
    let node = |slave: &str, size: &str, address: &str| {
        json!({
            "addressing": [
                {"network": "pxe", "address": "dhcp"},
                {"network": "mgmt", "address": address},
            ],
            "interfaces": {"bond0": {"slaves": [slave, "eno2"], "networks": ["mgmt"]}},
            "storage": {"physical_devices": {"sda": {"partitions": [
                {"name": "boot", "size": "1g"},
                {"name": "root", "size": "30g"},
                {"name": "var", "size": size},
            ]}}},
        })
    };
    let old = one(
        Kind::BaremetalNode,
        "node0042",
        node("eno1", "20g", "172.16.1.20"),
    );
    let new = one(
        Kind::BaremetalNode,
        "node0042",
        node("ens1", "40g", "172.16.1.21"),
    );
    let d = diff(&old, &new);
    assert_eq!(
        fields_of(&d),
        [
            change(
                "addressing[1].address",
                json!("172.16.1.20"),
                json!("172.16.1.21")
            ),
            change("interfaces.bond0.slaves[0]", json!("eno1"), json!("ens1")),
            change(
                "storage.physical_devices.sda.partitions[2].size",
                json!("20g"),
                json!("40g")
            ),
        ]
    );
    assert_eq!(
        d.to_string(),
        "BaremetalNode node0042: addressing[1].address 172.16.1.20 → 172.16.1.21\n\
         BaremetalNode node0042: interfaces.bond0.slaves[0] eno1 → ens1\n\
         BaremetalNode node0042: storage.physical_devices.sda.partitions[2].size 20g → 40g\n"
    );
}

#[test]
fn keys_that_are_not_identifiers_are_quoted_like_validation_paths() {
    let old = one(
        Kind::Network,
        "n",
        json!({"labels": {"a.b": "x", "plain_key-1": 1}}),
    );
    let new = one(
        Kind::Network,
        "n",
        json!({"labels": {"a.b": "y", "plain_key-1": 2}}),
    );
    assert_eq!(
        fields_of(&diff(&old, &new)),
        [
            change("labels[\"a.b\"]", json!("x"), json!("y")),
            change("labels.plain_key-1", json!(1), json!(2)),
        ]
    );
}

#[test]
fn an_absent_field_is_added_or_removed_and_json_leaves_the_side_out() {
    let old = one(
        Kind::Network,
        "n",
        json!({"mtu": 1500, "labels": {"k": null}}),
    );
    let new = one(
        Kind::Network,
        "n",
        json!({"dns": {"domain": "example.com"}, "labels": {}}),
    );
    let d = diff(&old, &new);
    assert_eq!(
        fields_of(&d),
        [
            (
                "dns".to_owned(),
                None,
                Some(json!({"domain": "example.com"}))
            ),
            // A present null is not an absence.
            ("labels.k".to_owned(), Some(json!(null)), None),
            ("mtu".to_owned(), Some(json!(1500)), None),
        ]
    );
    let json = serde_json::to_value(&d).unwrap();
    let fields = &json["kinds"][0]["changed"][0]["fields"];
    assert_eq!(
        fields[0],
        json!({"path": "dns", "new": {"domain": "example.com"}})
    );
    assert_eq!(fields[1], json!({"path": "labels.k", "old": null}));
    assert!(d.to_string().contains("Network n: mtu 1500 → (absent)\n"));
    assert!(
        d.to_string()
            .contains("Network n: dns (absent) → {\"domain\":\"example.com\"}\n")
    );
}

#[test]
fn one_list_element_inserted_or_removed_is_one_change() {
    let addr = |net: &str| json!({"network": net, "address": "dhcp"});
    let node =
        |nets: &[&str]| json!({"addressing": nets.iter().map(|n| addr(n)).collect::<Vec<_>>()});
    let old = one(Kind::BaremetalNode, "n", node(&["pxe", "mgmt", "oob"]));
    let inserted = one(
        Kind::BaremetalNode,
        "n",
        node(&["pxe", "storage", "mgmt", "oob"]),
    );
    assert_eq!(
        fields_of(&diff(&old, &inserted)),
        [("addressing[1]".to_owned(), None, Some(addr("storage")))]
    );
    let removed = one(Kind::BaremetalNode, "n", node(&["mgmt", "oob"]));
    assert_eq!(
        fields_of(&diff(&old, &removed)),
        [("addressing[0]".to_owned(), Some(addr("pxe")), None)]
    );
    // Growing at the end, and a different middle compared by index.
    let grown = one(Kind::BaremetalNode, "n", node(&["pxe", "a", "b", "oob"]));
    assert_eq!(
        fields_of(&diff(&old, &grown)),
        [
            change("addressing[1].network", json!("mgmt"), json!("a")),
            ("addressing[2]".to_owned(), None, Some(addr("b"))),
        ]
    );
    // Equal neighbours: the later one is the one removed; a swap is two changes.
    let twice = one(Kind::BaremetalNode, "n", node(&["pxe", "pxe"]));
    let once = one(Kind::BaremetalNode, "n", node(&["pxe"]));
    assert_eq!(
        fields_of(&diff(&twice, &once)),
        [("addressing[1]".to_owned(), Some(addr("pxe")), None)]
    );
    let swapped = one(Kind::BaremetalNode, "n", node(&["oob", "mgmt", "pxe"]));
    assert_eq!(
        fields_of(&diff(&old, &swapped)),
        [
            change("addressing[0].network", json!("pxe"), json!("oob")),
            change("addressing[2].network", json!("oob"), json!("pxe")),
        ]
    );
}

#[test]
fn a_value_that_changes_type_is_one_change() {
    let old = one(Kind::Rack, "r", json!({"labels": {"k": "v"}}));
    let new = one(Kind::Rack, "r", json!({"labels": {"k": {"x": [1, 2]}}}));
    assert_eq!(
        fields_of(&diff(&old, &new)),
        [change("labels.k", json!("v"), json!({"x": [1, 2]}))]
    );
}

#[test]
fn the_json_form_is_stable() {
    let old = design(&[
        Spec(Kind::Network, "keep", 1, json!({"mtu": 1500})),
        Spec(Kind::HostProfile, "old-profile", 2, json!({})),
    ]);
    let new = design(&[
        Spec(Kind::Network, "keep", 5, json!({"mtu": 9000})),
        Spec(Kind::Network, "storage2", 6, json!({})),
    ]);
    let d = diff(&old, &new);
    assert_eq!(
        serde_json::to_string(&d).unwrap(),
        r#"{"kinds":[{"kind":"Network","added":["storage2"],"removed":[],"changed":[{"name":"keep","fields":[{"path":"mtu","old":1500,"new":9000}]}]},{"kind":"HostProfile","added":[],"removed":["old-profile"],"changed":[]}]}"#
    );
    assert_eq!(
        d.to_string(),
        "+ Network storage2\nNetwork keep: mtu 1500 → 9000\n- HostProfile old-profile\n"
    );
    assert_eq!(d.kind(Kind::Network).map(|k| k.added.len()), Some(1));
    assert!(d.kind(Kind::Rack).is_none());
}

#[test]
fn hostile_names_keys_and_values_are_escaped_for_humans_and_exact_in_json() {
    let name = "n\x1b[2J\n+ Network forged";
    let key = "k\r\u{202e}";
    let value = "v\u{9b}31m\u{2066}\nx";
    let old = design(&[
        Spec(Kind::Rack, name, 1, json!({"labels": {key: "a"}})),
        Spec(Kind::Network, "gone\x07", 1, json!({})),
    ]);
    let new = design(&[
        Spec(Kind::Rack, name, 1, json!({"labels": {key: value}})),
        Spec(Kind::Network, "\u{202e}new", 1, json!({})),
    ]);
    let d = diff(&old, &new);
    let text = d.to_string();
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(
        !text.lines().any(|l| l.chars().any(is_unsafe_char)),
        "{text:?}"
    );
    assert!(
        text.contains("+ Network \\u{202e}new\n- Network gone\\x07\n"),
        "{text}"
    );
    assert!(
        text.contains("Rack n\\x1b[2J\\n+ Network forged: labels["),
        "{text}"
    );
    let json: Value = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
    assert_eq!(json["kinds"][0]["added"][0], "\u{202e}new");
    assert_eq!(json["kinds"][0]["removed"][0], "gone\x07");
    let rack = &json["kinds"][1]["changed"][0];
    assert_eq!(rack["name"], name);
    assert_eq!(rack["fields"][0]["new"], value);
    let path = &d.kinds[1].changed[0].fields[0].path;
    assert_eq!(path.segments()[1], PathSegment::Key(key.to_owned()));
}
