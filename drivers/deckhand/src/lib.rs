#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod revision;

pub use revision::{
    DECKHAND_SCHEMES, DeckhandTarget, Documents, MAX_REVISION_ID, PASSTHROUGH_SCHEMES, Revision,
    RevisionError, Target,
};
