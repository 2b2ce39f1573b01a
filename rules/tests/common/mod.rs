//! Designs for the validation tests, built from JSON (core cannot use the
//! ingesters): documents in order, each given a source whose line is its
//! position, so document order is the order written here.

#![allow(dead_code)]

use drydock_core::design::{Kind, SiteDesign};
use drydock_core::report::{Level, Message};
use drydock_rules::{PlatformCatalogue, RulesOutcome, ValidationConfig, validate_site};
use serde_json::{Map, Value, json};

/// A design of `docs` (kind, name, data), in this document order.
pub fn site(docs: &[(&str, &str, Value)]) -> SiteDesign {
    let mut by_kind: Map<String, Value> = Kind::ALL
        .iter()
        .map(|k| (k.design_key().to_owned(), json!({})))
        .collect();
    for (i, (kind, name, data)) in docs.iter().enumerate() {
        let kind = Kind::parse(kind).expect("a kind");
        let mut item = data.as_object().cloned().expect("data is an object");
        item.insert("name".into(), json!(name));
        item.insert(
            "source".into(),
            json!({"format": "deckhand", "schema": kind.schema_v1(), "name": name, "line": 10 * (i + 1)}),
        );
        by_kind
            .entry(kind.design_key())
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("object")
            .insert((*name).to_owned(), Value::Object(item));
    }
    serde_json::from_value(Value::Object(by_kind)).expect("a design")
}

/// The catalogue the original's tests patch MAAS with.
pub fn catalogue() -> ValidationConfig {
    ValidationConfig::default().with_platform(PlatformCatalogue::new(
        ["xenial"],
        ["ga-16.04", "hwe-16.04"],
    ))
}

/// The clean two-node design of VALIDATION.md 5: chain defaults -> k8-node ->
/// node, root 20g and boot 1g, one LV, untrunked 1500 links, a 9000 802.3ad
/// 802.1q link, a boot action for every node, xenial / ga-16.04.
pub fn clean() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        ("Region", "site", json!({})),
        (
            "NetworkLink",
            "oob",
            json!({"bonding": {"mode": "disabled"}, "mtu": 1500, "trunking": {"mode": "disabled", "default_network": "oob"}, "allowed_networks": ["oob"]}),
        ),
        (
            "NetworkLink",
            "pxe",
            json!({"bonding": {"mode": "disabled"}, "mtu": 1500, "trunking": {"mode": "disabled", "default_network": "pxe"}, "allowed_networks": ["pxe"]}),
        ),
        (
            "NetworkLink",
            "gp",
            json!({"bonding": {"mode": "802.3ad", "hash": "layer3+4", "peer_rate": "slow"}, "mtu": 9000, "trunking": {"mode": "802.1q", "default_network": "mgmt"}, "allowed_networks": ["mgmt", "private"]}),
        ),
        (
            "Network",
            "oob",
            json!({"cidr": "172.16.100.0/24", "dns": {"domain": "ilo.example.com"}}),
        ),
        (
            "Network",
            "pxe",
            json!({"cidr": "172.16.0.0/24", "mtu": 1500, "dns": {"domain": "admin.example.com"}}),
        ),
        (
            "Network",
            "mgmt",
            json!({"cidr": "172.16.1.0/24", "vlan": "100", "mtu": 1500, "routes": [{"subnet": "0.0.0.0/0", "gateway": "172.16.1.1", "metric": 10}], "dns": {"domain": "mgmt.example.com"}}),
        ),
        (
            "Network",
            "private",
            json!({"cidr": "172.16.2.0/24", "vlan": "101", "mtu": 9000, "dns": {"domain": "priv.example.com"}}),
        ),
        (
            "HardwareProfile",
            "hp",
            json!({"device_aliases": {
            "prim_nic01": {"address": "0000:00:03.0", "dev_type": "82540EM", "bus_type": "pci"},
            "prim_nic02": {"address": "0000:00:04.0", "dev_type": "82540EM", "bus_type": "pci"},
            "primary_boot": {"address": "2:0.0.0", "dev_type": "VBOX HARDDISK", "bus_type": "scsi"}},
            "cpu_sets": {"sriov": "2,4"}, "hugepages": {"sriov": {"size": "1G", "count": 300}}}),
        ),
        (
            "HostProfile",
            "defaults",
            json!({
            "oob": {"type": "ipmi", "network": "oob", "account": "admin", "credential": "admin"},
            "storage": {
                "physical_devices": {
                    "sda": {"labels": {"role": "rootdisk"}, "partitions": [
                        {"name": "root", "size": "20g", "bootable": true, "filesystem": {"mountpoint": "/", "fstype": "ext4"}},
                        {"name": "boot", "size": "1g", "filesystem": {"mountpoint": "/boot"}}]},
                    "sdb": {"volume_group": "log_vg"}},
                "volume_groups": {"log_vg": {"logical_volumes": [
                    {"name": "log_lv", "size": "500m", "filesystem": {"mountpoint": "/var/log", "fstype": "xfs"}}]}}},
            "platform": {"image": "xenial", "kernel": "ga-16.04", "kernel_params": {"quiet": true, "console": "ttyS2"}},
            "metadata": {"owner_data": {"foo": "bar"}}}),
        ),
        (
            "HostProfile",
            "k8-node",
            json!({
            "host_profile": "defaults", "hardware_profile": "hp", "primary_network": "mgmt",
            "interfaces": {
                "pxe": {"device_link": "pxe", "slaves": ["prim_nic01"], "networks": ["pxe"]},
                "bond0": {"device_link": "gp", "slaves": ["prim_nic01", "prim_nic02"], "networks": ["mgmt", "private"]}},
            "metadata": {"tags": ["test"]}}),
        ),
        (
            "BaremetalNode",
            "controller01",
            json!({
            "host_profile": "k8-node",
            "interfaces": {"bond0": {"networks": ["!private"]}},
            "addressing": [
                {"network": "pxe", "address": "dhcp"}, {"network": "mgmt", "address": "172.16.1.20"},
                {"network": "oob", "address": "172.16.100.20"}],
            "metadata": {"rack": "rack1"}}),
        ),
        (
            "BaremetalNode",
            "compute01",
            json!({
            "host_profile": "k8-node",
            "addressing": [
                {"network": "pxe", "address": "dhcp"}, {"network": "mgmt", "address": "172.16.1.21"},
                {"network": "private", "address": "172.16.2.21"}, {"network": "oob", "address": "172.16.100.21"}],
            "platform": {"kernel_params": {"hugepagesz": "hardwareprofile:hugepages.sriov.size", "hugepages": "hardwareprofile:hugepages.sriov.count"}},
            "metadata": {"rack": "rack2"}}),
        ),
        (
            "BootAction",
            "hello",
            json!({"assets": [{"type": "file", "path": "/var/tmp/hello.sh", "data": "aGVsbG8="}]}),
        ),
    ]
}

/// `docs` with document `name` of `kind` replaced by (or, if absent, extended with) `data`.
pub fn with(
    mut docs: Vec<(&'static str, &'static str, Value)>,
    kind: &'static str,
    name: &'static str,
    data: Value,
) -> Vec<(&'static str, &'static str, Value)> {
    match docs.iter_mut().find(|(k, n, _)| *k == kind && *n == name) {
        Some(doc) => doc.2 = data,
        None => docs.push((kind, name, data)),
    }
    docs
}

/// `docs` without document `name` of `kind`.
pub fn without(
    mut docs: Vec<(&'static str, &'static str, Value)>,
    kind: &str,
    name: &str,
) -> Vec<(&'static str, &'static str, Value)> {
    docs.retain(|(k, n, _)| !(*k == kind && *n == name));
    docs
}

/// Runs every rule on `docs` with the catalogue.
pub fn run(docs: &[(&str, &str, Value)]) -> RulesOutcome {
    validate_site(&site(docs), &catalogue())
}

/// The messages of the rule named `rule` at `level`.
pub fn of<'o>(outcome: &'o RulesOutcome, rule: &str, level: Level) -> Vec<&'o Message> {
    let prefix = format!("{rule}: ");
    outcome
        .messages
        .iter()
        .filter(|m| m.level == level && m.message.starts_with(&prefix))
        .collect()
}

/// The error texts of rule `rule`, without the prefix.
pub fn errors(outcome: &RulesOutcome, rule: &str) -> Vec<String> {
    of(outcome, rule, Level::Error)
        .iter()
        .map(|m| m.message[rule.len() + 2..].to_owned())
        .collect()
}

/// Every error of the outcome, as `rule: text` lines, for assertion messages.
pub fn all_errors(outcome: &RulesOutcome) -> Vec<&str> {
    outcome
        .messages
        .iter()
        .filter(|m| m.level == Level::Error)
        .map(|m| m.message.as_str())
        .collect()
}
