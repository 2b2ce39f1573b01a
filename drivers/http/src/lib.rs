#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod attempt;
mod client;
mod driver;
mod error;
pub mod keystone;
mod options;
mod request;
mod tls;

pub use client::HttpClient;
pub use driver::HttpDriver;
pub use error::HttpError;
pub use options::{ClientIdentity, DEFAULT_BEARER_TOKEN_ENV, HttpOptions, Pem, TlsOptions};
pub use request::{HttpRequest, HttpResponse, RawResponse};

/// The driver's options, under the name every driver crate uses.
pub type Options = HttpOptions;
/// The driver's error, under the name every driver crate uses.
pub type Error = HttpError;

/// The driver's name; its configuration section is `[drivers.http]`.
pub const NAME: &str = "http";

/// The schemes this driver serves.
pub const SCHEMES: &[&str] = &["http", "https"];

drydock_core::register_driver!(
    name: NAME,
    schemes: SCHEMES,
    options: Options,
    configure: HttpDriver::configure,
);
