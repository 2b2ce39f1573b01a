//! DD1001 Rational Boot Storage, DD2002 Storage Partitioning, DD2003 Storage
//! Sizing and DD2004 Storage Mountpoint, with VALIDATION.md's counts.

use crate::common;

use common::{all_errors, clean, errors, run, with};
use serde_json::{Value, json};

/// The clean design with the `defaults` profile's storage replaced.
fn storage(storage: Value) -> Vec<(&'static str, &'static str, Value)> {
    with(
        clean(),
        "HostProfile",
        "defaults",
        json!({
        "oob": {"type": "ipmi", "network": "oob", "account": "admin", "credential": "admin"},
        "storage": storage,
        "platform": {"image": "xenial", "kernel": "ga-16.04"}}),
    )
}

fn parts(list: Value) -> Value {
    json!({"physical_devices": {"sda": {"partitions": list}}})
}

#[test]
fn boot_storage_counts() {
    let out = run(&storage(parts(
        json!([{"name": "root", "size": "10g"}, {"name": "boot", "size": "500m"}]),
    )));
    assert_eq!(
        errors(&out, "Rational Boot Storage"),
        [
            "Root volume must be > 20GB on BaremetalNode controller01",
            "Boot volume must be > 1GB on BaremetalNode controller01",
            "Root volume must be > 20GB on BaremetalNode compute01",
            "Boot volume must be > 1GB on BaremetalNode compute01",
        ]
    );
    assert_eq!(
        all_errors(&out).len(),
        4,
        "no other rule objects: {:#?}",
        all_errors(&out)
    );
    let m = out
        .messages
        .iter()
        .find(|m| m.message.contains("Root volume must"))
        .unwrap();
    assert_eq!(m.documents[0].name, "controller01");
    assert_eq!(
        m.origin.as_ref().unwrap().name,
        "defaults",
        "the size was written by the profile"
    );
    assert_eq!(
        m.path.as_deref(),
        Some("data.storage.physical_devices.sda.partitions[0].size")
    );
    assert_eq!(
        m.diagnostic.as_deref(),
        Some("Configure a larger root volume")
    );

    let out = run(&storage(parts(json!([{"name": "rootfs", "size": "30g"}]))));
    assert_eq!(
        errors(&out, "Rational Boot Storage"),
        [
            "Root volume has to be set and must be > 20GB on BaremetalNode controller01",
            "Root volume has to be set and must be > 20GB on BaremetalNode compute01",
        ]
    );

    let out = run(&storage(parts(json!([{"name": "root", "size": "39%"}]))));
    assert_eq!(
        errors(&out, "Rational Boot Storage")[..2],
        [
            "Root volume has an invalid size format on BaremetalNodecontroller01.",
            "Root volume has to be set and must be > 20GB on BaremetalNode controller01",
        ]
    );
    assert_eq!(errors(&out, "Rational Boot Storage").len(), 4);
}

#[test]
fn boot_storage_edges() {
    // A boot before any sized root is not checked (copied); 20g is enough.
    let out = run(&storage(parts(
        json!([{"name": "boot", "size": "5m"}, {"name": "root", "size": "20g"}]),
    )));
    assert!(
        errors(&out, "Rational Boot Storage").is_empty(),
        "{:#?}",
        out.messages
    );
    // Units the original crashes on, a missing size and a bad boot size are format errors.
    for size in ["20b", "25Gb", ">30g"] {
        let out = run(&storage(parts(json!([{"name": "root", "size": size}]))));
        assert_eq!(errors(&out, "Rational Boot Storage").len(), 4, "{size}");
    }
    let out = run(&storage(parts(json!([{"name": "root"}]))));
    assert_eq!(errors(&out, "Rational Boot Storage").len(), 4);
    let out = run(&storage(parts(
        json!([{"name": "root", "size": "1t"}, {"name": "boot", "size": "1.5g"}]),
    )));
    assert_eq!(
        errors(&out, "Rational Boot Storage")[0],
        "Boot volume has an invalid size format on BaremetalNode controller01."
    );
    // Logical volumes named root never count.
    let out = run(&storage(
        json!({"physical_devices": {"sda": {"volume_group": "vg"}},
        "volume_groups": {"vg": {"logical_volumes": [{"name": "root", "size": "50g"}]}}}),
    ));
    assert_eq!(errors(&out, "Rational Boot Storage").len(), 2);
}

#[test]
fn storage_partitioning_counts() {
    let base = json!([{"name": "root", "size": "30g", "filesystem": {"mountpoint": "/"}}]);
    let out = run(&storage(
        json!({"physical_devices": {"sda": {"partitions": base}}, "volume_groups": {"lonely": {}}}),
    ));
    assert_eq!(
        errors(&out, "Storage Partitioning"),
        [
            "Volume group lonely not assigned any physical volumes",
            "Volume group lonely not assigned any physical volumes",
        ]
    );
    let m = out
        .messages
        .iter()
        .find(|m| m.message.contains("lonely"))
        .unwrap();
    assert_eq!(m.path.as_deref(), Some("data.storage.volume_groups.lonely"));
    // Partitions with neither filesystem nor volume group are fine.
    let out = run(&storage(parts(
        json!([{"name": "root", "size": "30g"}, {"name": "swap", "size": "4g"}]),
    )));
    assert!(errors(&out, "Storage Partitioning").is_empty());
    // A labels-only device, and a device that inherits partitions but sets a group.
    let out = run(&storage(
        json!({"physical_devices": {"sda": {"partitions": base}, "sdz": {"labels": {"a": "b"}}}}),
    ));
    assert_eq!(
        errors(&out, "Storage Partitioning"),
        [
            "Either a volume group OR partitions must be defined for each storage device.",
            "Either a volume group OR partitions must be defined for each storage device.",
        ]
    );
    let docs = with(
        storage(json!({"physical_devices": {"sda": {"partitions": base}}})),
        "BaremetalNode",
        "compute01",
        json!({
        "host_profile": "k8-node", "addressing": [{"network": "mgmt", "address": "172.16.1.21"}],
        "storage": {"physical_devices": {"sda": {"volume_group": "vg"}}, "volume_groups": {"vg": {}}}}),
    );
    let out = run(&docs);
    assert_eq!(
        errors(&out, "Storage Partitioning"),
        ["Either a volume group OR partitions must be defined for each storage device."]
    );
    let m = out
        .messages
        .iter()
        .find(|m| m.message.contains("Either"))
        .unwrap();
    assert_eq!(
        (m.documents[0].name.as_str(), m.origin.as_ref()),
        ("compute01", None)
    );
}

#[test]
fn storage_sizing_counts() {
    let layout = json!({"physical_devices": {
            "sda": {"partitions": [{"name": "root", "size": "100%"}, {"name": "var", "size": "500m"}]},
            "sdb": {"volume_group": "vg"}},
        "volume_groups": {"vg": {"logical_volumes": [{"name": "lv", "size": "-77%"}]}}});
    let out = run(&storage(layout));
    let found = errors(&out, "Storage Sizing");
    assert_eq!(found.len(), 8, "{found:#?}");
    assert_eq!(
        found[..4],
        [
            "Cumulative partition sizes on device sda is greater than 99%.",
            "Cumulative partition sizes on device sda is greater than 99%.",
            "Logical Volume lv size is < 0 ",
            "Logical Volume lv size is < 0 ",
        ]
    );
    let lv = out
        .messages
        .iter()
        .find(|m| m.message.contains("Logical Volume lv"))
        .unwrap();
    assert_eq!(lv.diagnostic, None);
    assert_eq!(
        lv.path.as_deref(),
        Some("data.storage.volume_groups.vg.logical_volumes[0].size")
    );

    let layout = json!({"physical_devices": {"sda": {"partitions": [{"name": "root", "size": "-5%"}, {"name": "x", "size": "10.5%"}]}},
        "volume_groups": {"a": {"logical_volumes": [{"name": "l1", "size": "60%"}]}, "b": {"logical_volumes": [{"name": "l2", "size": "50%"}]}}});
    let out = run(&storage(layout));
    let found = errors(&out, "Storage Sizing");
    // Per node: the negative partition; the running LV sum passes 99% at the second group (fixed: the original crashes).
    assert_eq!(
        found[..2],
        [
            "Storage partition root on device sda size is < 0",
            "Cumulative logical volume size is greater than 99% in volume group b",
        ]
    );
    assert_eq!(found.len(), 4);
}

#[test]
fn storage_mountpoint_counts() {
    let two_boots = parts(json!([
        {"name": "root", "size": "30g", "filesystem": {"mountpoint": "/"}},
        {"name": "boot", "size": "1g", "filesystem": {"mountpoint": "/boot"}},
        {"name": "boot2", "size": "1g", "filesystem": {"mountpoint": "/boot"}}]));
    let out = run(&storage(two_boots));
    assert_eq!(
        errors(&out, "Storage Mountpoint"),
        [
            r#"Mountpoint "/boot" already exists"#,
            r#"Mountpoint "/boot" already exists"#
        ]
    );
    let m = out
        .messages
        .iter()
        .find(|m| m.message.contains("already"))
        .unwrap();
    assert_eq!(
        m.path.as_deref(),
        Some("data.storage.physical_devices.sda.partitions[2].filesystem.mountpoint")
    );

    let lvs = |vg: Value| {
        json!({"physical_devices": {"sda": {"partitions": [{"name": "root", "size": "30g"}]}, "sdb": {"volume_group": "vg"}, "sdc": {"volume_group": "vg"}},
        "volume_groups": vg})
    };
    let out = run(&storage(lvs(json!({"vg": {"logical_volumes": [
        {"name": "a", "filesystem": {"mountpoint": "/var/log"}}, {"name": "b", "filesystem": {"mountpoint": "/var/log"}},
        {"name": "c", "filesystem": {"mountpoint": "/var/log"}}]}}))));
    assert_eq!(
        errors(&out, "Storage Mountpoint").len(),
        4,
        "every repeat, once per node, though the group sits on two devices"
    );
    let out = run(&storage(lvs(
        json!({"vg": {"logical_volumes": [{"name": "a", "filesystem": {"mountpoint": "/srv"}}]},
        "unused": {"logical_volumes": [{"name": "b", "filesystem": {"mountpoint": "/srv"}}]}}),
    )));
    assert_eq!(
        errors(&out, "Storage Mountpoint").len(),
        2,
        "volumes of a group no device names are checked"
    );
    let out = run(&storage(parts(
        json!([{"name": "root", "size": "30g"}, {"name": "data", "size": "30g"}]),
    )));
    assert!(errors(&out, "Storage Mountpoint").is_empty());
}

#[test]
fn a_node_with_thousands_of_devices_and_volumes_costs_linear_time() {
    let n = 20_000;
    let devices: serde_json::Map<String, Value> = (0..n)
        .map(|i| (format!("d{i}"), json!({"volume_group": format!("vg{i}")})))
        .chain([(
            "sda".to_owned(),
            json!({"partitions": [{"name": "root", "size": "30g"}]}),
        )])
        .collect();
    let groups: serde_json::Map<String, Value> = (0..n)
        .map(|i| (format!("vg{i}"), json!({"logical_volumes": [{"name": "lv", "size": "1g", "filesystem": {"mountpoint": format!("/srv/{i}")}}]})))
        .collect();
    let docs = storage(json!({"physical_devices": devices, "volume_groups": groups}));
    let started = std::time::Instant::now();
    let out = run(&docs);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    assert!(all_errors(&out).is_empty(), "{:?}", &all_errors(&out)[..3]);
}
