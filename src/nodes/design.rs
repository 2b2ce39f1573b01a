//! The built-in node source: the nodes of the most recently stored design,
//! shaped as the original's MAAS-backed route shapes them. Without a live
//! source, hardware figures and power state are unknown: `memory` and
//! `cpu_count` are null, `power_state` is `unknown`, `status_name` says
//! whether the node has build data (`BuildDataCollected`) or not
//! (`Declared`).

use drydock_rules::effective::{EffectiveNode, EffectiveSite};
use drydock_store::{BuildDataScope, SnapshotQuery};

use super::{NodeContext, NodeInfo, NodeSource, NodeSourceError};

/// `design`: the nodes of the newest stored design (none before a design
/// is stored), with their build-data status.
#[derive(Clone, Copy, Debug, Default)]
pub struct DesignNodes;

#[drydock_core::async_trait]
impl NodeSource for DesignNodes {
    async fn nodes(&self, context: &NodeContext<'_>) -> Result<Vec<NodeInfo>, NodeSourceError> {
        let store = context.store;
        let newest = SnapshotQuery {
            limit: 1,
            ..SnapshotQuery::all()
        };
        let summaries = store.list_snapshots(&newest).await?;
        let Some(summary) = summaries.first() else {
            return Ok(Vec::new());
        };
        let snapshot = store.get_snapshot(summary.snapshot_id).await?;
        let site = EffectiveSite::compile(&snapshot.model).map_err(|problems| {
            NodeSourceError::Conflict {
                reason: format!(
                    "The newest stored design's nodes could not be compiled ({} problems)",
                    problems.len()
                ),
            }
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
}

/// One node in the original's shape.
fn entry(node: &EffectiveNode<'_>, collected: bool) -> NodeInfo {
    let oob_network = node
        .host
        .oob_parameters
        .iter()
        .find(|(k, _)| *k == "network")
        .map(|(_, v)| v.value.as_ref());
    let on = |network: Option<&str>| {
        node.addressing()
            .find(|a| network.is_some() && a.network == network)
            .and_then(|a| a.address)
            .map(str::to_owned)
    };
    let primary = node.host.primary_network.map(|p| p.value);
    NodeInfo {
        hostname: node.name.to_owned(),
        memory: None,
        cpu_count: None,
        status_name: if collected {
            "BuildDataCollected"
        } else {
            "Declared"
        }
        .into(),
        boot_mac: node.boot_mac.map(str::to_owned),
        power_state: "unknown".into(),
        power_address: on(oob_network),
        boot_ip: on(primary),
    }
}
