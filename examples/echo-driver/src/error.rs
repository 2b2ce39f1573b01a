//! [`EchoError`]: what the echo driver refuses, and its one conversion into
//! drydock-core's error.

use drydock_core::{DesignRef, Error, ErrorKind};

/// What went wrong. Every message names the reference redacted
/// (`DesignRef::redacted`), never as written: it may carry credentials.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EchoError {
    /// The reference names a host other than the local one: nothing is there.
    #[error(
        "{reference}: the echo driver serves only echo:/// and echo://localhost/, not host `{host}`"
    )]
    NotServed {
        /// The reference, redacted.
        reference: String,
        /// The host it named.
        host: String,
    },
}

impl EchoError {
    /// The matchable kind in drydock-core's terms.
    pub fn kind(&self) -> ErrorKind {
        match self {
            EchoError::NotServed { .. } => ErrorKind::NotFound,
        }
    }

    /// Converts into drydock-core's error about `reference` (the same
    /// signature in every driver crate), keeping this error as its source.
    pub fn into_core(self, reference: &DesignRef) -> Error {
        Error::fetch(self.kind(), crate::NAME, reference.redacted(), self)
    }
}
