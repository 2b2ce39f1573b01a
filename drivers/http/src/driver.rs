//! [`HttpDriver`]: the `http://` and `https://` driver on top of [`HttpClient`].

use std::sync::Arc;

use drydock_core::{
    Access, Capabilities, CredentialSource, DesignRef, Digest, Driver, DriverConfig, Error,
    FetchOptions, Fetched, Result, StaticToken, async_trait,
};

use crate::NAME;
use crate::client::HttpClient;
use crate::error::HttpError;
use crate::keystone::Keystone;
use crate::options::HttpOptions;
use crate::request::HttpRequest;

/// Fetches `http://` and `https://` references.
///
/// Credentials, first match wins: the fetch's own
/// ([`FetchOptions::credentials`]); the reference's userinfo (basic auth,
/// percent-decoded, sent only to the reference's origin); the configured
/// `token`; the bearer token in the environment variable named by
/// [`HttpOptions::bearer_token_env`]; Keystone, when `keystone` is configured.
#[derive(Clone, Debug)]
pub struct HttpDriver {
    client: HttpClient,
    /// The configured fallback credentials (`token`, else the env variable).
    fallback: Option<Arc<dyn CredentialSource>>,
}

impl HttpDriver {
    /// A driver with these options; fails on invalid TLS material. The
    /// bearer-token variable is read from the process environment.
    pub fn new(options: HttpOptions) -> std::result::Result<Self, HttpError> {
        Self::with_env(options, &drydock_core::Env::process())
    }

    /// A driver with these options, reading the bearer-token variable from `env`.
    pub fn with_env(
        options: HttpOptions,
        env: &drydock_core::Env,
    ) -> std::result::Result<Self, HttpError> {
        let token = options
            .token
            .as_ref()
            .map(|t| t.expose().to_owned())
            .or_else(|| {
                options
                    .bearer_token_env
                    .as_deref()
                    .and_then(|name| env.get(name))
            });
        let keystone = options.keystone.clone();
        let client = HttpClient::new(options)?;
        let mut fallback =
            token.map(|t| Arc::new(StaticToken::bearer(t)) as Arc<dyn CredentialSource>);
        if fallback.is_none()
            && let Some(keystone) = keystone
        {
            fallback = Keystone::from_options(client.clone(), keystone, env)
                .map_err(|e| HttpError::Config(e.to_string()))?
                .map(|k| Arc::new(k) as Arc<dyn CredentialSource>);
        }
        Ok(HttpDriver { client, fallback })
    }

    /// Builds the driver from its configuration section (the registry's
    /// `configure`): a TLS file that cannot be used is an error naming the section.
    pub fn configure(options: HttpOptions, config: &DriverConfig) -> Result<Arc<dyn Driver>> {
        let driver = Self::with_env(options, config.environment())
            .map_err(|e| config.error(e.to_string()))?;
        Ok(Arc::new(driver))
    }

    /// A driver sharing an existing client (and its connection pool).
    pub fn from_client(client: HttpClient) -> Self {
        HttpDriver {
            client,
            fallback: None,
        }
    }

    /// The client, for drivers built on the same machinery.
    pub fn client(&self) -> &HttpClient {
        &self.client
    }
}

#[async_trait]
impl Driver for HttpDriver {
    fn capabilities(&self) -> Capabilities {
        Capabilities::NONE.with_conditional_fetch().with_network()
    }

    /// The reference is a URL this driver can request.
    fn admit(&self, reference: &DesignRef) -> Result<()> {
        HttpRequest::for_reference(reference)
            .map(|_| ())
            .map_err(|e| e.into_core(reference))
    }

    /// The fetch's credentials (the caller's, the reference's userinfo, or
    /// the configured ones) and any credential in the reference's query.
    fn access(&self, reference: &DesignRef, options: &FetchOptions) -> Access {
        let Ok(request) = HttpRequest::for_reference(reference) else {
            return Access::Unknown;
        };
        let source = options
            .credentials
            .clone()
            .or(request.credentials.clone())
            .or(self.fallback.clone());
        let in_query = if request.query_secrets.is_empty() {
            Access::Anonymous
        } else {
            let all: Vec<&str> = request.query_secrets.iter().map(|s| s.expose()).collect();
            Access::As(format!("query {}", Digest::of(all.join("\n").as_bytes())))
        };
        Access::of(source.as_deref()).and(in_query)
    }

    async fn fetch(&self, reference: &DesignRef, options: &FetchOptions) -> Result<Fetched> {
        let mut request =
            HttpRequest::for_reference(reference).map_err(|e| e.into_core(reference))?;
        if let Some(credentials) = &options.credentials {
            request.credentials = Some(credentials.clone());
        } else if request.credentials.is_none() {
            request.credentials = self.fallback.clone();
        }
        let response = self
            .client
            .fetch_url(&request, options)
            .await
            .map_err(|e: HttpError| -> Error { e.into_core(reference) })?;
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
