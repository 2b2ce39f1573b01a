#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod driver;
mod error;
mod options;
mod path;
mod read;

use std::sync::Arc;

pub use driver::{FileContent, FileDriver};
pub use error::FileError;
pub use options::FileOptions;

/// The schemes this driver serves.
pub const SCHEMES: &[&str] = &["file"];

/// The driver's name in metadata and errors.
pub const DRIVER_NAME: &str = "file";

fn new_driver() -> Arc<dyn drydock_core::Driver> {
    Arc::new(FileDriver::default())
}

drydock_core::register_driver!(name: DRIVER_NAME, schemes: SCHEMES, constructor: new_driver);
