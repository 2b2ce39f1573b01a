//! [`Error`]: what building a set of rules refuses.

use drydock_core::ErrorKind;

/// Result alias of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Two design rules share one code and long name.
    #[error("rule {code} `{name}` is registered twice: by crate `{first}` and by crate `{second}`")]
    DuplicateRule {
        /// The rule's code.
        code: String,
        /// The rule's long name.
        name: String,
        /// The crate whose registration runs.
        first: String,
        /// The crate whose registration is left out.
        second: String,
    },
}

impl Error {
    /// The matchable kind in drydock-core's terms.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::DuplicateRule { .. } => ErrorKind::Registry,
        }
    }
}
