//! DD1008 Hugepages, DD2005 Duplicated IP Check, DD3001 Platform Selection,
//! DD3003 Hostname Validity, DD4001 Valid IPMI Configuration, DD4002 Valid
//! Libvirt Configuration, DD4001 Bootaction Definition and DD4002 Bootaction
//! pkg_list Validation, with VALIDATION.md's counts.

use crate::common;

use common::{clean, errors, of, run, with};
use drydock_core::Level;
use serde_json::json;

fn node(extra: serde_json::Value) -> serde_json::Value {
    let mut n = json!({"host_profile": "k8-node", "addressing": [
        {"network": "mgmt", "address": "172.16.1.21"}, {"network": "oob", "address": "172.16.100.21"}]});
    for (k, v) in extra.as_object().unwrap() {
        n[k] = v.clone();
    }
    n
}

#[test]
fn hugepages() {
    let docs = with(
        clean(),
        "BaremetalNode",
        "compute01",
        node(json!({"platform": {"kernel_params": {"hugepages": "300"}}})),
    );
    let out = run(&docs);
    assert_eq!(
        errors(&out, "Hugepages"),
        ["Invalid hugepages kernel configuration"]
    );
    let m = out.messages.iter().find(|m| m.code == "DD1008").unwrap();
    assert_eq!(
        m.path.as_deref(),
        Some("data.platform.kernel_params.hugepages")
    );
    // Inherited from a profile: the message points at the profile.
    let docs = with(
        clean(),
        "HostProfile",
        "defaults",
        json!({"oob": {"type": "ipmi", "network": "oob", "account": "a", "credential": "c"},
        "storage": {"physical_devices": {"sda": {"partitions": [{"name": "root", "size": "30g"}]}}},
        "platform": {"image": "xenial", "kernel": "ga-16.04", "kernel_params": {"hugepagesz": "1G"}}}),
    );
    let out = run(&docs);
    assert_eq!(
        errors(&out, "Hugepages").len(),
        1,
        "compute01 sets both, controller01 inherits only the size"
    );
    assert_eq!(
        out.messages
            .iter()
            .find(|m| m.code == "DD1008")
            .unwrap()
            .origin
            .as_ref()
            .unwrap()
            .name,
        "defaults"
    );
}

#[test]
fn duplicate_ips() {
    let docs = with(
        clean(),
        "BaremetalNode",
        "compute01",
        node(json!({"addressing": [
        {"network": "mgmt", "address": "172.16.1.20"}, {"network": "oob", "address": "172.16.100.21"},
        {"network": "pxe", "address": "dhcp"}, {"network": "oob", "address": "172.16.100.21"}]})),
    );
    let out = run(&docs);
    assert_eq!(
        errors(&out, "Duplicated IP Check"),
        [
            "Duplicate IP Address Found: 172.16.1.20 ",
            "Duplicate IP Address Found: 172.16.100.21 "
        ]
    );
    let docs: Vec<Vec<&str>> = of(&out, "Duplicated IP Check", Level::Error)
        .iter()
        .map(|m| m.documents.iter().map(|d| d.name.as_str()).collect())
        .collect();
    assert_eq!(
        docs,
        [
            vec!["compute01", "controller01"],
            vec!["compute01", "compute01"]
        ]
    );
}

#[test]
fn platform_selection() {
    let docs = with(
        clean(),
        "BaremetalNode",
        "compute01",
        node(json!({"platform": {"image": "ubuntu_16.04", "kernel": "generic"}})),
    );
    let docs = with(
        docs,
        "BaremetalNode",
        "compute02",
        node(json!({"platform": {"kernel": "hwe-99"},
        "addressing": [{"network": "oob", "address": "172.16.100.22"}]})),
    );
    let out = run(&docs);
    assert_eq!(
        errors(&out, "Platform Selection"),
        [
            "Platform Validation: invalid image ubuntu_16.04",
            "Platform Validation: invalid kernel hwe-99"
        ]
    );
    let diags: Vec<_> = of(&out, "Platform Selection", Level::Error)
        .iter()
        .map(|m| m.diagnostic.clone().unwrap())
        .collect();
    assert_eq!(
        diags,
        [
            "Select a valid image from: xenial",
            "Select a valid kernel from: ga-16.04,hwe-16.04"
        ]
    );
    let docs = with(
        clean(),
        "BaremetalNode",
        "compute01",
        node(json!({"platform": {"image": "!"}})),
    );
    assert_eq!(
        errors(&run(&docs), "Platform Selection"),
        ["Platform Validation: invalid image None"]
    );
}

#[test]
fn hostname_validity() {
    let long = "a".repeat(70);
    let docs = with(
        clean(),
        "Network",
        "mgmt",
        json!({"cidr": "172.16.1.0/24", "vlan": "100", "dns": {"domain": format!("{long}.example.com")}}),
    );
    let docs = with(
        docs,
        "BaremetalNode",
        "bad__name",
        node(json!({"addressing": [{"network": "oob", "address": "172.16.100.30"}]})),
    );
    let docs: Vec<_> = docs.into_iter().filter(|d| d.1 != "compute01").collect();
    let out = run(&docs);
    assert_eq!(
        errors(&out, "Hostname Validity"),
        [
            format!("FQDN controller01.{long}.example.com is invalid - label '{long}' is invalid."),
            format!("FQDN bad__name.{long}.example.com is invalid - label 'bad__name' is invalid."),
            format!("FQDN bad__name.{long}.example.com is invalid - label '{long}' is invalid."),
        ]
    );
    let paths: Vec<_> = of(&out, "Hostname Validity", Level::Error)
        .iter()
        .map(|m| m.path.clone().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["data.dns.domain", "metadata.name", "data.dns.domain"]
    );
    // Too long as a whole, counted in characters; an undefined primary network means `local`.
    let name: &'static str = Box::leak(
        format!(
            "{}.{}.{}.{}",
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(63),
            "e".repeat(60)
        )
        .into_boxed_str(),
    );
    let docs = with(
        clean(),
        "BaremetalNode",
        name,
        node(json!({"primary_network": "nowhere"})),
    );
    let out = run(&docs);
    assert_eq!(
        errors(&out, "Hostname Validity"),
        [format!(
            "FQDN {name}.local is invalid, greater than 255 characters."
        )]
    );
}

#[test]
fn ipmi() {
    let docs = with(
        clean(),
        "BaremetalNode",
        "compute01",
        node(json!({"oob": {"account": "", "network": "pxe"},
        "addressing": [{"network": "pxe", "address": "172.16.0.9"}, {"network": "pxe", "address": "dhcp"}]})),
    );
    let docs = with(
        docs,
        "BaremetalNode",
        "compute02",
        node(json!({"oob": {"type": "ipmi", "network": "!"},
        "addressing": [{"network": "oob", "address": "172.16.100.22"}]})),
    );
    let out = run(&docs);
    assert_eq!(
        errors(&out, "Valid IPMI Configuration"),
        [
            "OOB parameter account for IPMI node compute01 missing.",
            "OOB address missing for IPMI node compute01.",
            "OOB address missing for IPMI node compute02.",
        ]
    );
    let m = &of(&out, "Valid IPMI Configuration", Level::Error)[0];
    assert_eq!(
        (m.diagnostic.as_deref(), m.path.as_deref()),
        (
            Some("Define OOB parameter account"),
            Some("data.oob.account")
        )
    );
    // In a string map `!` only removes keys: as a value it is kept, so compute02's OOB network is `!`.
    let docs = with(
        clean(),
        "HostProfile",
        "defaults",
        json!({"oob": {"type": "ipmi"},
        "storage": {"physical_devices": {"sda": {"partitions": [{"name": "root", "size": "30g"}]}}},
        "platform": {"image": "xenial", "kernel": "ga-16.04"}}),
    );
    assert_eq!(
        errors(&run(&docs), "Valid IPMI Configuration").len(),
        8,
        "three parameters and the address, per node"
    );
}

#[test]
fn libvirt() {
    let docs = with(
        clean(),
        "BaremetalNode",
        "compute01",
        node(json!({"oob": {"type": "libvirt", "libvirt_uri": "qemu+tcp://h/system"}})),
    );
    let docs = with(
        docs,
        "BaremetalNode",
        "compute02",
        node(
            json!({"oob": {"type": "libvirt"}, "metadata": {"boot_mac": "52:54:00:00:00:01"},
        "addressing": [{"network": "oob", "address": "172.16.100.22"}]}),
        ),
    );
    let docs = with(
        docs,
        "BaremetalNode",
        "compute03",
        node(
            json!({"oob": {"type": "libvirt", "libvirt_uri": "qemu+ssh://h/system"}, "metadata": {"boot_mac": "52:54:00:00:00:02"},
        "addressing": [{"network": "oob", "address": "172.16.100.23"}]}),
        ),
    );
    let out = run(&docs);
    assert_eq!(
        errors(&out, "Valid Libvirt Configuration"),
        [
            "OOB parameter libvirt_uri has invalid scheme.",
            "libvirt-based node requries defined boot MAC address.",
            "OOB parameter libvirt_uri missing for node compute02.",
        ]
    );
}

#[test]
fn bootaction_definition() {
    let docs = with(
        clean(),
        "BootAction",
        "hello",
        json!({"assets": [], "node_filter": {"filter_set_type": "union",
        "filter_set": [{"filter_type": "union", "node_names": ["compute01"]}]}}),
    );
    let out = run(&docs);
    let w: Vec<_> = of(&out, "Bootaction Definition", Level::Warning)
        .iter()
        .map(|m| m.message.clone())
        .collect();
    assert_eq!(
        w,
        ["Bootaction Definition: Node controller01 is not in scope for any bootactions."]
    );
    assert_eq!(errors(&out, "Bootaction Definition").len(), 0);
    let docs: Vec<_> = clean()
        .into_iter()
        .filter(|d| d.0 != "BootAction")
        .collect();
    assert_eq!(
        of(&run(&docs), "Bootaction Definition", Level::Warning).len(),
        2,
        "no boot actions: one warning per node"
    );
}

#[test]
fn pkg_list() {
    let versions = json!({"a": "2.7.4", "b": "1.0-1", "c": "1:2.3-4ubuntu1", "d": "~1-2", "e": null, "f": "", "g": ":)"});
    let docs = with(
        clean(),
        "BootAction",
        "pkgs",
        json!({"assets": [
        {"type": "pkg_list", "data": versions}, {"type": "pkg_list", "data": {}},
        {"type": "pkg_list", "location": "http://repo.example/pkgs"}]}),
    );
    let out = run(&docs);
    assert_eq!(
        errors(&out, "Bootaction pkg_list Validation"),
        [
            "Version specifier 2.7.4 is not a valid format.",
            "Version specifier :) is not a valid format.",
            "Bootaction has asset of type 'pkg_list' but no valid package data",
        ]
    );
    let paths: Vec<_> = of(&out, "Bootaction pkg_list Validation", Level::Error)
        .iter()
        .map(|m| m.path.clone().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "data.assets[0].data.a",
            "data.assets[0].data.g",
            "data.assets[1]"
        ]
    );
}
