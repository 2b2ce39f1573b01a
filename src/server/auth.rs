//! Who calls: `X-Auth-Token` validated against Keystone v3 (`GET
//! /v3/auth/tokens` with `X-Subject-Token`, authenticated with the
//! service's own credentials: the Deckhand driver's Keystone settings,
//! `[drivers.deckhand.keystone]`, `OS_*`, `clouds.yaml`), each answer kept
//! until the token expires or `ttl` passes, whichever comes first (a revoked
//! token stops working within `ttl`); or nobody checked (`--auth none`).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use drydock_core::{Digest, Error, FetchOptions, Result};
use drydock_driver_deckhand::DeckhandOptions;
use drydock_driver_http::keystone::{Keystone, KeystoneOptions};
use drydock_driver_http::{HttpClient, HttpOptions, HttpRequest};
use serde::Deserialize;
use tokio::sync::Mutex;
use url::Url;

use super::policy::Credentials;

/// Tokens remembered at most; when full, expired ones go, then all.
const MAX_CACHED: usize = 10_000;

/// A caller Keystone vouched for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    /// The user's name (`created_by` of the tasks it creates).
    pub user: String,
    /// What policy checks.
    pub credentials: Credentials,
}

impl Identity {
    /// The caller of `--auth none`: `noauth`, with the admin role.
    pub fn noauth() -> Self {
        Identity {
            user: "noauth".into(),
            credentials: Credentials {
                roles: vec!["admin".into()],
                is_admin: true,
            },
        }
    }
}

/// Why a caller is not authenticated.
#[derive(Debug)]
pub enum AuthFailure {
    /// No token, or one Keystone does not know (401).
    Unauthenticated,
    /// Keystone could not be asked (503, retry).
    Unavailable(String),
}

/// Validates tokens against Keystone.
pub struct KeystoneAuth {
    client: HttpClient,
    service: Arc<Keystone>,
    tokens_url: Url,
    ttl: Duration,
    cache: Mutex<HashMap<Digest, (Identity, Instant)>>,
}

impl std::fmt::Debug for KeystoneAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeystoneAuth")
            .field("tokens_url", &self.tokens_url.as_str())
            .field("ttl", &self.ttl)
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
    user: Named,
    #[serde(default)]
    roles: Vec<Named>,
    #[serde(default)]
    is_admin_project: bool,
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

impl KeystoneAuth {
    /// From the configuration's `[drivers.deckhand]` section (its `keystone`
    /// and `tls`) completed by `OS_*` and `clouds.yaml`; an error when no
    /// Keystone with a password is configured.
    pub fn from_config(config: &crate::config::Config, ttl: Duration) -> Result<Self> {
        let problem = |reason: String| Error::Config {
            section: "drivers.deckhand.keystone".into(),
            origin: config.origin(),
            reason,
        };
        let section = config
            .driver_section("deckhand")
            .cloned()
            .unwrap_or_default();
        let options: DeckhandOptions = if section.is_null() {
            DeckhandOptions::default()
        } else {
            serde_json::from_value(section).map_err(|e| problem(e.to_string()))?
        };
        let keystone: KeystoneOptions = options
            .keystone
            .clone()
            .completed(config.env())
            .map_err(problem)?;
        let auth_url = keystone.auth_url.clone().ok_or_else(|| {
            problem("validating tokens needs Keystone: set OS_AUTH_URL (or keystone.auth_url) and the service's credentials".into())
        })?;
        let http = HttpOptions::default()
            .with_tls(options.tls.clone())
            .with_env_proxy(options.use_env_proxy);
        let client = HttpClient::new(http).map_err(|e| problem(e.to_string()))?;
        let service = Keystone::from_options(client.clone(), keystone, config.env())
            .map_err(|e| problem(e.to_string()))?
            .ok_or_else(|| problem("the service's own Keystone credentials are missing (OS_USERNAME, OS_PASSWORD, …)".into()))?;
        let trimmed = auth_url.trim_end_matches('/');
        let tokens = if trimmed.ends_with("/v3") {
            format!("{trimmed}/auth/tokens")
        } else {
            format!("{trimmed}/v3/auth/tokens")
        };
        let tokens_url = Url::parse(&tokens).map_err(|e| problem(format!("OS_AUTH_URL: {e}")))?;
        Ok(KeystoneAuth {
            client,
            service: Arc::new(service),
            tokens_url,
            ttl,
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// Where tokens are validated (`…/v3/auth/tokens`).
    pub fn tokens_url(&self) -> &str {
        self.tokens_url.as_str()
    }

    /// The identity behind `token`, from memory while it holds, else from Keystone.
    pub async fn identify(&self, token: &str) -> std::result::Result<Identity, AuthFailure> {
        if token.is_empty() || token.len() > 8192 {
            return Err(AuthFailure::Unauthenticated);
        }
        let key = Digest::of(token.as_bytes());
        if let Some((identity, until)) = self.cache.lock().await.get(&key)
            && Instant::now() < *until
        {
            return Ok(identity.clone());
        }
        let (identity, expires) = self.ask(token).await?;
        let mut keep = self.ttl;
        if let Some(expires) = expires {
            let left = (expires - Utc::now()).to_std().unwrap_or_default();
            keep = keep.min(left);
        }
        let mut cache = self.cache.lock().await;
        if cache.len() >= MAX_CACHED {
            let now = Instant::now();
            cache.retain(|_, (_, until)| *until > now);
            if cache.len() >= MAX_CACHED {
                cache.clear();
            }
        }
        cache.insert(key, (identity.clone(), Instant::now() + keep));
        Ok(identity)
    }

    async fn ask(
        &self,
        token: &str,
    ) -> std::result::Result<(Identity, Option<DateTime<Utc>>), AuthFailure> {
        let shown = self.tokens_url.to_string();
        let unavailable = |why: String| AuthFailure::Unavailable(why);
        let request = HttpRequest::new(&self.tokens_url, &shown)
            .map_err(|e| unavailable(e.to_string()))?
            .with_credentials(Some(self.service.clone()))
            .with_header("Accept", "application/json")
            .with_header("X-Subject-Token", token);
        let options = FetchOptions::default()
            .with_deadline(Duration::from_secs(20))
            .with_max_size(4 << 20);
        let answer = self
            .client
            .exchange(&request, &options)
            .await
            .map_err(|e| {
                unavailable(drydock_core::text::scrub_secrets(&e.to_string(), &[token]))
            })?;
        match answer.status {
            200 => {}
            404 => return Err(AuthFailure::Unauthenticated),
            other => {
                return Err(unavailable(format!(
                    "Keystone answered {other} to a token validation"
                )));
            }
        }
        let body: TokenBody = serde_json::from_slice(&answer.body)
            .map_err(|e| unavailable(format!("Keystone's answer is not a token: {e}")))?;
        let info = body.token;
        let expires = info
            .expires_at
            .as_deref()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc));
        if expires.is_some_and(|e| e <= Utc::now()) {
            return Err(AuthFailure::Unauthenticated);
        }
        let identity = Identity {
            user: info.user.name,
            credentials: Credentials {
                roles: info.roles.into_iter().map(|r| r.name).collect(),
                is_admin: info.is_admin_project,
            },
        };
        Ok((identity, expires))
    }
}
