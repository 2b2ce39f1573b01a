//! Helpers shared by the http driver's tests.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use drydock_core::layer::{apply_layers, standard_layers};
use drydock_core::{DesignRef, Driver, Error, FetchOptions, Fetched, RetryPolicy};
use drydock_driver_http::{HttpDriver, HttpOptions};

/// Options for tests: no proxy from the environment, no env token.
pub fn options() -> HttpOptions {
    HttpOptions::default()
        .with_env_proxy(false)
        .with_bearer_token_env(None)
}

/// Quick retries, as the resolver's retry layer applies them.
pub fn quick_retry() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(4)
        .with_backoff(Duration::from_millis(10), Duration::from_millis(50))
}

pub fn driver() -> HttpDriver {
    HttpDriver::new(options()).expect("driver")
}

pub fn fetch_opts() -> FetchOptions {
    FetchOptions::default()
        .with_deadline(Duration::from_secs(10))
        .with_read_timeout(Duration::from_secs(5))
        .with_connect_timeout(Duration::from_secs(2))
}

/// `driver` inside the resolver's standard layers (cancellation, deadline,
/// retries with `policy`), as every fetch runs in a program.
pub fn layered(driver: &HttpDriver, policy: RetryPolicy) -> Arc<dyn Driver> {
    apply_layers(&standard_layers(policy), Arc::new(driver.clone()))
}

/// Fetches `url` through the standard layers with quick retries.
pub async fn fetch(driver: &HttpDriver, url: &str, opts: &FetchOptions) -> Result<Fetched, Error> {
    fetch_with(driver, quick_retry(), url, opts).await
}

/// Fetches `url` through the standard layers with `policy`.
pub async fn fetch_with(
    driver: &HttpDriver,
    policy: RetryPolicy,
    url: &str,
    opts: &FetchOptions,
) -> Result<Fetched, Error> {
    let reference = DesignRef::parse(url).expect("reference");
    layered(driver, policy).fetch(&reference, opts).await
}

/// The error, its Debug form and its whole source chain, as one string.
pub fn everything(err: &Error) -> String {
    let mut out = format!("{err} | {err:?}");
    let mut current = std::error::Error::source(err);
    while let Some(e) = current {
        out.push_str(&format!(" | {e}"));
        current = e.source();
    }
    out
}
