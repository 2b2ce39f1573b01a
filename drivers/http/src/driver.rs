//! [`HttpDriver`]: the `http://` and `https://` driver on top of [`HttpClient`].

use std::sync::Arc;

use drydock_core::{
    Capabilities, DesignRef, Driver, Error, ErrorKind, FetchOptions, Fetched, Result, Secret,
    async_trait,
};

use crate::client::HttpClient;
use crate::error::HttpError;
use crate::options::HttpOptions;
use crate::request::{Auth, HttpRequest};
use crate::{NAME, SCHEMES};

/// Fetches `http://` and `https://` references.
///
/// Credentials, in order of precedence: the bearer token of
/// [`FetchOptions::credentials`]; the reference's userinfo (basic auth,
/// percent-decoded); the bearer token in the environment variable named by
/// [`HttpOptions::bearer_token_env`].
#[derive(Clone, Debug)]
pub struct HttpDriver {
    client: std::result::Result<HttpClient, Arc<str>>,
}

impl Default for HttpDriver {
    fn default() -> Self {
        HttpDriver::with_options(HttpOptions::default())
    }
}

impl HttpDriver {
    /// A driver with these options; fails on invalid TLS material.
    pub fn new(options: HttpOptions) -> std::result::Result<Self, HttpError> {
        Ok(HttpDriver {
            client: Ok(HttpClient::new(options)?),
        })
    }

    /// A driver with these options; a configuration error is reported by every fetch.
    pub fn with_options(options: HttpOptions) -> Self {
        HttpDriver {
            client: HttpClient::new(options).map_err(|e| Arc::from(e.to_string())),
        }
    }

    /// A driver sharing an existing client (and its connection pool).
    pub fn from_client(client: HttpClient) -> Self {
        HttpDriver { client: Ok(client) }
    }

    /// The client, for drivers built on the same machinery.
    pub fn client(&self) -> Option<&HttpClient> {
        self.client.as_ref().ok()
    }

    fn auth(client: &HttpClient, request: &HttpRequest, options: &FetchOptions) -> Auth {
        if let Some(token) = &options.credentials.bearer_token {
            return Auth::Bearer(token.clone());
        }
        if !matches!(request.auth, Auth::None) {
            return request.auth.clone();
        }
        client
            .options()
            .bearer_token_env
            .as_deref()
            .and_then(|name| std::env::var(name).ok())
            .filter(|token| !token.is_empty())
            .map(|token| Auth::Bearer(Secret::new(token)))
            .unwrap_or(Auth::None)
    }
}

#[async_trait]
impl Driver for HttpDriver {
    fn name(&self) -> &'static str {
        NAME
    }

    fn schemes(&self) -> &'static [&'static str] {
        SCHEMES
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::NONE.with_conditional_fetch().with_network()
    }

    async fn fetch(&self, reference: &DesignRef, options: &FetchOptions) -> Result<Fetched> {
        let redacted = reference.redacted();
        let client = self.client.as_ref().map_err(|e| {
            Error::fetch(
                ErrorKind::Other,
                NAME,
                redacted,
                HttpError::Config(e.to_string()),
            )
        })?;
        let request =
            HttpRequest::for_reference(reference).map_err(|e| e.into_core(NAME, redacted))?;
        let auth = Self::auth(client, &request, options);
        let request = request.with_auth(auth);
        let response = client
            .fetch_url(&request, options)
            .await
            .map_err(|e| e.into_core(NAME, redacted))?;
        let mut fetched = if response.not_modified {
            Fetched::not_modified(NAME, reference, response.etag.clone())
        } else {
            let mut f = Fetched::from_hashed(NAME, reference, response.bytes);
            if let Some(etag) = response.etag {
                f = f.with_etag(etag);
            }
            f
        };
        if let Some(v) = response.last_modified {
            fetched = fetched.with_last_modified(v);
        }
        if let Some(v) = response.content_type {
            fetched = fetched.with_content_type(v);
        }
        Ok(fetched.with_location(response.final_url))
    }
}
