#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod ingester;

pub use drydock_ingester_yaml::{Limits, YamlOptions as DeckhandOptions};
pub use ingester::{DeckhandIngester, METADATA_SCHEMA, deckhand_outcome, new_ingester};

/// The ingester's registered name.
pub const NAME: &str = "deckhand";

drydock_core::register_ingester!(name: NAME, constructor: new_ingester);
