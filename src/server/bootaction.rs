//! The node-facing boot-action routes (the original's `control/bootaction.py`):
//! a deployed node fetches its units and files with its `X-Bootaction-Key`,
//! and its assets post their result. No Keystone token: the key is the
//! credential. Thin over [`crate::bootaction::BootActions`].

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use drydock_core::design::AssetType;

use super::ApiState;
use super::error::ApiError;
use crate::bootaction::Refusal;

/// The header a node presents its key in.
pub const KEY_HEADER: &str = "x-bootaction-key";

/// `GET /bootactions/nodes/{hostname}/units`.
pub async fn units(
    State(state): State<ApiState>,
    Path(hostname): Path<String>,
    headers: HeaderMap,
) -> Response {
    tarball(&state, &hostname, &headers, AssetType::Unit).await
}

/// `GET /bootactions/nodes/{hostname}/files`.
pub async fn files(
    State(state): State<ApiState>,
    Path(hostname): Path<String>,
    headers: HeaderMap,
) -> Response {
    tarball(&state, &hostname, &headers, AssetType::File).await
}

async fn tarball(
    state: &ApiState,
    hostname: &str,
    headers: &HeaderMap,
    kind: AssetType,
) -> Response {
    let key = presented_key(headers);
    match state
        .boot
        .node_tarball(hostname, key.as_deref(), kind)
        .await
    {
        Ok(bytes) => {
            let what = if kind == AssetType::Unit {
                "unit"
            } else {
                "file"
            };
            // The filename names the node only when it is a plain header value.
            let disposition = HeaderValue::from_str(&format!(
                "attachment; filename=\"{}-{what}.tar.gz\"",
                hostname.replace(['"', '\\'], "_")
            ))
            .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
            (
                StatusCode::OK,
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/gzip"),
                    ),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                bytes,
            )
                .into_response()
        }
        Err(refusal) => refused(refusal),
    }
}

/// `POST /bootactions/{action_id}` (and with a trailing slash, as the
/// original's node client sends it).
pub async fn signal(
    State(state): State<ApiState>,
    Path(action_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let key = presented_key(&headers);
    match state.boot.signal(&action_id, key.as_deref(), &body).await {
        Ok(answer) => Json(answer).into_response(),
        Err(refusal) => refused(refusal),
    }
}

/// The key header as text; a value that is not text is a key that is not hex.
fn presented_key(headers: &HeaderMap) -> Option<String> {
    headers.get(KEY_HEADER).map(|v| {
        v.to_str()
            .map_or_else(|_| "not text".to_owned(), str::to_owned)
    })
}

/// The original's error body with the refusal's status; 401 challenges
/// for `Bootaction-Key`.
fn refused(refusal: Refusal) -> Response {
    let status =
        StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let error = match &refusal {
        Refusal::Unavailable(why) => ApiError::unavailable(why.clone()),
        _ => ApiError::new(status, refusal.message()),
    };
    let mut response = error.into_response();
    if refusal == Refusal::Unauthorized {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bootaction-Key"),
        );
    }
    response
}
