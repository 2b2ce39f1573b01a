//! Remote mode: with `--url` / `DD_URL` (as the original CLI), the task and
//! node commands talk to a Drydock API (`drydock serve`, or the original
//! Drydock) with a Keystone token (`--os_token` / `OS_TOKEN`, or the
//! `--os_*` / `OS_*` password settings), and print what store mode prints.

use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, Utc};
use drydock::FetchOptions;
use drydock::driver_http::keystone::{Keystone, KeystoneOptions};
use drydock::driver_http::{HttpClient, HttpOptions, HttpRequest};
use drydock::store::{BuildData, ResultMessage, Task, TaskLink, TaskResult, Uuid};
use drydock_core::{CredentialSource, Secret, StaticToken};
use serde_json::Value;
use url::Url;

/// The original CLI's global options for reaching its API.
#[derive(Debug, Clone, clap::Args)]
pub struct RemoteArgs {
    /// Talk to this Drydock API (http(s)://host:port) instead of the store:
    /// the task and node commands (as the original CLI's --url).
    #[arg(
        short = 'u',
        long,
        env = "DD_URL",
        hide_env_values = true,
        global = true,
        value_name = "URL"
    )]
    url: Option<String>,
    /// A Keystone token for the API (as the original's --os_token).
    #[arg(
        long = "os_token",
        env = "OS_TOKEN",
        hide_env_values = true,
        global = true,
        value_name = "TOKEN"
    )]
    os_token: Option<String>,
    /// Keystone's URL (else OS_AUTH_URL).
    #[arg(long = "os_auth_url", global = true, value_name = "URL")]
    os_auth_url: Option<String>,
    /// Keystone user (else OS_USERNAME).
    #[arg(long = "os_username", global = true, value_name = "NAME")]
    os_username: Option<String>,
    /// Keystone password (else OS_PASSWORD).
    #[arg(long = "os_password", global = true, value_name = "PASSWORD")]
    os_password: Option<String>,
    /// Keystone project (else OS_PROJECT_NAME).
    #[arg(long = "os_project_name", global = true, value_name = "NAME")]
    os_project_name: Option<String>,
    /// The user's domain (else OS_USER_DOMAIN_NAME).
    #[arg(long = "os_user_domain_name", global = true, value_name = "NAME")]
    os_user_domain_name: Option<String>,
    /// The project's domain (else OS_PROJECT_DOMAIN_NAME).
    #[arg(long = "os_project_domain_name", global = true, value_name = "NAME")]
    os_project_domain_name: Option<String>,
}

/// A Drydock API and the credentials to call it with.
pub struct Remote {
    client: HttpClient,
    credentials: Option<Arc<dyn CredentialSource>>,
    base: Url,
}

/// What went wrong talking to the API: a message for `error:`.
pub type RemoteError = String;

impl RemoteArgs {
    /// The API to use, when `--url` / `DD_URL` names one.
    pub fn remote(&self, env: &drydock::Env) -> Result<Option<Remote>, RemoteError> {
        let Some(url) = self.url.as_deref().filter(|u| !u.is_empty()) else {
            return Ok(None);
        };
        let trimmed = url.trim_end_matches('/');
        let trimmed = trimmed.strip_suffix("/api/v1.0").unwrap_or(trimmed);
        let base = Url::parse(&format!("{trimmed}/api/v1.0/")).map_err(|e| {
            format!(
                "--url {}: {e}; the URL must give a scheme (http, https) and a host",
                drydock::redact_str(url)
            )
        })?;
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            return Err(format!(
                "--url {}: the URL must give a scheme (http, https) and a host",
                drydock::redact_str(url)
            ));
        }
        let client = HttpClient::new(HttpOptions::default()).map_err(|e| e.to_string())?;
        let credentials: Option<Arc<dyn CredentialSource>> =
            match self.os_token.as_deref().filter(|t| !t.is_empty()) {
                Some(token) => Some(Arc::new(StaticToken::in_header("X-Auth-Token", token))),
                None => {
                    let mut options = KeystoneOptions::default();
                    options.auth_url = self.os_auth_url.clone();
                    options.username = self.os_username.clone();
                    options.password = self.os_password.clone().map(Secret::new);
                    options.project_name = self.os_project_name.clone();
                    options.user_domain_name = self.os_user_domain_name.clone();
                    options.project_domain_name = self.os_project_domain_name.clone();
                    Keystone::from_options(client.clone(), options, env)
                        .map_err(|e| format!("Keystone: {e}"))?
                        .map(|k| Arc::new(k) as Arc<dyn CredentialSource>)
                }
            };
        Ok(Some(Remote {
            client,
            credentials,
            base,
        }))
    }
}

impl Remote {
    /// Sends a GET (or a POST of `body`) to `path` under `/api/v1.0/`;
    /// the status and the body as JSON (`null` when empty).
    pub async fn call(
        &self,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value), RemoteError> {
        let (status, value, _) = self.send(path, body, false).await?;
        Ok((status, value))
    }

    /// Sends a DELETE to `path`: the status, the body, and the count of
    /// deleted tasks when the server says it (`drydock serve` does).
    pub async fn delete(&self, path: &str) -> Result<(u16, Value, Option<u64>), RemoteError> {
        self.send(path, None, true).await
    }

    async fn send(
        &self,
        path: &str,
        body: Option<&Value>,
        delete: bool,
    ) -> Result<(u16, Value, Option<u64>), RemoteError> {
        let url = self.base.join(path).map_err(|e| e.to_string())?;
        let shown = drydock::redact_url(&url);
        let mut request = HttpRequest::new(&url, &shown)
            .map_err(|e| e.to_string())?
            .with_credentials(self.credentials.clone())
            .with_header("Accept", "application/json");
        if let Some(body) = body {
            let bytes = serde_json::to_vec(body).unwrap_or_default();
            request = request.with_body("application/json", bytes.into(), Vec::new());
        } else if delete {
            request = request.as_delete();
        }
        let raw = self
            .client
            .exchange(&request, &FetchOptions::default())
            .await
            .map_err(|e| e.to_string())?;
        let deleted = raw
            .header(drydock::server::DELETED_HEADER)
            .and_then(|v| v.trim().parse().ok());
        let text = raw.body.into_bytes();
        let value = if text.iter().all(u8::is_ascii_whitespace) {
            Value::Null
        } else {
            serde_json::from_slice(&text)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&text).into_owned()))
        };
        Ok((raw.status, value, deleted))
    }

    /// As [`Remote::call`], but only a 2xx answer is a value.
    pub async fn ok(&self, path: &str, body: Option<&Value>) -> Result<Value, RemoteError> {
        let (status, value) = self.call(path, body).await?;
        if (200..300).contains(&status) {
            return Ok(value);
        }
        let message = value
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| value.as_str().map(str::to_owned))
            .unwrap_or_default();
        Err(format!(
            "the Drydock API answered {status} to {path}: {message}"
        ))
    }
}

/// A timestamp as either API writes it: RFC 3339, or Python's
/// `str(datetime)` (`2018-10-12 16:09:53.778696`, `+00:00` or naive = UTC).
pub fn timestamp(v: &Value) -> Option<DateTime<Utc>> {
    let s = v.as_str()?;
    DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f%:z"))
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
                .ok()
                .map(|n| n.and_utc())
        })
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn uuid(v: &Value) -> Option<Uuid> {
    v.as_str().and_then(|s| s.parse().ok())
}

/// A task as the API shows it (either API), as the store holds it.
pub fn task(v: &Value) -> Result<Task, RemoteError> {
    let task_id = v
        .get("task_id")
        .and_then(uuid)
        .ok_or("a task without a task_id")?;
    let result = v.get("result").cloned().unwrap_or(Value::Null);
    let details = result.get("details").cloned().unwrap_or(Value::Null);
    let messages: Vec<ResultMessage> = details
        .get("messageList")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .zip(1..)
                .map(|(m, sequence)| ResultMessage {
                    sequence,
                    task_id,
                    message: text(m, "message").unwrap_or_default(),
                    error: m.get("error").and_then(Value::as_bool).unwrap_or(false),
                    context: text(m, "context"),
                    context_type: text(m, "context_type"),
                    ts: m
                        .get("ts")
                        .and_then(timestamp)
                        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH),
                    // The original sends `extra` as a JSON string holding JSON.
                    extra: match m.get("extra") {
                        Some(Value::String(s)) => serde_json::from_str(s)
                            .ok()
                            .or(Some(Value::String(s.clone()))),
                        Some(Value::Null) | None => None,
                        Some(other) => Some(other.clone()),
                    },
                })
                .collect()
        })
        .unwrap_or_default();
    let links = result
        .get("links")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|x| serde_json::from_value::<TaskLink>(x.clone()).ok())
                .collect()
        })
        .unwrap_or_default();
    Ok(Task {
        task_id,
        parent_task_id: v.get("parent_task_id").and_then(uuid),
        subtask_id_list: v
            .get("subtask_id_list")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(uuid).collect())
            .unwrap_or_default(),
        status: text(v, "status")
            .unwrap_or_default()
            .parse()
            .unwrap_or_else(drydock::store::TaskStatus::Unknown),
        action: text(v, "action")
            .unwrap_or_default()
            .parse()
            .unwrap_or_else(drydock::store::TaskAction::Unknown),
        design_ref: text(v, "design_ref"),
        design_snapshot_id: v.get("design_snapshot_id").and_then(uuid),
        node_filter: v.get("node_filter").filter(|f| !f.is_null()).cloned(),
        request_context: None,
        result: TaskResult {
            status: text(&result, "status")
                .unwrap_or_else(|| "incomplete".into())
                .parse()
                .unwrap_or_else(drydock::store::ResultStatus::Unknown),
            message: text(&result, "message"),
            reason: text(&result, "reason"),
            error_count: details
                .get("errorCount")
                .and_then(Value::as_i64)
                .unwrap_or(0),
            successes: strings(&result, "successes"),
            failures: strings(&result, "failures"),
            links,
        },
        retry: v.get("retry").and_then(Value::as_i64).unwrap_or(0) as i32,
        created: v
            .get("created")
            .and_then(timestamp)
            .unwrap_or(DateTime::<Utc>::UNIX_EPOCH),
        created_by: text(v, "created_by"),
        updated: v.get("updated").and_then(timestamp),
        terminated: v.get("terminated").and_then(timestamp),
        terminated_by: text(v, "terminated_by"),
        terminate: v.get("terminate").and_then(Value::as_bool).unwrap_or(false),
        claimed_by: None,
        lease_expires: None,
        attempts: v.get("attempts").and_then(Value::as_i64).unwrap_or(0) as i32,
        version: 1,
        messages,
    })
}

/// Build data as the API shows it.
pub fn build_data(v: &Value) -> Vec<BuildData> {
    v.as_array()
        .map(|list| {
            list.iter()
                .filter_map(|d| {
                    Some(BuildData {
                        node_name: text(d, "node_name")?,
                        task_id: d.get("task_id").and_then(uuid)?,
                        collected_date: d.get("collected_date").and_then(timestamp)?,
                        generator: text(d, "generator").unwrap_or_default(),
                        data_format: text(d, "data_format").unwrap_or_default(),
                        data_element: text(d, "data_element").unwrap_or_default(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}
