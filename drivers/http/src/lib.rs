#![doc = include_str!("../README.md")]
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
