//! Typed options: [`HttpOptions`] (the `[drivers.http]` section) and [`TlsOptions`].

use std::fmt;
use std::path::PathBuf;

use drydock_core::Secret;
use serde::{Deserialize, Serialize};

/// Name of the environment variable read for a bearer token by default.
pub const DEFAULT_BEARER_TOKEN_ENV: &str = "DRYDOCK_HTTP_BEARER_TOKEN";

/// Options of an [`crate::HttpClient`] (and so of an [`crate::HttpDriver`]),
/// read from the `[drivers.http]` section of the configuration.
///
/// Per-fetch bounds (deadline, connect and read timeouts, size, cancellation)
/// come from [`drydock_core::FetchOptions`]; retries are the resolver's
/// [`drydock_core::layer::RetryLayer`]. `Debug` and `Serialize` never show
/// the token.
///
/// ```
/// use drydock_driver_http::HttpOptions;
/// let o: HttpOptions = serde_json::from_value(serde_json::json!({
///     "max_redirects": 3, "tls": {"ca_bundle": "/etc/ssl/site-ca.pem"}
/// })).unwrap();
/// assert_eq!(o.max_redirects, 3);
/// assert!(serde_json::from_value::<HttpOptions>(serde_json::json!({"max_redirect": 3})).is_err());
/// ```
#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct HttpOptions {
    /// TLS trust and client identity.
    pub tls: TlsOptions,
    /// Redirects followed before giving up (default 10).
    pub max_redirects: usize,
    /// A bearer token sent to every origin this driver fetches from, when
    /// neither the fetch nor the reference carries credentials.
    pub token: Option<Secret>,
    /// Environment variable holding a bearer token used when neither the
    /// fetch, the reference nor `token` carries credentials (`None`: read none).
    pub bearer_token_env: Option<String>,
    /// Honour `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (default true).
    pub use_env_proxy: bool,
    /// `User-Agent` sent with every request.
    pub user_agent: String,
    /// Idle connections kept per host (default 64).
    pub max_idle_per_host: usize,
    /// Keystone v3 credentials (`X-Auth-Token`) for fetches that carry no
    /// other credentials; set only when this table is given (fields left out
    /// come from the `OS_*` variables).
    pub keystone: Option<crate::keystone::KeystoneOptions>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            tls: TlsOptions::default(),
            max_redirects: 10,
            token: None,
            bearer_token_env: Some(DEFAULT_BEARER_TOKEN_ENV.to_owned()),
            use_env_proxy: true,
            user_agent: concat!("drydock/", env!("CARGO_PKG_VERSION")).to_owned(),
            max_idle_per_host: 64,
            keystone: None,
        }
    }
}

impl fmt::Debug for HttpOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpOptions")
            .field("tls", &self.tls)
            .field("max_redirects", &self.max_redirects)
            .field("token", &self.token)
            .field("bearer_token_env", &self.bearer_token_env)
            .field("use_env_proxy", &self.use_env_proxy)
            .field("user_agent", &self.user_agent)
            .field("max_idle_per_host", &self.max_idle_per_host)
            .field("keystone", &self.keystone)
            .finish()
    }
}

impl HttpOptions {
    /// Sets the TLS options.
    pub fn with_tls(mut self, tls: TlsOptions) -> Self {
        self.tls = tls;
        self
    }
    /// Sets the redirect limit.
    pub fn with_max_redirects(mut self, max: usize) -> Self {
        self.max_redirects = max;
        self
    }
    /// Sets a bearer token for every request without other credentials.
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Secret::new(token));
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

/// PEM material, in a file or in memory. Configuration gives a path;
/// `Debug` and `Serialize` never show in-memory content.
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

impl Serialize for Pem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Pem::Path(p) => p.serialize(s),
            Pem::Bytes(b) => s.collect_str(&format_args!("<{} bytes of PEM in memory>", b.len())),
        }
    }
}

impl<'de> Deserialize<'de> for Pem {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        PathBuf::deserialize(d).map(Pem::Path)
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

/// TLS settings (the `tls` table of a driver's section). TLS 1.2 is the
/// minimum version, always.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct TlsOptions {
    /// Trust these CA certificates (PEM bundle) instead of the system roots.
    pub ca_bundle: Option<Pem>,
    /// With a `ca_bundle`, also trust the system roots (default false: only the bundle).
    pub system_roots_too: bool,
    /// A client certificate chain (PEM) for mutual TLS; needs `client_key`.
    pub client_cert: Option<Pem>,
    /// The private key (PEM) of `client_cert`.
    pub client_key: Option<Pem>,
    /// **Dangerous**: accept any server certificate, for any host. Never the
    /// default; every client built with it logs a warning.
    pub danger_accept_invalid_certs: bool,
}

impl TlsOptions {
    /// Whether these are the defaults: the system's roots and nothing given.
    pub(crate) fn is_system_roots_only(&self) -> bool {
        self.ca_bundle.is_none()
            && self.client_cert.is_none()
            && self.client_key.is_none()
            && !self.system_roots_too
            && !self.danger_accept_invalid_certs
    }

    /// Trusts only the CAs of this PEM bundle.
    pub fn with_ca_bundle(mut self, pem: Pem) -> Self {
        self.ca_bundle = Some(pem);
        self
    }
    /// With a CA bundle, also trusts the system roots.
    pub fn with_system_roots_too(mut self, on: bool) -> Self {
        self.system_roots_too = on;
        self
    }
    /// Presents this identity to servers that ask for one.
    pub fn with_client_identity(mut self, cert_chain: Pem, key: Pem) -> Self {
        self.client_cert = Some(cert_chain);
        self.client_key = Some(key);
        self
    }
    /// **Dangerous**: turns certificate verification off.
    pub fn danger_accept_invalid_certs(mut self) -> Self {
        self.danger_accept_invalid_certs = true;
        self
    }
    /// The client identity, if both halves are set.
    pub fn client_identity(&self) -> Option<ClientIdentity> {
        match (&self.client_cert, &self.client_key) {
            (Some(cert_chain), Some(key)) => Some(ClientIdentity {
                cert_chain: cert_chain.clone(),
                key: key.clone(),
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_json_hide_the_token_and_the_key() {
        let tls = TlsOptions::default().with_client_identity(
            Pem::Bytes(b"CERT".to_vec()),
            Pem::Bytes(b"-----BEGIN PRIVATE KEY----- secret".to_vec()),
        );
        let o = HttpOptions::default().with_tls(tls).with_token("tok-123");
        for shown in [format!("{o:?}"), serde_json::to_string(&o).unwrap()] {
            assert!(
                !shown.contains("secret") && !shown.contains("tok-123"),
                "{shown}"
            );
        }
        let id = o.tls.client_identity().unwrap();
        assert!(!format!("{id:?}").contains("secret"));
    }

    #[test]
    fn half_an_identity_is_none() {
        let tls = TlsOptions {
            client_cert: Some(Pem::Path("/c.pem".into())),
            ..TlsOptions::default()
        };
        assert!(tls.client_identity().is_none());
    }
}
