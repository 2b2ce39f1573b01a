//! What every request carries: its id (`X-Drydock-Req` on every response),
//! the caller's context marker and end user, one log line per request; and
//! how a request's JSON body and boolean parameters are read.

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use drydock_store::Uuid;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::error::ApiError;

/// The response header carrying the request's id.
pub const REQUEST_ID_HEADER: &str = "x-drydock-req";
/// The caller's correlation id (kept when it is a UUIDv4, as the original).
pub const CONTEXT_MARKER_HEADER: &str = "x-context-marker";
/// The end user the caller acts for.
pub const END_USER_HEADER: &str = "x-end-user";

/// Longest end-user name kept.
const MAX_END_USER: usize = 255;

/// Who asks, and in which context: put on every request by [`context`].
#[derive(Clone, Debug)]
pub struct Caller {
    /// This request's id.
    pub request_id: Uuid,
    /// The caller's `X-Context-Marker`, when it is a UUIDv4.
    pub context_marker: Option<Uuid>,
    /// The caller's `X-End-User`, when printable.
    pub end_user: Option<String>,
    /// The caller's `X-Auth-Token` (never shown).
    pub token: Option<drydock_core::Secret>,
}

impl Caller {
    fn from_headers(headers: &HeaderMap) -> Self {
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let context_marker = text(CONTEXT_MARKER_HEADER)
            .and_then(|v| Uuid::parse_str(v.trim()).ok())
            .filter(|u| u.get_version_num() == 4);
        let end_user = text(END_USER_HEADER)
            .map(str::trim)
            .filter(|v| !v.is_empty() && v.len() <= MAX_END_USER)
            .filter(|v| !v.chars().any(char::is_control))
            .map(str::to_owned);
        let token = text("x-auth-token")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| drydock_core::Secret::new(t.to_owned()));
        Caller {
            request_id: Uuid::now_v7(),
            context_marker,
            end_user,
            token,
        }
    }

    /// The request context kept on a task `user` creates.
    pub fn task_context(&self, user: &str) -> Value {
        json!({
            "request_id": self.request_id,
            "context_marker": self.context_marker,
            "end_user": self.end_user.as_deref().unwrap_or(user),
            "user": user,
        })
    }
}

/// The middleware every route goes through: the caller's context in the
/// request's extensions, `X-Drydock-Req` on the response, one log line.
pub async fn context(
    State(state): State<super::ApiState>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let caller = Caller::from_headers(request.headers());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(unmatched)".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().clone();
    let (id, marker) = (caller.request_id, caller.context_marker);
    let end_user = caller.end_user.clone().unwrap_or_default();
    let user = end_user.clone();
    request.extensions_mut().insert(caller);
    // Every line logged while serving the request carries its id and context.
    let span = tracing::info_span!(
        "request",
        request = %id,
        context_marker = marker.map(|m| m.to_string()).unwrap_or_default(),
        end_user,
    );
    state.metrics.in_flight.inc();
    let mut response = {
        use tracing::Instrument as _;
        next.run(request).instrument(span).await
    };
    state.metrics.in_flight.dec();
    if let Ok(value) = HeaderValue::from_str(&id.to_string()) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    let seconds = started.elapsed().as_secs_f64();
    state
        .metrics
        .observe(method.as_str(), &route, response.status().as_u16(), seconds);
    let ms = seconds * 1000.0;
    let marker = marker.map(|m| m.to_string()).unwrap_or_default();
    tracing::info!(%method, route, status = response.status().as_u16(), ms = format!("{ms:.1}"), request = %id, context_marker = marker, end_user = user, "request");
    response
}

/// The request's JSON body as `T`: `Content-Type` must be
/// `application/json` (parameters such as `charset` allowed), the body not
/// empty, valid JSON of the expected shape; otherwise 400 saying which.
pub fn json_body<T: DeserializeOwned>(headers: &HeaderMap, body: &Bytes) -> Result<T, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media = content_type.split(';').next().unwrap_or("").trim();
    if !media.eq_ignore_ascii_case("application/json") {
        return Err(ApiError::bad_request(
            "The request body must be JSON (Content-Type: application/json)",
        ));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("The request body is empty"));
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("The request body is not valid: {e}")))
}

/// A boolean query parameter as falcon reads it (`true`, `True`, `1`, `yes`,
/// `on`, … / `false`, `0`, `no`, `off`, …); absent is false, anything else 400.
pub fn flag(value: Option<&str>, name: &str) -> Result<bool, ApiError> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        None => Ok(false),
        Some("true" | "1" | "yes" | "on" | "t" | "y") => Ok(true),
        Some("false" | "0" | "no" | "off" | "f" | "n") => Ok(false),
        Some(_) => Err(ApiError::bad_request(format!(
            "The query parameter {name} must be true or false"
        ))),
    }
}
