//! `/tasks`: create (201, `Location`), list, show (with `builddata`,
//! `subtaskerrors`, `layers`), delete old ones, a task's build data.

use std::collections::BTreeMap;

use axum::Extension;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use drydock_store::{BuildDataScope, NewTask, Task, TaskFilter, Uuid};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::ApiState;
use super::error::ApiError;
use super::request::{Caller, flag, json_body};
use crate::nodefilter::NodeFilter;

/// Days `DELETE /tasks` keeps without `days` (or with a bad one), as the original.
const DEFAULT_RETENTION_DAYS: u32 = 90;

const READ_TASK: &str = "physical_provisioner:read_task";
const READ_BUILD_DATA: &str = "physical_provisioner:read_build_data";

/// The body of `POST /tasks`.
#[derive(Debug, Deserialize)]
struct CreateBody {
    action: Option<String>,
    design_ref: Option<String>,
    #[serde(default)]
    node_filter: Option<Value>,
}

/// `POST /tasks`: queues a task; 201 with the task and its `Location`.
pub async fn create(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    state
        .authorize(&caller, &["physical_provisioner:create_task"])
        .await?;
    let body: CreateBody = json_body(&headers, &body)?;
    let action = body.action.unwrap_or_default();
    let external = &state.context.config().api().external_actions;
    let action = crate::worker::admit_action(&action, external)
        .map_err(|refused| ApiError::bad_request(refused.to_string()))?;
    let Some(design_ref) = body.design_ref.filter(|r| !r.is_empty()) else {
        return Err(ApiError::bad_request(
            "Task creation requires fields design_ref, action",
        ));
    };
    if let Err(err) = drydock_core::DesignRef::parse(&design_ref) {
        return Err(ApiError::bad_request(format!(
            "design_ref is not a design reference: {}",
            drydock_core::redact_str(&err.to_string())
        )));
    }
    let rule = format!("physical_provisioner:{}", action.as_str());
    let identity = state.authorize(&caller, &[rule.as_str()]).await?;
    let mut new = NewTask::new(action)
        .with_design_ref(drydock_store::stored_design_ref(&design_ref))
        .with_created_by(identity.user.clone())
        .with_request_context(caller.task_context(&identity.user));
    match body.node_filter {
        None | Some(Value::Null) => {}
        Some(filter) => {
            NodeFilter::from_value(&filter).map_err(ApiError::node_filter)?;
            new = new.with_node_filter(filter);
        }
    }
    let task = state
        .store
        .create_task(&new)
        .await
        .map_err(ApiError::store)?;
    tracing::info!(task = %task.task_id, action = task.action.as_str(), request = %caller.request_id, "task created");
    let action = super::metrics::NameLabel {
        name: task.action.as_str().to_owned(),
    };
    state.metrics.tasks_created.get_or_create(&action).inc();
    let location = format!("/api/v1.0/tasks/{}", task.task_id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(crate::tasks::ApiTask::of(&task)),
    )
        .into_response())
}

/// `GET /tasks`: every task, oldest first, each with its messages.
pub async fn list(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, ApiError> {
    state.authorize(&caller, &[READ_TASK]).await?;
    let tasks = state
        .store
        .list_tasks(&TaskFilter::default())
        .await
        .map_err(ApiError::store)?;
    let mut out = Vec::with_capacity(tasks.len());
    for mut task in tasks {
        task.messages = state
            .store
            .messages(task.task_id)
            .await
            .map_err(ApiError::store)?;
        out.push(api_value(&task)?);
    }
    Ok(Json(out).into_response())
}

/// The header in which `DELETE /tasks` says how many tasks it deleted.
pub const DELETED_HEADER: &str = "x-drydock-tasks-deleted";

/// The query of `DELETE /tasks`.
#[derive(Debug, Deserialize)]
pub struct DeleteQuery {
    days: Option<String>,
}

/// `DELETE /tasks?days=N`: deletes tasks older than N days (90 without, or
/// with a bad value, as the original).
pub async fn delete(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<DeleteQuery>,
) -> Result<Response, ApiError> {
    state
        .authorize(&caller, &["physical_provisioner:delete_tasks"])
        .await?;
    let days = q
        .days
        .and_then(|d| d.trim().parse::<u32>().ok())
        .unwrap_or(DEFAULT_RETENTION_DAYS);
    let deleted = state
        .store
        .delete_tasks_older_than(days)
        .await
        .map_err(ApiError::store)?;
    tracing::info!(days, deleted, "tasks purged");
    // The original's text; the count for our CLI in a header of its own.
    let count = [(DELETED_HEADER, deleted.to_string())];
    Ok((StatusCode::OK, count, "Tables purged successfully.").into_response())
}

/// The query of `GET /tasks/{id}`.
#[derive(Debug, Deserialize)]
pub struct ShowQuery {
    builddata: Option<String>,
    subtaskerrors: Option<String>,
    layers: Option<String>,
}

/// `GET /tasks/{id}`: the task; `builddata=true` adds `build_data`,
/// `subtaskerrors=true` adds `subtask_errors`, `layers=N` (-1: all) answers
/// `{"init_task_id", <id>: task, …}` over N layers of subtasks.
pub async fn show(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, ApiError> {
    state.authorize(&caller, &[READ_TASK]).await?;
    let builddata = flag(q.builddata.as_deref(), "builddata")?;
    let subtask_errors = flag(q.subtaskerrors.as_deref(), "subtaskerrors")?;
    let layers =
        match q.layers.as_deref() {
            None => None,
            Some(n) => Some(n.trim().parse::<i64>().map_err(|_| {
                ApiError::bad_request("The query parameter layers must be an integer")
            })?),
        };
    let task = read_task(&state, &id).await?;
    let mut body = match layers {
        None => api_value(&task)?,
        Some(layers) => {
            let mut out = Map::new();
            out.insert("init_task_id".into(), json!(task.task_id));
            collect_layers(&state, task.clone(), layers, &mut out).await?;
            Value::Object(out)
        }
    };
    if builddata && layers.is_none() {
        let data = state
            .store
            .build_data(&BuildDataScope::Task(task.task_id), false)
            .await
            .map_err(ApiError::store)?;
        body["build_data"] = json!(data);
    }
    if subtask_errors {
        body["subtask_errors"] = Value::Object(errors_below(&state, &task).await?);
    }
    Ok(Json(body).into_response())
}

/// `GET /tasks/{id}/builddata`: what the task collected; 404 when nothing.
pub async fn builddata(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    state.authorize(&caller, &[READ_BUILD_DATA]).await?;
    let task = read_task(&state, &id).await?;
    let data = state
        .store
        .build_data(&BuildDataScope::Task(task.task_id), false)
        .await
        .map_err(ApiError::store)?;
    if data.is_empty() {
        return Err(ApiError::not_found("No build data found"));
    }
    Ok(Json(data).into_response())
}

/// The task `id`, with its messages; a malformed or unknown id is 404.
async fn read_task(state: &ApiState, id: &str) -> Result<Task, ApiError> {
    let missing = || ApiError::not_found(format!("Task {} does not exist", printable(id)));
    let task_id = Uuid::parse_str(id).map_err(|_| missing())?;
    match state.store.get_task(task_id).await {
        Ok(task) => Ok(task),
        Err(drydock_store::StoreError::NotFound { .. }) => Err(missing()),
        Err(err) => Err(ApiError::store(err)),
    }
}

/// `id` as it may be echoed: at most 64 characters, no control characters.
fn printable(id: &str) -> String {
    id.chars().filter(|c| !c.is_control()).take(64).collect()
}

fn api_value(task: &Task) -> Result<Value, ApiError> {
    serde_json::to_value(crate::tasks::ApiTask::of(task)).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("Task not renderable: {e}"),
        )
    })
}

async fn collect_layers(
    state: &ApiState,
    task: Task,
    layers: i64,
    out: &mut Map<String, Value>,
) -> Result<(), ApiError> {
    let below = if layers == 0 || layers == 1 {
        Vec::new()
    } else {
        crate::tasks::descendants(&state.store, &task, layers)
            .await
            .map_err(ApiError::store)?
    };
    out.insert(task.task_id.to_string(), api_value(&task)?);
    for t in below {
        out.insert(t.task_id.to_string(), api_value(&t)?);
    }
    Ok(())
}

/// `subtask_errors`: each descendant with errors, its result with `task_id`.
async fn errors_below(state: &ApiState, task: &Task) -> Result<Map<String, Value>, ApiError> {
    let mut out: BTreeMap<String, Value> = BTreeMap::new();
    let below = crate::tasks::descendants_with_errors(&state.store, task)
        .await
        .map_err(ApiError::store)?;
    for t in below {
        let mut result = api_value(&t)?["result"].take();
        result["task_id"] = json!(t.task_id);
        out.insert(t.task_id.to_string(), result);
    }
    Ok(out.into_iter().collect())
}

/// The query of `GET /nodes/{hostname}/builddata`.
#[derive(Debug, Deserialize)]
pub struct NodeQuery {
    latest: Option<String>,
}

/// `GET /nodes/{hostname}/builddata[?latest=true]`: the node's build data,
/// newest first (only the newest per generator with `latest`); 404 when none.
pub async fn node_builddata(
    State(state): State<ApiState>,
    Extension(caller): Extension<Caller>,
    Path(hostname): Path<String>,
    Query(q): Query<NodeQuery>,
) -> Result<Response, ApiError> {
    state.authorize(&caller, &[READ_BUILD_DATA]).await?;
    // As the original: `latest` is true exactly when it reads TRUE in any case.
    let latest = q.latest.is_some_and(|l| l.eq_ignore_ascii_case("true"));
    let found = state
        .store
        .build_data(&BuildDataScope::Node(hostname), latest)
        .await;
    match found {
        Ok(data) if !data.is_empty() => Ok(Json(data).into_response()),
        Ok(_) | Err(drydock_store::StoreError::Invalid { .. }) => {
            Err(ApiError::not_found("No build data found"))
        }
        Err(err) => Err(ApiError::store(err)),
    }
}
