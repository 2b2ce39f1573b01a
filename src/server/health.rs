//! `GET /versions`, `GET /health` (204, no token, writes nothing) and
//! `GET /health/extended`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::json;

use super::ApiState;
use super::error::ApiError;
use super::request::Caller;

/// `GET /versions` (at the root): the API versions served.
pub async fn versions() -> Response {
    Json(json!({"v1.0": {"path": "/api/v1.0", "status": "stable"}})).into_response()
}

/// `GET /metrics` (at the root, no token): Prometheus text.
pub async fn metrics(State(state): State<ApiState>) -> Response {
    let content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    (
        [(axum::http::header::CONTENT_TYPE, content_type)],
        state.metrics.render(&state.store).await,
    )
        .into_response()
}

/// `GET /health`: 204 when the store answers one read-only round trip, 503
/// otherwise; no body.
pub async fn health(State(state): State<ApiState>) -> StatusCode {
    match state.store.ping().await {
        Ok(()) => StatusCode::NO_CONTENT,
        Err(err) => {
            tracing::warn!(error = %err, "health: the store did not answer");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}

/// `GET /health/extended`: the original's `Status` body, 200 or 503.
pub async fn extended(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, ApiError> {
    state
        .authorize(&caller, &["physical_provisioner:health_data"])
        .await?;
    let mut messages = Vec::new();
    if state.store.ping().await.is_err() {
        messages.push(json!({"message": "Unable to connect to database", "error": true, "kind": "SimpleMessage"}));
    }
    let healthy = messages.is_empty();
    let code = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "kind": "Status",
        "apiVersion": "v1.0",
        "metadata": {},
        "status": if healthy { "Success" } else { "Failure" },
        "message": if healthy { "" } else { "Drydock failed to respond" },
        "reason": "HealthCheck",
        "details": {"errorCount": messages.len(), "messageList": messages},
        "code": code.as_u16(),
    });
    Ok((code, Json(body)).into_response())
}
