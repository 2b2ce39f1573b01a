//! Keystone v3 as a [`CredentialSource`] any driver can use: password
//! authentication (or a pre-issued token), the token sent as `X-Auth-Token`,
//! cached until shortly before it expires, shared by concurrent fetches, and
//! renewed once when a service answers 401.

mod clouds;
mod error;
mod options;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use drydock_core::{AuthHeader, CredentialSource, Env, FetchOptions, Result, Secret, async_trait};
use serde::Deserialize;
use url::Url;

use crate::client::HttpClient;
use crate::request::HttpRequest;

pub use error::KeystoneError;
pub use options::{AuthMethod, KeystoneOptions};

/// The header Keystone tokens travel in.
pub const TOKEN_HEADER: &str = "X-Auth-Token";

/// How long a failed authentication is answered from memory, so that 64
/// concurrent fetches with a wrong password send one request, not 64.
const FAILURE_MEMORY: Duration = Duration::from_secs(2);

/// A token Keystone issued, and when it expires.
struct Issued {
    token: Secret,
    issued_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
}

#[derive(Default)]
struct State {
    issued: Option<Issued>,
    failed: Option<(Instant, KeystoneError)>,
}

/// Keystone v3 credentials. Cheap to share (`Arc`); `Debug` shows no secret.
pub struct Keystone {
    client: HttpClient,
    options: KeystoneOptions,
    method: AuthMethod,
    tokens_url: Option<Url>,
    state: tokio::sync::Mutex<State>,
    authentications: AtomicU64,
}

impl std::fmt::Debug for Keystone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keystone")
            .field("options", &self.options)
            .field("method", &self.method)
            .finish()
    }
}

#[derive(Deserialize)]
struct TokenBody {
    token: TokenInfo,
}

#[derive(Deserialize)]
struct TokenInfo {
    expires_at: Option<String>,
}

impl Keystone {
    /// Keystone credentials from `options` completed by the `OS_*` variables
    /// of `env` and `clouds.yaml`; `Ok(None)` when nothing is configured
    /// (no password with an auth URL, no token). Requests go through `client`
    /// (its TLS settings trust Keystone's certificate).
    pub fn from_options(
        client: HttpClient,
        options: KeystoneOptions,
        env: &Env,
    ) -> std::result::Result<Option<Keystone>, KeystoneError> {
        let options = options
            .completed(env)
            .map_err(|reason| KeystoneError::Config { reason })?;
        let Some(method) = options.method() else {
            return Ok(None);
        };
        let tokens_url = match (&method, &options.auth_url) {
            (AuthMethod::Password, Some(auth_url)) => Some(tokens_url(auth_url)?),
            _ => None,
        };
        Ok(Some(Keystone {
            client,
            options,
            method,
            tokens_url,
            state: tokio::sync::Mutex::new(State::default()),
            authentications: AtomicU64::new(0),
        }))
    }

    /// How it authenticates.
    pub fn method(&self) -> &AuthMethod {
        &self.method
    }

    /// Authentication requests sent to Keystone so far.
    pub fn authentications(&self) -> u64 {
        self.authentications.load(Ordering::Relaxed)
    }

    fn fresh(&self, issued: &Issued) -> bool {
        let Some(expires_at) = issued.expires_at else {
            return true;
        };
        let lifetime = expires_at - issued.issued_at;
        let margin = chrono::Duration::from_std(self.options.refresh_before)
            .unwrap_or_default()
            .min(lifetime / 2);
        Utc::now() + margin < expires_at
    }

    /// A token, from memory while it is fresh, else from Keystone.
    async fn token(&self) -> std::result::Result<Secret, KeystoneError> {
        if self.method == AuthMethod::Token {
            return self.options.token.clone().ok_or(KeystoneError::Config {
                reason: "the token method needs OS_TOKEN or keystone.token".into(),
            });
        }
        // One authentication at a time: concurrent callers wait for it and share its token.
        let mut state = self.state.lock().await;
        if let Some(issued) = &state.issued
            && self.fresh(issued)
        {
            return Ok(issued.token.clone());
        }
        if let Some((at, error)) = &state.failed
            && at.elapsed() < FAILURE_MEMORY
        {
            return Err(error.clone());
        }
        match self.authenticate().await {
            Ok(issued) => {
                let token = issued.token.clone();
                state.issued = Some(issued);
                state.failed = None;
                Ok(token)
            }
            Err(error) => {
                // A refusal will be refused again: answer it from memory for a
                // moment. A transient failure is worth trying again at once.
                if !error.is_retryable() {
                    state.failed = Some((Instant::now(), error.clone()));
                }
                Err(error)
            }
        }
    }

    /// `POST {auth_url}/auth/tokens` with the password method.
    async fn authenticate(&self) -> std::result::Result<Issued, KeystoneError> {
        let url = self.tokens_url.clone().ok_or(KeystoneError::Config {
            reason: "password authentication needs OS_AUTH_URL (or keystone.auth_url)".into(),
        })?;
        let password = self.options.password.clone().unwrap_or_default();
        let body = serde_json::to_vec(&self.password_request(&password)).map_err(|e| {
            KeystoneError::Config {
                reason: format!("cannot encode the request: {e}"),
            }
        })?;
        let shown = drydock_core::redact_url(&url);
        let request = HttpRequest::new(&url, &shown)
            .map_err(|e| KeystoneError::Config {
                reason: e.to_string(),
            })?
            .with_header("Accept", "application/json")
            .with_body("application/json", body.into(), vec![password]);
        self.authentications.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(url = %shown, user = ?self.options.username.as_ref().or(self.options.user_id.as_ref()), "authenticating to Keystone");
        let options = FetchOptions::default().with_max_size(16 << 20);
        let response = self
            .client
            .exchange(&request, &options)
            .await
            .map_err(|e| KeystoneError::Transport {
                url: shown.clone(),
                retryable: e.is_retryable(),
                kind: e.kind(),
                reason: e.to_string(),
            })?;
        let secrets = response.secret_texts();
        error::check_status(&shown, response.status, &response.body, &secrets)?;
        let token = response
            .header("x-subject-token")
            .filter(|t| !t.is_empty())
            .map(|t| Secret::new(t.to_owned()))
            .ok_or_else(|| KeystoneError::BadAnswer {
                url: shown.clone(),
                reason: "its answer has no X-Subject-Token header".into(),
            })?;
        let info: TokenBody =
            serde_json::from_slice(&response.body).map_err(|e| KeystoneError::BadAnswer {
                url: shown.clone(),
                reason: format!("its answer is not a token document: {e}"),
            })?;
        let expires_at = info
            .token
            .expires_at
            .as_deref()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc));
        Ok(Issued {
            token,
            issued_at: Utc::now(),
            expires_at,
        })
    }

    fn password_request(&self, password: &Secret) -> serde_json::Value {
        use serde_json::json;
        let o = &self.options;
        let domain = |name: &Option<String>, id: &Option<String>| match (name, id) {
            (_, Some(id)) => json!({ "id": id }),
            (Some(name), None) => json!({ "name": name }),
            (None, None) => json!({ "id": "default" }),
        };
        let user = match &o.user_id {
            Some(id) => json!({ "id": id, "password": password.expose() }),
            None => json!({
                "name": o.username.clone().unwrap_or_default(),
                "domain": domain(&o.user_domain_name, &o.user_domain_id),
                "password": password.expose(),
            }),
        };
        let mut auth =
            json!({ "identity": { "methods": ["password"], "password": { "user": user } } });
        let project = match (&o.project_id, &o.project_name) {
            (Some(id), _) => Some(json!({ "id": id })),
            (None, Some(name)) => Some(json!({
                "name": name,
                "domain": domain(&o.project_domain_name, &o.project_domain_id),
            })),
            (None, None) => None,
        };
        if let Some(project) = project {
            auth["scope"] = json!({ "project": project });
        }
        json!({ "auth": auth })
    }
}

/// `{auth_url}/auth/tokens` when the URL ends in `v3`, else `{auth_url}/v3/auth/tokens`.
fn tokens_url(auth_url: &str) -> std::result::Result<Url, KeystoneError> {
    let trimmed = auth_url.trim_end_matches('/');
    let full = if trimmed.ends_with("/v3") {
        format!("{trimmed}/auth/tokens")
    } else {
        format!("{trimmed}/v3/auth/tokens")
    };
    Url::parse(&full).map_err(|e| KeystoneError::Config {
        reason: format!(
            "OS_AUTH_URL {} is not a URL: {e}",
            drydock_core::redact_str(auth_url)
        ),
    })
}

#[async_trait]
impl CredentialSource for Keystone {
    fn name(&self) -> &'static str {
        "keystone"
    }

    async fn header(&self, _target: &Url) -> Result<Option<AuthHeader>> {
        let token = self.token().await.map_err(KeystoneError::into_core)?;
        Ok(Some(AuthHeader::token(TOKEN_HEADER, &token)))
    }

    /// The user and project at the auth URL (and a digest of the password),
    /// or a digest of a pre-issued token.
    fn identity(&self) -> Option<String> {
        let o = &self.options;
        let digest = |s: &Secret| drydock_core::Digest::of(s.expose().as_bytes()).to_string();
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Some(match self.method {
            AuthMethod::Token => format!("keystone token {}", o.token.as_ref().map(digest)?),
            AuthMethod::Password => format!(
                "keystone {} user {} {} in {} {} project {} {} in {} {} password {}",
                text(&o.auth_url),
                text(&o.user_id),
                text(&o.username),
                text(&o.user_domain_id),
                text(&o.user_domain_name),
                text(&o.project_id),
                text(&o.project_name),
                text(&o.project_domain_id),
                text(&o.project_domain_name),
                o.password.as_ref().map(digest).unwrap_or_default(),
            ),
        })
    }

    async fn rejected(&self, header: &AuthHeader) -> bool {
        if self.method != AuthMethod::Password {
            return false;
        }
        let mut state = self.state.lock().await;
        if state
            .issued
            .as_ref()
            .is_some_and(|i| i.token == header.value)
        {
            tracing::debug!("the service refused the Keystone token: authenticating again");
            state.issued = None;
        }
        true
    }
}
