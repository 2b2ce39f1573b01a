//! Helpers shared by the http driver's tests.
#![allow(dead_code)]

use std::time::Duration;

use drydock_core::{DesignRef, Driver, Error, FetchOptions, Fetched};
use drydock_driver_http::{HttpDriver, HttpOptions, RetryPolicy};

/// Options for tests: no proxy from the environment, no env token, quick retries.
pub fn options() -> HttpOptions {
    HttpOptions::default()
        .with_env_proxy(false)
        .with_bearer_token_env(None)
        .with_retry(
            RetryPolicy::default()
                .with_max_attempts(4)
                .with_backoff(Duration::from_millis(10), Duration::from_millis(50)),
        )
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

pub async fn fetch(driver: &HttpDriver, url: &str, opts: &FetchOptions) -> Result<Fetched, Error> {
    let reference = DesignRef::parse(url).expect("reference");
    driver.fetch(&reference, opts).await
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
