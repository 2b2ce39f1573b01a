#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod driver;
mod error;
mod options;

pub use driver::EchoDriver;
pub use error::EchoError;
pub use options::EchoOptions;

/// The driver's options, under the name every driver crate uses.
pub type Options = EchoOptions;
/// The driver's error, under the name every driver crate uses.
pub type Error = EchoError;

/// The driver's name; its configuration section is `[drivers.echo]`.
pub const NAME: &str = "echo";

/// The schemes this driver serves.
pub const SCHEMES: &[&str] = &["echo"];

drydock_core::register_driver!(
    name: NAME,
    schemes: SCHEMES,
    options: Options,
    configure: EchoDriver::configure,
);
