//! The effective site: route domains, boot-action targets and compile
//! problems (VALIDATION.md 2.2, 2.8, 2.9).

use crate::common;

use common::{clean, site, with};
use drydock_rules::EffectiveSite;
use drydock_rules::effective::Targets;
use serde_json::json;

#[test]
fn route_domains_add_routes_to_the_other_members() {
    let mut docs = clean();
    for (name, third) in [("storage-a", 10), ("storage-b", 11), ("storage-c", 12)] {
        docs.push(("Network", name, json!({"cidr": format!("10.0.{third}.0/24"), "routedomain": "storage",
            "routes": [{"routedomain": "storage", "gateway": format!("10.0.{third}.1"), "metric": 10}]})));
    }
    docs.push((
        "Network",
        "storage-d",
        json!({"cidr": "10.0.13.0/24", "routedomain": "storage"}),
    ));
    let design = site(&docs);
    let eff = EffectiveSite::compile(&design).unwrap();
    let a = eff.network("storage-a").unwrap();
    let subnets: Vec<_> = a
        .routes
        .iter()
        .map(|r| (r.subnet, r.gateway, r.rendered))
        .collect();
    assert_eq!(
        subnets,
        [
            (None, Some("10.0.10.1"), false),
            (Some("10.0.11.0/24"), Some("10.0.10.1"), true),
            (Some("10.0.12.0/24"), Some("10.0.10.1"), true),
            (Some("10.0.13.0/24"), Some("10.0.10.1"), true),
        ]
    );
    assert_eq!(
        a.routes[1].python_repr(),
        "{'subnet': '10.0.11.0/24', 'gateway': '10.0.10.1', 'metric': '10'}"
    );
    assert!(
        eff.network("storage-d").unwrap().routes.is_empty(),
        "no declaring route, no routes"
    );
    assert_eq!(eff.network("mgmt").unwrap().routes.len(), 1);
}

#[test]
fn boot_action_targets() {
    let mut docs = clean();
    let filters = [
        (
            "by-name",
            json!({"filter_set_type": "union", "filter_set": [{"filter_type": "union", "node_names": ["compute01", "ghost"]}]}),
        ),
        (
            "by-tag-and-rack",
            json!({"filter_set_type": "union", "filter_set": [{"filter_type": "intersection", "node_tags": ["test"], "rack_names": ["rack1"]}]}),
        ),
        (
            "by-label",
            json!({"filter_set_type": "union", "filter_set": [{"filter_type": "union", "node_labels": {"foo": "bar", "n": 1}}]}),
        ),
        (
            "empty-union",
            json!({"filter_set_type": "union", "filter_set": [{"filter_type": "union"}]}),
        ),
        (
            "null-in-intersection",
            json!({"filter_set_type": "intersection", "filter_set": [{"filter_type": "intersection"}, {"filter_type": "union", "node_names": ["controller01"]}]}),
        ),
        (
            "null-in-union",
            json!({"filter_set_type": "union", "filter_set": [{"filter_type": "intersection"}]}),
        ),
        (
            "rack-labels-only",
            json!({"filter_set_type": "union", "filter_set": [{"filter_type": "union", "rack_labels": {"a": "b"}}]}),
        ),
        (
            "no-filters",
            json!({"filter_set_type": "intersection", "filter_set": []}),
        ),
    ];
    for (name, filter) in &filters {
        docs.push((
            "BootAction",
            name,
            json!({"assets": [], "node_filter": filter}),
        ));
    }
    let design = site(&docs);
    let eff = EffectiveSite::compile(&design).unwrap();
    let index = |n: &str| eff.nodes.iter().position(|x| x.name == n).unwrap();
    let (ctl, cmp) = (index("controller01"), index("compute01"));
    let targets = |name: &str| {
        eff.boot_actions
            .iter()
            .find(|b| b.name == name)
            .unwrap()
            .targets
            .clone()
    };
    assert_eq!(targets("hello"), Targets::All);
    assert_eq!(targets("by-name"), Targets::Nodes(vec![cmp]));
    assert_eq!(targets("by-tag-and-rack"), Targets::Nodes(vec![ctl]));
    let mut both = vec![ctl, cmp];
    both.sort();
    assert_eq!(targets("by-label"), Targets::Nodes(both));
    for none in [
        "empty-union",
        "null-in-union",
        "rack-labels-only",
        "no-filters",
    ] {
        assert_eq!(targets(none), Targets::Nodes(vec![]), "{none}");
    }
    assert_eq!(targets("null-in-intersection"), Targets::Nodes(vec![ctl]));
}

#[test]
fn compile_problems_are_reported_once_each_and_by_name() {
    let docs = with(
        clean(),
        "HostProfile",
        "loop-a",
        json!({"host_profile": "loop-b"}),
    );
    let docs = with(
        docs,
        "HostProfile",
        "loop-b",
        json!({"host_profile": "loop-a"}),
    );
    let docs = with(
        docs,
        "HostProfile",
        "k8-node",
        json!({"host_profile": "missing", "hardware_profile": "hp"}),
    );
    let docs = with(
        docs,
        "BaremetalNode",
        "looped",
        json!({"host_profile": "loop-a", "addressing": [{"address": "dhcp"}]}),
    );
    let docs = with(
        docs,
        "BaremetalNode",
        "looped2",
        json!({"host_profile": "loop-b", "addressing": [{"address": "dhcp"}]}),
    );
    let docs = with(
        docs,
        "BaremetalNode",
        "bare",
        json!({"addressing": [{"address": "dhcp"}]}),
    );
    let docs = with(
        docs,
        "BaremetalNode",
        "odd-hw",
        json!({"hardware_profile": "nope", "addressing": [{"address": "dhcp"}]}),
    );
    let design = site(&docs);
    let problems = EffectiveSite::compile(&design).expect_err("does not compile");
    let texts: Vec<String> = problems
        .iter()
        .map(|p| format!("{} @ {} {}", p.kind, p.document.name, p.path))
        .collect();
    assert_eq!(
        texts,
        [
            "HostProfile missing not found in design state @ k8-node data.host_profile",
            "HostProfile inheritance cycle: loop-a -> loop-b -> loop-a @ loop-a data.host_profile",
            "Hardware profile not set @ bare data.hardware_profile",
            "HardwareProfile nope not found in design state @ odd-hw data.hardware_profile",
        ]
    );
    let m = problems[0].to_message();
    assert_eq!(
        m.message,
        "Error loading effective site: HostProfile missing not found in design state"
    );
    assert_eq!(m.documents[0].name, "k8-node");
}

#[test]
fn a_very_long_profile_chain_compiles_without_recursion() {
    let mut docs = clean();
    let names: Vec<&'static str> = (0..20_000)
        .map(|i| &*Box::leak(format!("p{i}").into_boxed_str()))
        .collect();
    for (i, name) in names.iter().enumerate() {
        let parent = if i == 0 {
            "k8-node".to_owned()
        } else {
            names[i - 1].to_owned()
        };
        docs.push(("HostProfile", name, json!({"host_profile": parent})));
    }
    docs = with(
        docs,
        "BaremetalNode",
        "compute01",
        json!({"host_profile": names[names.len() - 1], "addressing": [{"address": "dhcp"}]}),
    );
    let design = site(&docs);
    let eff = EffectiveSite::compile(&design).expect("compiles");
    let node = eff.nodes.iter().find(|n| n.name == "compute01").unwrap();
    assert_eq!(node.host.image.unwrap().value, "xenial");
}
