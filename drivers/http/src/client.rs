//! [`HttpClient`]: the pooled client and its retry loop, shared by every
//! HTTP-based driver (http, https, Deckhand).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use drydock_core::FetchOptions;
use tokio::time::Instant;

use crate::attempt::{AttemptError, Hop};
use crate::error::HttpError;
use crate::options::HttpOptions;
use crate::request::{HttpRequest, HttpResponse};

/// A pooled HTTP client over rustls (ring), with status mapping, retries,
/// redirects, size limits and conditional requests built in.
///
/// Cheap to clone: clones share the connection pool.
#[derive(Clone, Debug)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    options: HttpOptions,
    tls: rustls::ClientConfig,
    /// One pool per connect timeout asked for (callers normally use one).
    clients: Mutex<Vec<(Duration, reqwest::Client)>>,
}

#[derive(Default)]
struct Progress {
    attempts: u32,
    last: Option<HttpError>,
}

impl HttpClient {
    /// Builds a client; fails on unreadable or invalid TLS material.
    pub fn new(options: HttpOptions) -> Result<Self, HttpError> {
        let tls = crate::tls::client_config(&options.tls)?;
        let client = HttpClient {
            inner: Arc::new(Inner {
                options,
                tls,
                clients: Mutex::new(Vec::new()),
            }),
        };
        // Build the default pool now so configuration errors surface here.
        client.pool(FetchOptions::default().connect_timeout)?;
        Ok(client)
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
            .tls_backend_preconfigured(self.inner.tls.clone())
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

    /// Fetches `request` within `options`: only 2xx is content (304 too when
    /// `options.if_none_match` is set); connection errors, timeouts, truncated
    /// bodies, 5xx and 429 are retried with backoff until the attempt cap or
    /// the deadline; the size limit holds for the decompressed body.
    pub async fn fetch_url(
        &self,
        request: &HttpRequest,
        options: &FetchOptions,
    ) -> Result<HttpResponse, HttpError> {
        let reference = || request.reference.clone();
        if options.cancel.is_cancelled() {
            return Err(HttpError::Cancelled {
                reference: reference(),
            });
        }
        let client = self.pool(options.connect_timeout)?;
        let deadline_at = later(options.deadline);
        let progress = Mutex::new(Progress::default());
        let lock = || progress.lock().unwrap_or_else(|p| p.into_inner());
        let attempts = async {
            let policy = &self.inner.options.retry;
            loop {
                let attempt = {
                    let mut p = lock();
                    p.attempts += 1;
                    p.attempts
                };
                let hop = Hop {
                    client: &client,
                    request,
                    options,
                    max_redirects: self.inner.options.max_redirects,
                };
                let (error, wait) = match hop.run().await {
                    Ok(mut response) => {
                        response.attempts = attempt;
                        return Ok(response);
                    }
                    Err(AttemptError { error, retry_after }) => {
                        let give_up = |error: HttpError| {
                            if attempt > 1 {
                                HttpError::Exhausted {
                                    attempts: attempt,
                                    last: Box::new(error),
                                }
                            } else {
                                error
                            }
                        };
                        if !error.is_retryable() || attempt >= policy.max_attempts {
                            return Err(give_up(error));
                        }
                        let wait = match retry_after {
                            Some(ra) if ra > policy.max_retry_after => return Err(give_up(error)),
                            Some(ra) => ra,
                            None => policy.backoff(attempt),
                        };
                        if later(wait) >= deadline_at {
                            tracing::debug!(reference = %request.reference, attempt, ?wait, "next attempt would pass the deadline: giving up");
                            return Err(give_up(error));
                        }
                        tracing::debug!(reference = %request.reference, attempt, ?wait, error = %error, "retrying");
                        (error, wait)
                    }
                };
                lock().last = Some(error);
                tokio::time::sleep(wait).await;
            }
        };
        tokio::select! {
            biased;
            _ = options.cancel.cancelled() => Err(HttpError::Cancelled { reference: reference() }),
            _ = tokio::time::sleep_until(deadline_at) => {
                let mut p = lock();
                Err(HttpError::DeadlineExceeded {
                    reference: reference(),
                    deadline: options.deadline,
                    attempts: p.attempts,
                    last: p.last.take().map(Box::new),
                })
            }
            outcome = attempts => outcome,
        }
    }
}

/// Now plus `d`, saturating far in the future (a `Duration::MAX` deadline means none).
fn later(d: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(d)
        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600))
}
