//! A real `drydock serve` process on a free loopback port (the shared
//! [`Server`]), and a client that talks to it as the original's Python
//! client does.

use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::Value;

pub use crate::common::serve::{Server, design};

/// The headers Shipyard's `DrydockSession` sends.
pub const CONTEXT_MARKER: &str = "6f9a2d4e-8c1b-4f7a-9e3d-2b5c7a1f0e84";

/// A client as Shipyard builds it: a token, a context marker, an end user.
pub fn client() -> reqwest::Client {
    client_with(Some("a-service-token"))
}

/// A client sending `token` (none: no `X-Auth-Token`).
pub fn client_with(token: Option<&str>) -> reqwest::Client {
    let mut headers = HeaderMap::new();
    if let Some(token) = token {
        headers.insert(
            "X-Auth-Token",
            HeaderValue::from_str(token).expect("a header value"),
        );
    }
    headers.insert("X-Context-Marker", HeaderValue::from_static(CONTEXT_MARKER));
    headers.insert("X-End-User", HeaderValue::from_static("shipyard-operator"));
    // Plain HTTP only; reqwest still wants a TLS configuration (ring, no roots).
    let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_root_certificates(rustls::RootCertStore::empty())
    .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .default_headers(headers)
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client")
}

/// A response's status, headers and body as JSON (`Null` when empty or not JSON).
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body as text.
    pub text: String,
    /// The body as JSON.
    pub json: Value,
}

impl Answer {
    /// Reads `response` whole.
    pub async fn of(response: reqwest::Response) -> Answer {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        assert!(
            headers.contains_key("x-drydock-req"),
            "every response carries X-Drydock-Req: {status} {text}"
        );
        Answer {
            status,
            headers,
            text,
            json,
        }
    }

    /// Asserts the original's error body with `status` (`retry` true
    /// exactly for a 503), returns its message.
    pub fn error(&self, status: u16) -> String {
        assert_eq!(self.status, status, "{}", self.text);
        assert_eq!(self.json["type"], "error", "{}", self.text);
        assert_eq!(self.json["retry"], status == 503, "{}", self.text);
        self.json["message"].as_str().expect("a message").to_owned()
    }
}

/// GET `path`.
pub async fn get(server: &Server, path: &str) -> Answer {
    Answer::of(client().get(server.url(path)).send().await.expect("GET")).await
}

/// POST `body` as JSON (`requests`' `json=`: exactly `application/json`).
pub async fn post(server: &Server, path: &str, body: &Value) -> Answer {
    let sent = client().post(server.url(path)).json(body).send().await;
    Answer::of(sent.expect("POST")).await
}

/// POST raw bytes with `content_type`.
pub async fn post_raw(server: &Server, path: &str, content_type: &str, body: Vec<u8>) -> Answer {
    let sent = client()
        .post(server.url(path))
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await;
    Answer::of(sent.expect("POST")).await
}

/// Creates a task as Shipyard's `create_task` does (`POST /tasks`, 201
/// expected); its id.
pub async fn create_task(server: &Server, body: &Value) -> String {
    let created = post(server, "/api/v1.0/tasks", body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    created.json["task_id"]
        .as_str()
        .expect("task_id")
        .to_owned()
}

/// Polls the task as Shipyard's `query_task` does until its status is
/// `complete` or `terminated` (at most `limit`); the last answer.
pub async fn poll(server: &Server, task_id: &str, limit: Duration) -> Value {
    let deadline = Instant::now() + limit;
    loop {
        let answer = get(server, &format!("/api/v1.0/tasks/{task_id}")).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        let status = answer.json["status"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if status == "complete" || status == "terminated" {
            return answer.json;
        }
        assert!(Instant::now() < deadline, "task {task_id} still {status}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
