//! Options of the YAML ingesters.

pub use crate::parse::Limits;

/// Options of [`crate::YamlIngester`] (and of the Deckhand ingester, which shares the loader).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct YamlOptions {
    /// Bounds on parsing (depth, alias expansion, threads).
    pub limits: Limits,
}

impl YamlOptions {
    /// Options with these limits.
    pub fn with_limits(limits: Limits) -> Self {
        YamlOptions { limits }
    }
}
