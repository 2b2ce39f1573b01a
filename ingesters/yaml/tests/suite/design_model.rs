//! The site-design model without any YAML: value trees built by hand go
//! through validation, the typed model and the assembler.

use drydock_core::design::{BondingMode, DocumentSource, Kind};
use drydock_core::{Level, Status};
use drydock_ingester_yaml::model::build::{Assembler, Outcome, build_item};
use drydock_ingester_yaml::model::value::{Key, Mark, Node, Path, ScalarKind, Value};

fn at(line: u32) -> Mark {
    Mark::new(line, 3)
}

fn s(text: &str, line: u32) -> Node {
    Node::new(Value::Str(text.into()), at(line))
}

fn map(entries: Vec<(&str, Node)>, line: u32) -> Node {
    let entries = entries
        .into_iter()
        .map(|(k, v)| {
            let key = Key {
                text: k.into(),
                kind: ScalarKind::Str,
                mark: v.mark,
            };
            (key, v)
        })
        .collect();
    Node::new(Value::Map(entries), at(line))
}

fn source(kind: Kind, name: &str, line: u32) -> DocumentSource {
    DocumentSource {
        format: "test".into(),
        schema: kind.schema_v1().into(),
        name: name.into(),
        line,
    }
}

fn link(mode: &str) -> Node {
    map(
        vec![
            ("bonding", map(vec![("mode", s(mode, 3))], 3)),
            ("mtu", Node::new(Value::Int(9000), at(4))),
        ],
        2,
    )
}

#[test]
fn a_valid_tree_becomes_a_typed_item() {
    let Outcome::Item(built, warnings) = build_item(
        Kind::NetworkLink,
        source(Kind::NetworkLink, "gp", 1),
        link("802.3ad"),
        "data",
    ) else {
        panic!("valid")
    };
    assert!(warnings.is_empty());
    let mut asm = Assembler::new("test");
    asm.add(Outcome::Item(built, warnings));
    let out = asm.finish();
    let gp = &out.design.network_links["gp"];
    assert_eq!(
        gp.data.bonding.as_ref().unwrap().mode,
        Some(BondingMode::Lacp)
    );
    assert_eq!(gp.data.mtu, Some(9000));
    assert_eq!(gp.source.schema, "drydock/NetworkLink/v1");
    assert_eq!(out.summary.per_kind["NetworkLink"], 1);
    assert!(out.design.get(Kind::NetworkLink, "gp").is_some());
    assert_eq!(out.design.names(Kind::NetworkLink), ["gp"]);
    assert_eq!(out.design.len(), 1);
}

#[test]
fn a_violation_names_the_field_path_and_position() {
    let Outcome::Invalid(messages) = build_item(
        Kind::NetworkLink,
        source(Kind::NetworkLink, "gp", 1),
        link("lacp"),
        "data",
    ) else {
        panic!("invalid")
    };
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert_eq!((m.code.as_str(), m.level), ("DD001", Level::Error));
    assert_eq!(m.path.as_deref(), Some("data.bonding.mode"));
    let loc = m.location.unwrap();
    assert_eq!((loc.line, loc.column), (3, 3));
    assert!(
        m.message.contains(
            "'lacp' is not one of ['disabled', '802.3ad', 'balance-rr', 'active-backup']"
        ),
        "{}",
        m.message
    );
    assert_eq!(m.documents[0].name, "gp");
}

#[test]
fn invalid_formats_are_warnings_not_errors() {
    let data = map(
        vec![("dhcp_relay", map(vec![("self_ip", s("not-an-ip", 5))], 5))],
        4,
    );
    let Outcome::Item(_, warnings) =
        build_item(Kind::Network, source(Kind::Network, "pxe", 1), data, "data")
    else {
        panic!("accepted, as by the original, which never checked formats")
    };
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].level, Level::Warning);
    assert_eq!(warnings[0].path.as_deref(), Some("data.dhcp_relay.self_ip"));
}

#[test]
fn many_violations_are_capped_per_document() {
    let tags: Vec<Node> = (0..200)
        .map(|i| Node::new(Value::Int(i), at(10 + i as u32)))
        .collect();
    let data = map(
        vec![(
            "metadata",
            map(vec![("tags", Node::new(Value::Seq(tags), at(9)))], 8),
        )],
        7,
    );
    let Outcome::Invalid(messages) = build_item(
        Kind::BaremetalNode,
        source(Kind::BaremetalNode, "n", 1),
        data,
        "data",
    ) else {
        panic!("invalid")
    };
    assert_eq!(
        messages.len(),
        51,
        "200 bad tags and the missing addressing: 50 shown"
    );
    assert!(
        messages[50]
            .message
            .starts_with("151 more schema violations"),
        "{}",
        messages[50].message
    );
}

#[test]
fn the_assembler_rejects_duplicates_and_counts_skipped_documents() {
    let mut asm = Assembler::new("test");
    for line in [1, 20] {
        asm.add(build_item(
            Kind::NetworkLink,
            source(Kind::NetworkLink, "gp", line),
            link("disabled"),
            "data",
        ));
    }
    asm.add(Outcome::Skipped("promenade/Genesis/v1".into()));
    asm.add(Outcome::Empty);
    let out = asm.finish();
    assert_eq!(out.report.status, Status::Failure);
    assert_eq!(out.report.error_count(), 1);
    assert!(
        out.report.messages[0]
            .message
            .contains("Duplicate NetworkLink 'gp'")
    );
    assert_eq!(out.report.messages[0].location.unwrap().line, 20);
    assert_eq!(out.design.network_links["gp"].source.line, 1);
    assert_eq!(out.summary.documents, 3);
    assert_eq!(out.summary.skipped["promenade/Genesis/v1"], 1);
}

#[test]
fn paths_print_like_javascript_accessors() {
    let root = Path::root("data");
    let ifaces = root.key("interfaces");
    let bond = ifaces.key("bond0");
    let slaves = bond.key("slaves");
    assert_eq!(
        slaves.index(1).to_string(),
        "data.interfaces.bond0.slaves[1]"
    );
    assert_eq!(root.key("odd key").to_string(), "data[\"odd key\"]");
}

#[test]
fn kinds_parse_print_and_name_their_design_keys() {
    for kind in Kind::ALL {
        assert_eq!(Kind::parse(kind.as_str()), Some(kind));
    }
    assert_eq!(Kind::parse("Site"), Some(Kind::Region));
    assert_eq!(Kind::parse("Switch"), None);
    let keys: Vec<_> = Kind::ALL.iter().map(|k| k.design_key()).collect();
    let json = serde_json::to_value(drydock_core::SiteDesign::default()).unwrap();
    let mut expected: Vec<_> = json.as_object().unwrap().keys().cloned().collect();
    let mut keys: Vec<String> = keys.into_iter().map(String::from).collect();
    keys.sort();
    expected.sort();
    assert_eq!(keys, expected);
}
