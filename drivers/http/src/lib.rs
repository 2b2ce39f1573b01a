//! # drydock-driver-http
//!
//! The `http://` and `https://` driver of drydock, and the HTTP machinery other
//! drivers (Deckhand) reuse: [`HttpClient`] — one pooled reqwest client on
//! rustls with the **ring** provider (no OpenSSL, no aws-lc) — with status
//! mapping, retries with jittered exponential backoff bounded by the deadline,
//! `Retry-After`, size limits on the decompressed body, manual redirects that
//! keep credentials on their origin and never drop from https to http, and
//! conditional requests (`If-None-Match`).
//!
//! ```no_run
//! use drydock_core::{DesignRef, Driver, FetchOptions};
//! use drydock_driver_http::{HttpDriver, HttpOptions, Pem, TlsOptions};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let tls = TlsOptions::default().with_ca_bundle(Pem::Path("/etc/site-ca.pem".into()));
//! let driver = HttpDriver::new(HttpOptions::default().with_tls(tls))?;
//! let reference = DesignRef::parse("https://user:pw@designs.example/site.yaml")?;
//! let fetched = driver.fetch(&reference, &FetchOptions::default()).await?;
//! println!("{} bytes, etag {:?}", fetched.bytes.len(), fetched.metadata.etag);
//! # Ok(()) }
//! ```
//!
//! ## Environment
//!
//! - `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` (and lower-case forms) pick a
//!   proxy, `NO_PROXY` exempts hosts; [`HttpOptions::use_env_proxy`] turns this off.
//! - `DRYDOCK_HTTP_BEARER_TOKEN` ([`DEFAULT_BEARER_TOKEN_ENV`]) holds a bearer
//!   token used when neither the fetch options nor the reference carry credentials.
#![deny(missing_docs)]

mod attempt;
mod client;
mod driver;
mod error;
mod options;
mod request;
pub mod tls;

use std::sync::Arc;

pub use client::HttpClient;
pub use driver::HttpDriver;
pub use error::HttpError;
pub use options::{
    ClientIdentity, DEFAULT_BEARER_TOKEN_ENV, HttpOptions, Pem, RetryPolicy, TlsOptions,
};
pub use request::{Auth, HttpRequest, HttpResponse};

/// The driver's name.
pub const NAME: &str = "http";

/// The schemes this driver serves.
pub const SCHEMES: &[&str] = &["http", "https"];

fn new_driver() -> Arc<dyn drydock_core::Driver> {
    Arc::new(HttpDriver::default())
}

drydock_core::register_driver!(name: NAME, schemes: SCHEMES, constructor: new_driver);
