//! The node inventory: the nodes of the most recently stored design, in the
//! shape of the original's MAAS-backed `GET /nodes`. Without a live source
//! (MAAS), hardware figures and power state are unknown: `memory` and
//! `cpu_count` are null, `power_state` is `unknown`, `status_name` says
//! whether the node has build data (`BuildDataCollected`) or not
//! (`Declared`). `GET /nodes` and `drydock node list` print it.

use drydock_rules::effective::{EffectiveNode, EffectiveSite};
use drydock_store::{BuildDataScope, SnapshotQuery, Store, StoreError};
use serde_json::{Value, json};

/// Why there is no inventory.
#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The newest stored design does not compile into nodes.
    #[error("The newest stored design's nodes could not be compiled ({problems} problems)")]
    Design {
        /// How many problems compiling it found.
        problems: usize,
    },
}

/// One entry per node of the newest stored design, in the design's order;
/// empty when no design was stored yet.
pub async fn inventory(store: &Store) -> Result<Vec<Value>, InventoryError> {
    let newest = SnapshotQuery {
        limit: 1,
        ..SnapshotQuery::all()
    };
    let summaries = store.list_snapshots(&newest).await?;
    let Some(summary) = summaries.first() else {
        return Ok(Vec::new());
    };
    let snapshot = store.get_snapshot(summary.snapshot_id).await?;
    let site =
        EffectiveSite::compile(&snapshot.model).map_err(|problems| InventoryError::Design {
            problems: problems.len(),
        })?;
    let mut out = Vec::with_capacity(site.nodes.len());
    for node in &site.nodes {
        let collected = store
            .build_data(&BuildDataScope::Node(node.name.to_owned()), true)
            .await
            .map(|d| !d.is_empty())
            .unwrap_or(false);
        out.push(entry(node, collected));
    }
    Ok(out)
}

/// One node in the original's shape.
fn entry(node: &EffectiveNode<'_>, collected: bool) -> Value {
    let oob_network = node
        .host
        .oob_parameters
        .iter()
        .find(|(k, _)| *k == "network")
        .map(|(_, v)| v.value.as_ref());
    let on = |network: Option<&str>| {
        node.addressing
            .iter()
            .find(|a| network.is_some() && a.network == network)
            .and_then(|a| a.address)
    };
    let primary = node.host.primary_network.map(|p| p.value);
    json!({
        "hostname": node.name,
        "memory": null,
        "cpu_count": null,
        "status_name": if collected { "BuildDataCollected" } else { "Declared" },
        "boot_mac": node.boot_mac,
        "power_state": "unknown",
        "power_address": on(oob_network),
        "boot_ip": on(primary),
    })
}
