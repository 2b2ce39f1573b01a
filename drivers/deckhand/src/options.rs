//! [`DeckhandOptions`]: the `[drivers.deckhand]` section of the configuration.

use std::fmt;

use drydock_core::Secret;
use drydock_driver_http::TlsOptions;
use drydock_driver_http::keystone::KeystoneOptions;
use serde::{Deserialize, Serialize};

/// How the Deckhand driver reaches Deckhand and authenticates to it.
///
/// Credentials, first match wins: the fetch's own; `token` (sent as is in
/// `X-Auth-Token`; the CLI's `--token` / `DRYDOCK_TOKEN` set it); Keystone
/// from `keystone` and the standard `OS_*` variables (`OS_TOKEN` too). With
/// none, requests carry no token (Deckhand in development mode). `Debug` and
/// `Serialize` never show a secret.
///
/// ```
/// use drydock_driver_deckhand::DeckhandOptions;
/// let o: DeckhandOptions = serde_json::from_value(serde_json::json!({
///     "keystone": {"auth_url": "http://keystone:5000/v3", "interface": "internal"},
///     "tls": {"ca_bundle": "/etc/drydock/ucp-ca.pem"}
/// })).unwrap();
/// assert_eq!(o.keystone.interface.as_deref(), Some("internal"));
/// ```
#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct DeckhandOptions {
    /// TLS for `deckhand+https` and an `https` Keystone.
    pub tls: TlsOptions,
    /// A token sent as is in `X-Auth-Token`, instead of asking Keystone.
    pub token: Option<Secret>,
    /// Keystone v3 credentials; fields left out come from `OS_*` and `clouds.yaml`.
    pub keystone: KeystoneOptions,
    /// Honour `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (default true).
    pub use_env_proxy: bool,
    /// `User-Agent` sent with every request.
    pub user_agent: String,
}

impl Default for DeckhandOptions {
    fn default() -> Self {
        let http = drydock_driver_http::HttpOptions::default();
        DeckhandOptions {
            tls: TlsOptions::default(),
            token: None,
            keystone: KeystoneOptions::default(),
            use_env_proxy: http.use_env_proxy,
            user_agent: http.user_agent,
        }
    }
}

impl fmt::Debug for DeckhandOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeckhandOptions")
            .field("tls", &self.tls)
            .field("token", &self.token)
            .field("keystone", &self.keystone)
            .field("use_env_proxy", &self.use_env_proxy)
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

impl DeckhandOptions {
    /// Sets the TLS options.
    pub fn with_tls(mut self, tls: TlsOptions) -> Self {
        self.tls = tls;
        self
    }
    /// Sets the Keystone options.
    pub fn with_keystone(mut self, keystone: KeystoneOptions) -> Self {
        self.keystone = keystone;
        self
    }
    /// Sets a token sent as is.
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Secret::new(token));
        self
    }
    /// Turns the proxy environment variables on or off.
    pub fn with_env_proxy(mut self, on: bool) -> Self {
        self.use_env_proxy = on;
        self
    }

    /// The options of the HTTP client underneath.
    pub(crate) fn http(&self) -> drydock_driver_http::HttpOptions {
        drydock_driver_http::HttpOptions::default()
            .with_tls(self.tls.clone())
            .with_env_proxy(self.use_env_proxy)
            .with_user_agent(self.user_agent.clone())
            .with_bearer_token_env(None)
    }
}
