#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod driver;
mod error;
mod options;
mod path;
mod read;

pub use driver::{FileContent, FileDriver};
pub use error::FileError;
pub use options::FileOptions;

/// The driver's options, under the name every driver crate uses.
pub type Options = FileOptions;
/// The driver's error, under the name every driver crate uses.
pub type Error = FileError;

/// The schemes this driver serves.
pub const SCHEMES: &[&str] = &["file"];

/// The driver's name in metadata and errors; its configuration section is `[drivers.file]`.
pub const NAME: &str = "file";

drydock_core::register_driver!(
    name: NAME,
    schemes: SCHEMES,
    options: Options,
    configure: FileDriver::configure,
);
