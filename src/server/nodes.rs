//! `GET /nodes`: the built-in node inventory ([`crate::inventory`]).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};

use super::ApiState;
use super::error::ApiError;
use super::request::Caller;
use crate::inventory::{InventoryError, inventory};

/// `GET /nodes`: one entry per node of the newest stored design; `[]` when
/// no design was stored yet.
pub async fn list(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, ApiError> {
    state
        .authorize(&caller, &["physical_provisioner:read_data"])
        .await?;
    match inventory(&state.store).await {
        Ok(nodes) => Ok(Json(nodes).into_response()),
        Err(InventoryError::Store(e)) => Err(ApiError::store(e)),
        Err(e @ InventoryError::Design { .. }) => Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            e.to_string(),
        )),
    }
}
