#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod document;
mod error;
mod ingester;
mod locate;
pub mod model;
mod options;
pub mod parse;

pub use error::{InputError, LoadError};
pub use ingester::{YamlIngester, ingest_with, input_error, legacy_outcome, new_ingester};
pub use locate::{YamlLocator, locate_messages};
pub use options::{Limits, YamlOptions};

/// The ingester's registered name.
pub const NAME: &str = "yaml";

drydock_core::register_ingester!(name: NAME, constructor: new_ingester);
