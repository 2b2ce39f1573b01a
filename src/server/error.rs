//! [`ApiError`]: the original's error body, `{"type":"error","message":…,"retry":false}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use drydock_store::StoreError;
use serde_json::json;

/// An answer that is not a success: its status and message.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    retry: bool,
    retry_after: Option<u32>,
}

impl ApiError {
    /// 400 with `message`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 400 for a body's `node_filter` that is not a filter set.
    pub fn node_filter(err: serde_json::Error) -> Self {
        ApiError::bad_request(format!("node_filter is not a node filter: {err}"))
    }

    /// 404 with `message`.
    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    /// 401 `Unauthenticated`, as the original.
    pub fn unauthenticated() -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "Unauthenticated")
    }

    /// 503 with `message`, worth retrying.
    pub fn unavailable(message: impl Into<String>) -> Self {
        ApiError {
            retry: true,
            ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, message)
        }
    }

    /// 503 with `message` and `Retry-After: seconds`.
    pub fn busy(message: impl Into<String>, seconds: u32) -> Self {
        ApiError {
            retry_after: Some(seconds),
            ..ApiError::unavailable(message)
        }
    }

    /// Any status with `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            retry: false,
            retry_after: None,
        }
    }

    /// The store failed: 503 (retry later) when it cannot be reached or
    /// used (down, its database gone, access refused), 400 for a value it
    /// refuses, 404 for a missing record, 500 otherwise; the message never
    /// carries the store's URL.
    pub fn store(err: StoreError) -> Self {
        match err {
            StoreError::Invalid { .. } => ApiError::bad_request(err.to_string()),
            StoreError::NotFound { .. } => ApiError::not_found(err.to_string()),
            StoreError::Unavailable { .. }
            | StoreError::MissingDatabase { .. }
            | StoreError::AccessDenied { .. }
            | StoreError::Tls { .. } => {
                tracing::warn!(error = %err, "the store cannot be used");
                ApiError::unavailable("The store is unavailable")
            }
            _ if err.is_retryable() => ApiError::unavailable("The store is unavailable"),
            _ => {
                tracing::error!(error = %err, "store error");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal store error")
            }
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

/// An error as a response may show it: credentials redacted, control
/// characters escaped.
pub fn shown(err: &dyn std::fmt::Display) -> String {
    let redacted = drydock_core::redact_str(&err.to_string());
    drydock_core::text::escape_control(&redacted).into_owned()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"type": "error", "message": self.message, "retry": self.retry});
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}
