//! DD2006 CIDR Validity, DD2002 IP Locality Check, DD2003 MTU Rationality,
//! DD2004 Network Trunking Rationalty, DD1006 Network Bond Rationality and
//! DD1007 Allowed Network Check, with VALIDATION.md's counts.

use crate::common;

use common::{all_errors, clean, errors, run, with};
use drydock_core::Status;
use serde_json::json;

fn link(
    mode: &str,
    mtu: i64,
    trunk: &str,
    native: Option<&str>,
    allowed: &[&str],
) -> serde_json::Value {
    json!({"bonding": {"mode": mode}, "mtu": mtu, "trunking": {"mode": trunk, "default_network": native}, "allowed_networks": allowed})
}

#[test]
fn cidr_validity() {
    let docs = with(
        clean(),
        "Network",
        "private",
        json!({"cidr": "172.16.2.9/24", "vlan": "101"}),
    );
    let docs = with(docs, "Network", "v6", json!({"cidr": "fd00:0:0:0::1/64"}));
    let docs = with(docs, "Network", "junk", json!({"cidr": "not-a-cidr"}));
    let out = run(&docs);
    assert_eq!(
        errors(&out, "CIDR Validity"),
        [
            "The provided CIDR 172.16.2.9/24 has host bits set",
            "The provided CIDR fd00:0:0:0::1/64 has host bits set",
        ]
    );
    let m = out
        .messages
        .iter()
        .find(|m| m.message.contains("172.16.2.9/24 has"))
        .unwrap();
    assert_eq!(
        m.diagnostic.as_deref(),
        Some("Provide a CIDR acceptable by MAAS: 172.16.2.0/24")
    );
    assert_eq!(
        (m.documents[0].name.as_str(), m.path.as_deref()),
        ("private", Some("data.cidr"))
    );
    assert_eq!(
        errors(&out, "IP Locality Check"),
        ["The CIDR not-a-cidr of junk is not a valid network address."]
    );
}

#[test]
fn ip_locality_counts() {
    let docs = with(
        clean(),
        "Network",
        "mgmt",
        json!({"cidr": "172.16.1.0/24", "vlan": "100", "mtu": 1500,
        "routes": [{"subnet": "0.0.0.0/0", "gateway": "10.0.0.1", "metric": 10}]}),
    );
    let docs = with(
        docs,
        "BaremetalNode",
        "compute01",
        json!({"host_profile": "k8-node", "addressing": [
        {"network": "ghost", "address": "10.9.9.9"}, {"network": "mgmt", "address": "172.16.9.5"},
        {"network": "oob", "address": "172.16.100.21"}, {"network": "pxe", "address": "dhcp"}]}),
    );
    let out = run(&docs);
    assert_eq!(
        errors(&out, "IP Locality Check"),
        [
            "The gateway IP Address 10.0.0.1 is not within the defined CIDR: 172.16.1.0/24 of mgmt.",
            "ghost is not a valid network.",
            "The IP Address 172.16.9.5 is not within the defined CIDR: 172.16.1.0/24 of mgmt .",
        ]
    );
    let paths: Vec<_> = out
        .messages
        .iter()
        .filter(|m| m.code == "DD2002" && m.path.is_some())
        .map(|m| m.path.as_deref().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "data.routes[0].gateway",
            "data.addressing[0].network",
            "data.addressing[1].address"
        ]
    );
}

#[test]
fn ip_locality_edges() {
    let docs = with(
        clean(),
        "Network",
        "mgmt",
        json!({"cidr": "172.16.1.0/24", "vlan": "100",
        "routes": [{"subnet": "0.0.0.0/0", "metric": 10}, {"subnet": "10.0.0.0/8", "gateway": "gw.example", "metric": 5}]}),
    );
    let docs = with(docs, "Network", "nocidr", json!({}));
    let docs = with(
        docs,
        "BaremetalNode",
        "compute01",
        json!({"host_profile": "k8-node", "addressing": [
        {"network": "mgmt", "address": "slaac"}, {"network": "nocidr", "address": "1.2.3.4"}, {"address": "10.1.1.1"},
        {"network": "oob", "address": "172.16.100.21"}]}),
    );
    let out = run(&docs);
    let found = errors(&out, "IP Locality Check");
    assert_eq!(
        found,
        [
            "No gateway found for route {'subnet': '0.0.0.0/0', 'gateway': None, 'metric': '10', 'routedomain': None}.",
            "The gateway gw.example of mgmt is not an IP address.",
            "No CIDR defined for network nocidr.",
            "The IP Address slaac on network mgmt is not an IP address.",
            "None is not a valid network.",
        ]
    );
    // Route-domain routes are checked too: a bad declaring gateway repeats for each rendered route.
    let mut docs = clean();
    for (name, third) in [("sa", 10), ("sb", 11), ("sc", 12)] {
        docs.push((
            "Network",
            name,
            json!({"cidr": format!("10.0.{third}.0/24"), "routedomain": "st",
            "routes": [{"routedomain": "st", "gateway": "10.0.99.1", "metric": 10}]}),
        ));
    }
    assert_eq!(errors(&run(&docs), "IP Locality Check").len(), 9);
}

#[test]
fn mtu_counts() {
    let docs = with(
        clean(),
        "NetworkLink",
        "pxe",
        link("disabled", 700, "disabled", Some("pxe"), &["pxe"]),
    );
    let docs = with(
        docs,
        "Network",
        "mgmt",
        json!({"cidr": "172.16.1.0/24", "vlan": "100", "mtu": 15000}),
    );
    let docs = with(
        docs,
        "Network",
        "private",
        json!({"cidr": "172.16.2.0/24", "vlan": "101", "mtu": 74000}),
    );
    let out = run(&docs);
    assert_eq!(
        errors(&out, "MTU Rationality"),
        [
            "MTU must be between 1280 and 65536, value is 700",
            "MTU must be <= the parent Network Link; for Network pxe",
            "MTU must be <= the parent Network Link; for Network mgmt",
            "MTU must be between 1280 and 65536, value is 74000",
        ]
    );
    // The network's own MTU is printed, and no link at all is no crash (both fixed).
    let mut docs: Vec<_> = clean()
        .into_iter()
        .filter(|d| d.0 != "NetworkLink")
        .collect();
    docs = with(
        docs,
        "Network",
        "private",
        json!({"cidr": "172.16.2.0/24", "mtu": 900}),
    );
    assert_eq!(
        errors(&run(&docs), "MTU Rationality"),
        ["MTU must be between 1280 and 65536, value is 900"]
    );
}

#[test]
fn trunking() {
    let docs = with(
        clean(),
        "NetworkLink",
        "pxe",
        link("disabled", 1500, "disabled", Some("pxe"), &["pxe", "oob"]),
    );
    let docs = with(
        docs,
        "NetworkLink",
        "oob",
        link("disabled", 1500, "disabled", Some("mgmt"), &[]),
    );
    let docs = with(
        docs,
        "NetworkLink",
        "spare",
        link("disabled", 1500, "disabled", None, &[]),
    );
    let docs = with(
        docs,
        "NetworkLink",
        "ghost",
        link("disabled", 1500, "disabled", Some("nowhere"), &[]),
    );
    let out = run(&docs);
    // Links in document order: oob, pxe, then the two added.
    assert_eq!(
        errors(&out, "Network Trunking Rationalty"),
        [
            "Network link native network has a defined VLAN tag.",
            "If there is more than 1 allowed network,trunking mode must be enabled",
            "Trunking mode is disabled, a trunking default_network must be defined",
            "Network nowhere not found in design state",
        ]
    );
    let tagged = out
        .messages
        .iter()
        .find(|m| m.message.contains("VLAN tag"))
        .unwrap();
    let docs: Vec<_> = tagged.documents.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(docs, ["mgmt", "oob"]);
}

#[test]
fn bonding() {
    let lacp = json!({"bonding": {"mode": "802.3ad", "mon_rate": 150, "up_delay": 50, "down_delay": 50}, "mtu": 9000,
        "trunking": {"mode": "802.1q", "default_network": "mgmt"}, "allowed_networks": ["mgmt", "private"]});
    let out = run(&with(clean(), "NetworkLink", "gp", lacp));
    assert_eq!(
        errors(&out, "Network Bond Rationality"),
        [
            "Up delay 50 is less than mon rate 150",
            "Down delay 50 is less than mon rate 150"
        ]
    );
    assert_eq!(
        out.messages
            .iter()
            .find(|m| m.code == "DD1006")
            .unwrap()
            .path
            .as_deref(),
        Some("data.bonding.up_delay")
    );
    // A mon rate above the default delays points at the mon rate.
    let lacp = json!({"bonding": {"mode": "802.3ad", "mon_rate": 300}, "mtu": 9000, "trunking": {"mode": "802.1q", "default_network": "mgmt"}, "allowed_networks": ["mgmt", "private"]});
    let out = run(&with(clean(), "NetworkLink", "gp", lacp));
    assert_eq!(errors(&out, "Network Bond Rationality").len(), 2);
    assert_eq!(
        out.messages
            .iter()
            .find(|m| m.code == "DD1006")
            .unwrap()
            .path
            .as_deref(),
        Some("data.bonding.mon_rate")
    );
    // active-backup (the original crashes) and balance-rr pass; disabled drops bond options.
    for mode in ["active-backup", "balance-rr"] {
        let l = json!({"bonding": {"mode": mode, "mon_rate": 500, "up_delay": 1}, "mtu": 9000, "trunking": {"mode": "802.1q", "default_network": "mgmt"}, "allowed_networks": ["mgmt", "private"]});
        let out = run(&with(clean(), "NetworkLink", "gp", l));
        assert_eq!(
            out.status,
            Status::Success,
            "{mode}: {:#?}",
            all_errors(&out)
        );
    }
    let l = json!({"bonding": {"mode": "disabled", "hash": "layer2", "mon_rate": 5}, "mtu": 1500, "trunking": {"mode": "disabled", "default_network": "pxe"}, "allowed_networks": ["pxe"]});
    assert!(
        errors(
            &run(&with(clean(), "NetworkLink", "pxe", l)),
            "Network Bond Rationality"
        )
        .is_empty()
    );
}

#[test]
fn allowed_networks() {
    let docs = with(
        clean(),
        "NetworkLink",
        "oob",
        link(
            "disabled",
            1500,
            "disabled",
            Some("oob"),
            &["oob", "pxe", "mgmt"],
        ),
    );
    let docs = with(
        docs,
        "NetworkLink",
        "spare",
        link("disabled", 1500, "802.1q", Some("oob"), &["mgmt", "oob"]),
    );
    let out = run(&docs);
    // Pairs in document order (oob, pxe, gp, spare), networks in the first link's order.
    assert_eq!(
        errors(&out, "Allowed Network Check")[..5],
        [
            "Allowed network pxe duplicated on NetworkLink oob and NetworkLink pxe",
            "Allowed network mgmt duplicated on NetworkLink oob and NetworkLink gp",
            "Allowed network oob duplicated on NetworkLink oob and NetworkLink spare",
            "Allowed network mgmt duplicated on NetworkLink oob and NetworkLink spare",
            "Allowed network mgmt duplicated on NetworkLink gp and NetworkLink spare",
        ]
    );
    let pair = out.messages.iter().find(|m| m.code == "DD1007").unwrap();
    assert!(pair.documents.is_empty());
    assert_eq!(pair.origin.as_ref().unwrap().name, "oob");
    assert_eq!(pair.path.as_deref(), Some("data.allowed_networks[1]"));

    let docs = with(
        clean(),
        "BaremetalNode",
        "compute01",
        json!({"host_profile": "k8-node",
        "interfaces": {"bond0": {"networks": ["oob"]}, "eth5": {"networks": ["a", "b"]}, "eth6": {"device_link": "nolink", "networks": ["pxe"]}, "eth7": {}},
        "addressing": [{"network": "mgmt", "address": "172.16.1.21"}, {"network": "oob", "address": "172.16.100.21"}]}),
    );
    let out = run(&docs);
    assert_eq!(
        errors(&out, "Allowed Network Check"),
        [
            "Interface bond0 attached to network oob not allowed on interface link",
            "Interface eth5 connected to undefined network link None.",
            "Interface eth5 connected to undefined network link None.",
            "Interface eth6 connected to undefined network link nolink.",
        ]
    );
    let m = out
        .messages
        .iter()
        .find(|m| m.message.contains("network oob not allowed"))
        .unwrap();
    assert_eq!(
        (
            m.documents[0].name.as_str(),
            m.origin.as_ref(),
            m.path.as_deref()
        ),
        ("compute01", None, Some("data.interfaces.bond0.networks[0]"))
    );
}
