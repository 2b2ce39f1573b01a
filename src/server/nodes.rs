//! `GET /nodes`: the built-in node inventory — the nodes of the most
//! recently stored design, as the original's MAAS-backed route shapes them.
//! Without a live source (MAAS), hardware figures and power state are
//! unknown: `memory` and `cpu_count` are null, `power_state` is `unknown`,
//! `status_name` says whether the node has build data (`BuildDataCollected`)
//! or not (`Declared`).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use drydock_rules::effective::{EffectiveNode, EffectiveSite};
use drydock_store::{BuildDataScope, SnapshotQuery};
use serde_json::{Value, json};

use super::ApiState;
use super::error::ApiError;
use super::request::Caller;

/// `GET /nodes`: one entry per node of the newest stored design; `[]` when
/// no design was stored yet.
pub async fn list(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, ApiError> {
    state
        .authorize(&caller, &["physical_provisioner:read_data"])
        .await?;
    let newest = SnapshotQuery {
        limit: 1,
        ..SnapshotQuery::all()
    };
    let summaries = state
        .store
        .list_snapshots(&newest)
        .await
        .map_err(ApiError::store)?;
    let Some(summary) = summaries.first() else {
        return Ok(Json(Vec::<Value>::new()).into_response());
    };
    let snapshot = state
        .store
        .get_snapshot(summary.snapshot_id)
        .await
        .map_err(ApiError::store)?;
    let site = EffectiveSite::compile(&snapshot.model).map_err(|problems| {
        ApiError::new(
            axum::http::StatusCode::CONFLICT,
            format!(
                "The newest stored design's nodes could not be compiled ({} problems)",
                problems.len()
            ),
        )
    })?;
    let mut out = Vec::with_capacity(site.nodes.len());
    for node in &site.nodes {
        let collected = state
            .store
            .build_data(&BuildDataScope::Node(node.name.to_owned()), true)
            .await
            .map(|d| !d.is_empty())
            .unwrap_or(false);
        out.push(entry(node, collected));
    }
    Ok(Json(out).into_response())
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
