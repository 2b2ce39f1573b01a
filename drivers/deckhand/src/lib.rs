#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod driver;
mod error;
mod options;
mod revision;
mod status;

pub use driver::DeckhandDriver;
pub use error::DeckhandError;
pub use options::DeckhandOptions;
pub use revision::{
    DECKHAND_SCHEMES, DeckhandTarget, Documents, MAX_REVISION_ID, PASSTHROUGH_SCHEMES, Revision,
    RevisionError, Target,
};

/// The driver's options, under the name every driver crate uses.
pub type Options = DeckhandOptions;
/// The driver's error, under the name every driver crate uses.
pub type Error = DeckhandError;

/// The driver's name; its configuration section is `[drivers.deckhand]`.
pub const NAME: &str = "deckhand";

/// The schemes this driver serves.
pub const SCHEMES: &[&str] = &[
    "deckhand+http",
    "deckhand+https",
    "promenade+http",
    "promenade+https",
];

drydock_core::register_driver!(
    name: NAME,
    schemes: SCHEMES,
    options: Options,
    configure: DeckhandDriver::configure,
);
