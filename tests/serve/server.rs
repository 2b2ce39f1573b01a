//! A real `drydock serve` process on a free loopback port, its log in a
//! file, and a client that talks to it as the original's Python client does.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::Value;

/// The designs under `fixtures/designs`, as file:// references.
pub fn design(relative: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/designs");
    format!("file://{}", root.join(relative).display())
}

/// A `drydock serve` process.
pub struct Server {
    child: Child,
    log: PathBuf,
    /// `http://127.0.0.1:PORT` (`https://` with TLS).
    pub base: String,
}

impl Server {
    /// Starts `drydock serve --auth none` on `store`, on a port the system
    /// picks (read back from its log), with `extra` flags.
    pub fn start(home: &Path, store: &str, extra: &[&str]) -> Server {
        let mut args = vec!["--auth", "none"];
        args.extend_from_slice(extra);
        Server::start_with(home, store, &args, &[])
    }

    /// Starts `drydock serve` on `store` with `args` and the environment
    /// variables `envs` (nothing else of the caller's DRYDOCK_* or OS_*).
    pub fn start_with(home: &Path, store: &str, args: &[&str], envs: &[(&str, &str)]) -> Server {
        let log = home.join(format!("serve-{}.log", drydock::store::Uuid::now_v7()));
        let file = std::fs::File::create(&log).expect("log file");
        // The one launcher of the binary's tests: a clean environment in `home`.
        let mut command = crate::common::command(home);
        let child = command
            .args(["serve", "--listen", "127.0.0.1:0", "--store", store])
            .args(args)
            .envs(envs.iter().copied())
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .expect("drydock serve starts");
        let mut server = Server {
            child,
            log,
            base: String::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = server.log();
            let served = text.split("serving ").nth(1).and_then(|rest| {
                let (scheme, rest) = rest.split_once("://")?;
                Some((scheme.to_owned(), rest.split('/').next()?.to_owned()))
            });
            if let Some((scheme, address)) = served {
                server.base = format!("{scheme}://{address}");
                return server;
            }
            if let Some(status) = server.child.try_wait().expect("try_wait") {
                panic!("drydock serve exited ({status}) before serving:\n{text}");
            }
            assert!(
                Instant::now() < deadline,
                "drydock serve did not start:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Its log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends SIGTERM and waits for the exit (at most 30 s); its exit code.
    pub fn terminate(&mut self) -> Option<i32> {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -TERM {pid}");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status.code();
            }
            assert!(
                Instant::now() < deadline,
                "still serving after SIGTERM:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

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
