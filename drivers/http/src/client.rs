//! [`HttpClient`]: the pooled client shared by every HTTP-based driver
//! (http, https, Deckhand) and by credential sources that speak HTTP (Keystone).

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use drydock_core::FetchOptions;

use crate::attempt::Hop;
use crate::error::HttpError;
use crate::options::HttpOptions;
use crate::request::{HttpRequest, HttpResponse, RawResponse};

/// A pooled HTTP client over rustls (ring), with status mapping, redirects,
/// size limits, credentials and conditional requests built in.
///
/// One call is one attempt (redirects included): deadline, retries and
/// cancellation are the resolver's layers, the same for every driver.
/// Cheap to clone: clones share the connection pool.
#[derive(Clone, Debug)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    options: HttpOptions,
    /// Built on first use when it is only the system's roots (reading them
    /// takes milliseconds a `file://` resolve should not wait for).
    tls: OnceLock<rustls::ClientConfig>,
    /// One pool per connect timeout asked for (callers normally use one).
    clients: Mutex<Vec<(Duration, reqwest::Client)>>,
}

impl HttpClient {
    /// Builds a client; fails on unreadable or invalid TLS material.
    pub fn new(options: HttpOptions) -> Result<Self, HttpError> {
        let eager = !options.tls.is_system_roots_only();
        let client = HttpClient {
            inner: Arc::new(Inner {
                options,
                tls: OnceLock::new(),
                clients: Mutex::new(Vec::new()),
            }),
        };
        if eager {
            // Build the default pool now so errors in the TLS files given surface here.
            client.pool(FetchOptions::default().connect_timeout)?;
        }
        Ok(client)
    }

    /// The TLS configuration, built the first time it is needed.
    fn tls(&self) -> Result<rustls::ClientConfig, HttpError> {
        if let Some(tls) = self.inner.tls.get() {
            return Ok(tls.clone());
        }
        let tls = crate::tls::client_config(&self.inner.options.tls)?;
        Ok(self.inner.tls.get_or_init(|| tls).clone())
    }

    /// The options the client was built with.
    pub fn options(&self) -> &HttpOptions {
        &self.inner.options
    }

    fn pool(&self, connect_timeout: Duration) -> Result<reqwest::Client, HttpError> {
        let mut clients = self
            .inner
            .clients
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, c)) = clients.iter().find(|(t, _)| *t == connect_timeout) {
            return Ok(c.clone());
        }
        let options = &self.inner.options;
        let mut builder = reqwest::Client::builder()
            .tls_backend_preconfigured(self.tls()?)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(connect_timeout)
            .pool_max_idle_per_host(options.max_idle_per_host)
            .pool_idle_timeout(Duration::from_secs(90))
            .tcp_nodelay(true)
            .user_agent(options.user_agent.clone());
        if !options.use_env_proxy {
            builder = builder.no_proxy();
        }
        let client = builder
            .build()
            .map_err(|e| HttpError::Config(crate::attempt::chain(&e)))?;
        clients.push((connect_timeout, client.clone()));
        Ok(client)
    }

    /// Fetches `request` once (following redirects) within the per-attempt
    /// bounds of `options` (connect and read timeouts, size): only 2xx is
    /// content (304 too for a conditional fetch). Credentials come from the
    /// request's source; when the server answers 401 and the source says a
    /// fresh header may help, the request is sent once more with it.
    pub async fn fetch_url(
        &self,
        request: &HttpRequest,
        options: &FetchOptions,
    ) -> Result<HttpResponse, HttpError> {
        match self.with_credentials(request, options, false).await? {
            Answer::Mapped(response) => Ok(response),
            Answer::Raw(raw) => Err(HttpError::UnexpectedStatus {
                reference: request.reference.clone(),
                status: raw.status,
            }),
        }
    }

    /// Sends `request` once (a GET following redirects, or a POST) and
    /// returns the response of any status with its body, for protocols that
    /// read their own error bodies (Deckhand, Keystone); credentials as for
    /// [`HttpClient::fetch_url`], a 401 refreshing them once.
    pub async fn exchange(
        &self,
        request: &HttpRequest,
        options: &FetchOptions,
    ) -> Result<RawResponse, HttpError> {
        match self.with_credentials(request, options, true).await? {
            Answer::Raw(raw) => Ok(raw),
            Answer::Mapped(_) => Err(HttpError::Config("a raw exchange was mapped".into())),
        }
    }

    /// One attempt with the request's credentials; when it ends in 401 and
    /// the source says a fresh header may help, one more.
    async fn with_credentials(
        &self,
        request: &HttpRequest,
        options: &FetchOptions,
        raw: bool,
    ) -> Result<Answer, HttpError> {
        let client = self.pool(options.connect_timeout)?;
        let credential_error = |source| HttpError::Credentials {
            reference: request.reference.clone(),
            source: Box::new(source),
        };
        let mut refreshed = false;
        loop {
            let auth = match &request.credentials {
                Some(source) => source
                    .header(&request.url)
                    .await
                    .map_err(credential_error)?,
                None => None,
            };
            let hop = Hop {
                client: &client,
                request,
                options,
                max_redirects: self.inner.options.max_redirects,
                auth: auth.as_ref(),
            };
            let outcome = if raw {
                hop.exchange().await.map(Answer::Raw)
            } else {
                hop.run().await.map(Answer::Mapped)
            };
            let unauthorized = match &outcome {
                Ok(Answer::Raw(r)) => r.status == 401,
                Ok(Answer::Mapped(_)) => false,
                Err(e) => matches!(e, HttpError::Unauthorized { status: 401, .. }),
            };
            if unauthorized
                && !refreshed
                && let (Some(source), Some(header)) = (&request.credentials, &auth)
                && source.rejected(header).await
            {
                tracing::debug!(reference = %request.reference, source = source.name(), "401: refreshing the credentials once");
                refreshed = true;
                continue;
            }
            return outcome;
        }
    }
}

/// What one attempt returned.
enum Answer {
    Mapped(HttpResponse),
    Raw(RawResponse),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::TlsOptions;

    #[test]
    fn the_system_roots_are_read_on_first_use_and_given_files_at_once() {
        let client = HttpClient::new(HttpOptions::default()).expect("a client");
        assert!(
            client.inner.tls.get().is_none(),
            "nothing read before a request"
        );
        client
            .pool(FetchOptions::default().connect_timeout)
            .expect("a pool");
        assert!(
            client.inner.tls.get().is_some(),
            "built for the first request"
        );

        let given = HttpOptions {
            tls: TlsOptions {
                danger_accept_invalid_certs: true,
                ..TlsOptions::default()
            },
            ..HttpOptions::default()
        };
        let client = HttpClient::new(given).expect("a client");
        assert!(client.inner.tls.get().is_some(), "checked when built");
    }
}
