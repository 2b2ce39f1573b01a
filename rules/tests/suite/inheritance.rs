//! The effective site: host-profile inheritance, hardware aliases and kernel
//! references (VALIDATION.md 2.2-2.7).

use crate::common;

use common::{clean, site, with};
use drydock_rules::EffectiveSite;
use drydock_rules::effective::{SelectorType, merge};
use serde_json::json;

fn values<T: Copy>(v: &[drydock_rules::Traced<'_, T>]) -> Vec<T> {
    v.iter().map(|t| t.value).collect()
}

#[test]
fn a_node_removing_an_inherited_network_keeps_the_profiles_link_and_slaves() {
    let design = site(&clean());
    let eff = EffectiveSite::compile(&design).expect("compiles");
    let node = eff.nodes.iter().find(|n| n.name == "controller01").unwrap();
    let bond = node
        .host
        .interfaces
        .iter()
        .find(|i| i.name == "bond0")
        .unwrap();
    assert_eq!(values(&bond.networks), ["mgmt"]);
    assert_eq!(bond.network_link.unwrap().value, "gp");
    assert_eq!(bond.network_link.unwrap().doc.name, "k8-node");
    assert_eq!(values(&bond.slaves), ["prim_nic01", "prim_nic02"]);
    let selectors = node.selectors(bond);
    assert_eq!(selectors.len(), 2);
    assert!(
        selectors
            .iter()
            .all(|s| s.selector_type == SelectorType::Address)
    );
    assert_eq!(selectors[1].address, "0000:00:04.0");
    // Storage comes from `defaults`, two levels up, and says so.
    let root = &node.host.storage_devices[0].partitions[0];
    assert_eq!(root.size.unwrap().value, "20g");
    assert_eq!(root.size.unwrap().doc.name, "defaults");
    assert_eq!(node.host.oob_type.unwrap().value, "ipmi");
    assert_eq!(
        node.host
            .kernel_params
            .iter()
            .map(|(k, v)| (*k, v.value.as_ref()))
            .collect::<Vec<_>>(),
        [("console", "ttyS2"), ("quiet", "True")]
    );
}

#[test]
fn kernel_references_resolve_against_the_hardware_profile() {
    let docs = with(
        clean(),
        "BaremetalNode",
        "compute01",
        json!({
        "host_profile": "k8-node", "addressing": [{"network": "mgmt", "address": "172.16.1.21"}],
        "platform": {"kernel_params": {
            "isolcpus": "hardwareprofile:cpuset.sriov", "hugepagesz": "hardwareprofile:hugepages.sriov.size",
            "hugepages": "hardwareprofile:hugepages.sriov.count", "a": "hardwareprofile:cpuset.nope",
            "b": "hardwareprofile:hugepages", "c": "hardwareprofile:", "d": "hardwareprofile:cpuset",
            "e": "hardwareprofile:hugepages.sriov.color", "f": "hardwareprofile:disk.x", "g": 6}}}),
    );
    let design = site(&docs);
    let eff = EffectiveSite::compile(&design).unwrap();
    let node = eff.nodes.iter().find(|n| n.name == "compute01").unwrap();
    let param = |k: &str| merge::get(&node.host.kernel_params, k).map(|v| v.value.to_string());
    assert_eq!(param("isolcpus").as_deref(), Some("2,4"));
    assert_eq!(param("hugepagesz").as_deref(), Some("1G"));
    assert_eq!(param("hugepages").as_deref(), Some("300"));
    assert_eq!(param("g").as_deref(), Some("6"));
    // Unknown or malformed references keep the raw value (malformed ones crash the original).
    for (k, raw) in [
        ("a", "cpuset.nope"),
        ("b", "hugepages"),
        ("c", ""),
        ("d", "cpuset"),
        ("e", "hugepages.sriov.color"),
        ("f", "disk.x"),
    ] {
        assert_eq!(param(k), Some(format!("hardwareprofile:{raw}")), "{k}");
    }
}

#[test]
fn primitive_merges_follow_the_original() {
    let docs = with(
        clean(),
        "BaremetalNode",
        "controller01",
        json!({
        "host_profile": "k8-node", "primary_network": "!",
        "addressing": [{"network": "mgmt", "address": "172.16.1.20"}],
        "metadata": {"tags": ["x", "!test", "y", "x"], "owner_data": {"!foo": "", "new": "1"}},
        "platform": {"image": "", "kernel_params": {"console": "ttyS0", "!quiet": ""}},
        "oob": {"credential": "secret"}}),
    );
    let design = site(&docs);
    let eff = EffectiveSite::compile(&design).unwrap();
    let h = &eff
        .nodes
        .iter()
        .find(|n| n.name == "controller01")
        .unwrap()
        .host;
    assert_eq!(h.primary_network, None, "`!` unsets");
    assert_eq!(h.image.unwrap().value, "", "an empty string is kept");
    assert_eq!(
        h.kernel.unwrap().value,
        "ga-16.04",
        "null takes the parent's"
    );
    assert_eq!(values(&h.tags), ["x", "y", "x"]);
    assert_eq!(
        h.owner_data.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
        ["new"]
    );
    let params: Vec<_> = h
        .kernel_params
        .iter()
        .map(|(k, v)| (*k, v.value.as_ref()))
        .collect();
    assert_eq!(
        params,
        [("console", "ttyS0")],
        "replaced in place, `!quiet` removed"
    );
    let oob: Vec<_> = h
        .oob_parameters
        .iter()
        .map(|(k, v)| (*k, v.value.as_ref(), v.doc.name.as_str()))
        .collect();
    assert_eq!(
        oob,
        [
            ("network", "oob", "defaults"),
            ("account", "admin", "defaults"),
            ("credential", "secret", "controller01")
        ]
    );
}

#[test]
fn storage_merges_keep_unmatched_parent_entries_and_logical_volumes() {
    let docs = with(
        clean(),
        "HostProfile",
        "k8-node",
        json!({
        "host_profile": "defaults", "hardware_profile": "hp",
        "storage": {"physical_devices": {"sdc": {"volume_group": "data_vg"}, "sda": {"partitions": [{"name": "root", "size": "30g"}, {"name": "extra", "size": "5g"}]}},
                    "volume_groups": {"data_vg": {}, "log_vg": {"logical_volumes": [{"name": "log_lv", "size": "900m"}, {"name": "tmp_lv", "size": "1g"}]}}}}),
    );
    let design = site(&docs);
    let eff = EffectiveSite::compile(&design).unwrap();
    let h = &eff.nodes[0].host;
    let devices: Vec<_> = h.storage_devices.iter().map(|d| d.name).collect();
    // Parent [sda, sdb] + child [sda, sdc]: the original would drop sdb.
    assert_eq!(devices, ["sda", "sdb", "sdc"]);
    let sda = &h.storage_devices[0];
    let parts: Vec<_> = sda
        .partitions
        .iter()
        .map(|p| (p.name.unwrap(), p.size.unwrap().value))
        .collect();
    assert_eq!(parts, [("root", "30g"), ("boot", "1g"), ("extra", "5g")]);
    assert_eq!(
        sda.partitions[0].mountpoint.unwrap().value,
        "/",
        "inherited scalar"
    );
    assert_eq!(sda.labels.len(), 1);
    let log = h.volume_groups.iter().find(|g| g.name == "log_vg").unwrap();
    let lvs: Vec<_> = log
        .logical_volumes
        .iter()
        .map(|l| (l.name.unwrap(), l.size.unwrap().value))
        .collect();
    assert_eq!(
        lvs,
        [("log_lv", "900m"), ("tmp_lv", "1g")],
        "merged by name, not lost"
    );
    assert_eq!(log.logical_volumes[0].mountpoint.unwrap().value, "/var/log");
}

#[test]
fn keyed_removal_and_declaring_storage_over_an_empty_parent() {
    let docs = with(
        clean(),
        "BaremetalNode",
        "compute01",
        json!({
        "host_profile": "k8-node", "addressing": [{"network": "mgmt", "address": "172.16.1.21"}],
        "interfaces": {"!pxe": {}, "eth9": {"device_link": "pxe", "slaves": ["!x", "prim_nic02"], "networks": ["!private"]}},
        "storage": {"physical_devices": {"!sdb": {}}, "volume_groups": {"!log_vg": {}}}}),
    );
    let docs = with(
        docs,
        "HostProfile",
        "bare",
        json!({"hardware_profile": "hp"}),
    );
    let docs = with(
        docs,
        "BaremetalNode",
        "solo",
        json!({
        "host_profile": "bare", "addressing": [{"network": "mgmt", "address": "172.16.1.30"}],
        "storage": {"physical_devices": {"sda": {"partitions": [{"name": "root", "size": "40g"}]}, "!sdx": {}}}}),
    );
    let design = site(&docs);
    let eff = EffectiveSite::compile(&design)
        .expect("storage over an empty parent compiles (the original crashes)");
    let c = eff.nodes.iter().find(|n| n.name == "compute01").unwrap();
    let names: Vec<_> = c.host.interfaces.iter().map(|i| i.name).collect();
    assert_eq!(names, ["bond0", "eth9"]);
    let eth9 = &c.host.interfaces[1];
    assert_eq!(
        values(&eth9.networks),
        ["!private"],
        "a child-only interface is copied verbatim"
    );
    let selectors = c.selectors(eth9);
    assert_eq!(selectors[0].selector_type, SelectorType::Name);
    assert_eq!(selectors[0].address, "!x");
    assert_eq!(
        c.host
            .storage_devices
            .iter()
            .map(|d| d.name)
            .collect::<Vec<_>>(),
        ["sda"]
    );
    assert!(c.host.volume_groups.is_empty());
    let solo = eff.nodes.iter().find(|n| n.name == "solo").unwrap();
    assert_eq!(
        solo.host
            .storage_devices
            .iter()
            .map(|d| d.name)
            .collect::<Vec<_>>(),
        ["sda"]
    );
}
