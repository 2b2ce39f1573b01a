//! `[worker]`: what a long-running process that works tasks keeps (`drydock
//! worker`, and `drydock serve`, whose handlers share its resolver).

use drydock_core::DesignCacheOptions;
use serde::{Deserialize, Serialize};

use super::tree::size;

/// `[worker]`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkerSettings {
    /// `[worker.design_cache]`: parsed designs kept in memory.
    pub design_cache: DesignCacheSettings,
}

/// `[worker.design_cache]`: designs loaded from the store are kept in
/// memory, by content digest and ingest key, so that tasks over the same
/// design do not load and parse it again; the least recently used goes
/// first when a bound is reached. Default: 8 designs, 256 MiB (each counted
/// as its content plus its model and report as JSON; a 1,000-node design is
/// about 3 MB). Zero in either keeps none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DesignCacheSettings {
    /// Designs kept at most.
    pub max_entries: usize,
    /// Bytes kept at most (`256MiB`, `1GB` or a number).
    #[serde(with = "size")]
    pub max_size: u64,
}

impl Default for DesignCacheSettings {
    fn default() -> Self {
        DesignCacheSettings {
            max_entries: 8,
            max_size: 256 * 1024 * 1024,
        }
    }
}

impl DesignCacheSettings {
    /// As the resolver's bounds.
    pub fn options(&self) -> DesignCacheOptions {
        DesignCacheOptions::new(self.max_entries, self.max_size)
    }
}
