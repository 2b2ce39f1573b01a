//! `POST /validatedesign` and `POST /nodefilter`: fetch a design through the
//! context's resolver, judge it, or select its nodes.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use drydock_core::{Resolved, Status};
use drydock_rules::effective::EffectiveSite;
use serde::Deserialize;
use serde_json::Value;

use super::ApiState;
use super::error::ApiError;
use super::metrics::NameLabel;
use super::request::{Caller, json_body};
use crate::nodefilter::NodeFilter;

/// The body of `POST /validatedesign` (Shipyard also sends `rel` and `type`).
#[derive(Debug, Deserialize)]
struct ValidateBody {
    href: Option<String>,
}

/// `POST /validatedesign`: 200 and `status: Success` when the design passes
/// its schemas and rules; 400 with every message when it does not, or when
/// it cannot be had; 503 when its source did not answer (try again).
pub async fn validate(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    state
        .authorize(&caller, &["physical_provisioner:validate_site_design"])
        .await?;
    let body: ValidateBody = json_body(&headers, &body)?;
    let Some(href) = body.href.filter(|h| !h.is_empty()) else {
        return Err(ApiError::bad_request(
            "The request body must name the design (href)",
        ));
    };
    let _slot = state.admission.admit(&state.metrics).await?;
    let resolved = match resolve(&state, &href).await {
        Ok(resolved) => resolved,
        Err(err) if err.is_retryable() => {
            state
                .metrics
                .validations
                .get_or_create(&NameLabel {
                    name: "error".into(),
                })
                .inc();
            return Err(unavailable(&err));
        }
        Err(err) => {
            let body = crate::tasks::load_failure_status(&error_text(&err), err.hint());
            state
                .metrics
                .validations
                .get_or_create(&NameLabel {
                    name: "error".into(),
                })
                .inc();
            return Ok(status_response(body));
        }
    };
    let report = &resolved.ingested.report;
    let result = if report.status == Status::Success {
        "success"
    } else {
        "failure"
    };
    state
        .metrics
        .validations
        .get_or_create(&NameLabel {
            name: result.into(),
        })
        .inc();
    Ok(status_response(crate::tasks::validation_status(report)))
}

/// The body of `POST /nodefilter`.
#[derive(Debug, Deserialize)]
struct NodeFilterBody {
    design_ref: Option<String>,
    #[serde(default)]
    node_filter: Option<Value>,
}

/// `POST /nodefilter`: the names of the design's nodes the filter selects
/// (every node without a filter), in the design's order. Unlike the
/// original (`200 []`), a design that cannot be had is an error.
pub async fn nodefilter(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    state
        .authorize(&caller, &["physical_provisioner:read_data"])
        .await?;
    let body: NodeFilterBody = json_body(&headers, &body)?;
    let Some(design_ref) = body.design_ref.filter(|r| !r.is_empty()) else {
        return Err(ApiError::bad_request(
            "The request body must name the design (design_ref)",
        ));
    };
    let filter = match &body.node_filter {
        None | Some(Value::Null) => None,
        Some(value) => {
            Some(NodeFilter::from_value(value).map_err(super::error::ApiError::node_filter)?)
        }
    };
    let _slot = state.admission.admit(&state.metrics).await?;
    let resolved = resolve(&state, &design_ref).await.map_err(|err| {
        if err.is_retryable() {
            unavailable(&err)
        } else {
            ApiError::bad_request(format!("The design could not be had: {}", error_text(&err)))
        }
    })?;
    let site = EffectiveSite::compile(&resolved.ingested.design).map_err(|problems| {
        ApiError::bad_request(format!(
            "The design's nodes could not be compiled ({} problems; POST /validatedesign says which)",
            problems.len()
        ))
    })?;
    let names: Vec<&str> = match filter {
        None => site.nodes.iter().map(|n| n.name).collect(),
        Some(filter) => filter
            .select(&site.nodes)
            .into_iter()
            .map(|i| site.nodes[i].name)
            .collect(),
    };
    Ok(Json(names).into_response())
}

async fn resolve(state: &ApiState, reference: &str) -> drydock_core::Result<Resolved> {
    let context = &state.context;
    context
        .resolver()
        .resolve(reference, &context.resolve_options())
        .await
}

fn unavailable(err: &drydock_core::Error) -> ApiError {
    let text = error_text(err);
    ApiError::unavailable(format!("The design's source did not answer: {text}"))
}

/// An error as a response may show it: credentials redacted, control
/// characters escaped.
fn error_text(err: &drydock_core::Error) -> String {
    super::error::shown(err)
}

/// A rendered status body, answered with its own `code`.
fn status_response(body: Value) -> Response {
    let code = if body["code"] == 200 {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    (code, Json(body)).into_response()
}
