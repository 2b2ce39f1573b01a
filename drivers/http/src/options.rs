//! Typed options: [`HttpOptions`], [`TlsOptions`], [`RetryPolicy`].

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// Name of the environment variable read for a bearer token by default.
pub const DEFAULT_BEARER_TOKEN_ENV: &str = "DRYDOCK_HTTP_BEARER_TOKEN";

/// Options of an [`crate::HttpClient`] (and so of an [`crate::HttpDriver`]).
///
/// Per-fetch bounds (deadline, connect and read timeouts, size, cancellation)
/// come from [`drydock_core::FetchOptions`]; these are the per-client settings.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct HttpOptions {
    /// TLS trust and client identity.
    pub tls: TlsOptions,
    /// When and how often to retry.
    pub retry: RetryPolicy,
    /// Redirects followed before giving up (default 10).
    pub max_redirects: usize,
    /// Environment variable holding a bearer token used when neither the
    /// fetch options nor the reference carry credentials (`None`: read none).
    pub bearer_token_env: Option<String>,
    /// Honour `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (default true).
    pub use_env_proxy: bool,
    /// `User-Agent` sent with every request.
    pub user_agent: String,
    /// Idle connections kept per host (default 64).
    pub max_idle_per_host: usize,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            tls: TlsOptions::default(),
            retry: RetryPolicy::default(),
            max_redirects: 10,
            bearer_token_env: Some(DEFAULT_BEARER_TOKEN_ENV.to_owned()),
            use_env_proxy: true,
            user_agent: concat!("drydock/", env!("CARGO_PKG_VERSION")).to_owned(),
            max_idle_per_host: 64,
        }
    }
}

impl HttpOptions {
    /// Sets the TLS options.
    pub fn with_tls(mut self, tls: TlsOptions) -> Self {
        self.tls = tls;
        self
    }
    /// Sets the retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }
    /// Sets the redirect limit.
    pub fn with_max_redirects(mut self, max: usize) -> Self {
        self.max_redirects = max;
        self
    }
    /// Sets (or clears) the bearer-token environment variable name.
    pub fn with_bearer_token_env(mut self, name: Option<&str>) -> Self {
        self.bearer_token_env = name.map(str::to_owned);
        self
    }
    /// Turns the proxy environment variables on or off.
    pub fn with_env_proxy(mut self, on: bool) -> Self {
        self.use_env_proxy = on;
        self
    }
    /// Sets the `User-Agent`.
    pub fn with_user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }
}

/// PEM material, inline or in a file.
#[derive(Clone, PartialEq, Eq)]
pub enum Pem {
    /// A file holding PEM blocks.
    Path(PathBuf),
    /// PEM text in memory.
    Bytes(Vec<u8>),
}

impl fmt::Debug for Pem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pem::Path(p) => f.debug_tuple("Path").field(p).finish(),
            Pem::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
        }
    }
}

/// A client certificate chain and its private key, for mutual TLS.
/// `Debug` never shows the key.
#[derive(Clone)]
pub struct ClientIdentity {
    /// The certificate chain (PEM), leaf first.
    pub cert_chain: Pem,
    /// The private key (PEM: PKCS#8, PKCS#1 or SEC1).
    pub key: Pem,
}

impl fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientIdentity")
            .field("cert_chain", &self.cert_chain)
            .field("key", &"***")
            .finish()
    }
}

/// TLS settings. TLS 1.2 is the minimum version, always.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct TlsOptions {
    /// Trust these CA certificates (PEM bundle) instead of the system roots.
    pub ca_bundle: Option<Pem>,
    /// With a `ca_bundle`, also trust the system roots (default false: only the bundle).
    pub also_system_roots: bool,
    /// A client certificate and key for mutual TLS.
    pub client_identity: Option<ClientIdentity>,
    /// **Dangerous**: accept any server certificate, for any host. Never the
    /// default; every client built with it logs a warning.
    pub danger_accept_invalid_certs: bool,
}

impl TlsOptions {
    /// Trusts only the CAs of this PEM bundle.
    pub fn with_ca_bundle(mut self, pem: Pem) -> Self {
        self.ca_bundle = Some(pem);
        self
    }
    /// With a CA bundle, also trusts the system roots.
    pub fn with_system_roots_too(mut self, on: bool) -> Self {
        self.also_system_roots = on;
        self
    }
    /// Presents this identity to servers that ask for one.
    pub fn with_client_identity(mut self, cert_chain: Pem, key: Pem) -> Self {
        self.client_identity = Some(ClientIdentity { cert_chain, key });
        self
    }
    /// **Dangerous**: turns certificate verification off.
    pub fn danger_accept_invalid_certs(mut self) -> Self {
        self.danger_accept_invalid_certs = true;
        self
    }
}

/// When to retry: exponential backoff with full jitter, a cap on attempts;
/// the fetch's deadline always wins.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1: never retry). Default 5.
    pub max_attempts: u32,
    /// Backoff before the second attempt. Default 100 ms.
    pub initial_backoff: Duration,
    /// Largest backoff. Default 5 s.
    pub max_backoff: Duration,
    /// Growth factor per attempt. Default 2.
    pub multiplier: f64,
    /// Largest `Retry-After` honoured; longer ones give up at once. Default 60 s.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            multiplier: 2.0,
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn never() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }
    /// Sets the attempt cap.
    pub fn with_max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }
    /// Sets the initial and largest backoff.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The backoff after failed attempt number `attempt` (1-based): a random
    /// duration between half and all of `initial * multiplier^(attempt-1)`,
    /// capped at `max_backoff`.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .multiplier
            .max(1.0)
            .powi(attempt.saturating_sub(1).min(30) as i32);
        let full = self.initial_backoff.mul_f64(exp).min(self.max_backoff);
        let half = full / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_jittered_and_capped() {
        let p =
            RetryPolicy::default().with_backoff(Duration::from_millis(100), Duration::from_secs(1));
        for attempt in 1..20 {
            let full = Duration::from_millis(100)
                .mul_f64(2f64.powi(attempt as i32 - 1))
                .min(Duration::from_secs(1));
            let b = p.backoff(attempt);
            assert!(
                b >= full / 2 && b <= full,
                "attempt {attempt}: {b:?} vs {full:?}"
            );
        }
        let samples: std::collections::HashSet<_> = (0..20).map(|_| p.backoff(3)).collect();
        assert!(samples.len() > 1, "no jitter");
    }

    #[test]
    fn identity_debug_hides_the_key() {
        let tls = TlsOptions::default().with_client_identity(
            Pem::Bytes(b"CERT".to_vec()),
            Pem::Bytes(b"-----BEGIN PRIVATE KEY----- secret".to_vec()),
        );
        let shown = format!("{tls:?}");
        assert!(!shown.contains("secret"), "{shown}");
    }
}
