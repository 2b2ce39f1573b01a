//! A diff of two 10,000-node designs that differ in one address.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{Spec, design};
use drydock_core::SiteDesign;
use drydock_core::design::Kind;

use crate::diff::{DesignDiff, diff};

/// A design of `n` nodes like the generated sites: five addresses, an interface, metadata.
fn big_design(n: usize) -> SiteDesign {
    let names: Vec<String> = (0..n).map(|i| format!("node{i:05}")).collect();
    let nodes: Vec<Spec<'_>> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let (a, b) = (1 + i / 250, 1 + i % 250);
            let addressing: Vec<Value> = ["pxe", "mgmt", "private", "public", "oob"]
                .iter()
                .enumerate()
                .map(|(k, net)| json!({"network": net, "address": format!("10.{k}.{a}.{b}")}))
                .collect();
            let data = json!({
                "host_profile": format!("profile{}", i / 50),
                "addressing": addressing,
                "interfaces": {"pxe": {"device_link": "pxe", "slaves": ["nic01"], "networks": ["pxe"]}},
                "metadata": {"rack": format!("rack{}", i / 40), "tags": ["compute"]},
            });
            Spec(Kind::BaremetalNode, name, 1 + i as u32 * 30, data)
        })
        .collect();
    design(&nodes)
}

#[test]
fn ten_thousand_nodes_differing_in_one_address_diff_quickly() {
    let old = big_design(10_000);
    let mut new = old.clone();
    for (i, node) in new.baremetal_nodes.values_mut().enumerate() {
        node.source.line += 1 + i as u32 % 7;
    }
    let target = new.baremetal_nodes.get_mut("node04242").expect("node04242");
    let addressing = target.data.addressing.as_mut().expect("addressing");
    addressing[1].address = Some("10.1.17.99".into());

    let mut best = Duration::MAX;
    let mut d = DesignDiff::default();
    for _ in 0..5 {
        let started = Instant::now();
        d = diff(&old, &new);
        best = best.min(started.elapsed());
    }
    assert_eq!(
        d.to_string(),
        "BaremetalNode node04242: addressing[1].address 10.1.17.243 → 10.1.17.99\n"
    );
    // A guard against a diff quadratic in the nodes (10^8 node comparisons,
    // minutes), not a speed figure: a debug build takes about 0.2 s here,
    // and a loaded CI machine has been seen to take three times that. The
    // release figures are `benches/diff.rs`'s.
    assert!(best < Duration::from_secs(5), "took {best:?}");
}
