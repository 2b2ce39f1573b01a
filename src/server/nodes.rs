//! `GET /nodes`: the configured node source's answer (`[api] node_source`,
//! default `design`: the nodes of the newest stored design; see
//! [`crate::nodes`]), in the original's shape.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};

use super::ApiState;
use super::error::ApiError;
use super::request::Caller;
use crate::nodes::{NodeContext, NodeSourceError};

/// `GET /nodes`: one entry per node the source lists; `[]` when it knows none.
pub async fn list(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, ApiError> {
    state
        .authorize(&caller, &["physical_provisioner:read_data"])
        .await?;
    let context = NodeContext {
        config: state.context.config(),
        resolver: state.context.resolver(),
        store: &state.store,
    };
    let nodes = state
        .node_source
        .nodes(&context)
        .await
        .map_err(|err| match err {
            NodeSourceError::Store(err) => ApiError::store(err),
            NodeSourceError::Conflict { reason } => ApiError::new(StatusCode::CONFLICT, reason),
            err @ NodeSourceError::Unavailable { .. } => {
                tracing::warn!(request = %caller.request_id, error = %err, "the node source did not answer");
                ApiError::unavailable(super::error::shown(&err))
            }
        })?;
    Ok(Json(nodes).into_response())
}
