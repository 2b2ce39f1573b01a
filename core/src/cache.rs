//! The resolution cache seam: where stored resolutions come from, so that a
//! reference resolved once is served again without fetching (immutable
//! references, pinned digests, within a TTL) or without ingesting again
//! (revalidated with the source). The store implements it (one cache shared
//! by every process on one database); the [`crate::Resolver`] drives it.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::digest::Digest;
use crate::error::Result;
use crate::fetch::FetchMetadata;
use crate::ingester::Ingested;
use crate::reference::DesignRef;
use crate::resolver::Resolved;

/// What a cache knows of a stored resolution before loading it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CachedEntry {
    /// The cache's id for it (a snapshot id).
    pub id: String,
    /// The driver's metadata of its last resolution (ETag, Last-Modified,
    /// digest, revision).
    pub metadata: FetchMetadata,
    /// When it was last resolved (stored, revalidated or reused).
    pub resolved_at: DateTime<Utc>,
}

impl CachedEntry {
    /// An entry.
    pub fn new(id: impl Into<String>, metadata: FetchMetadata, resolved_at: DateTime<Utc>) -> Self {
        CachedEntry {
            id: id.into(),
            metadata,
            resolved_at,
        }
    }
}

/// A stored resolution, loaded: the bytes and the design and report they gave.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CachedResolution {
    /// What it is.
    pub entry: CachedEntry,
    /// The content.
    pub bytes: Bytes,
    /// The design, report and summary.
    pub ingested: Ingested,
}

impl CachedResolution {
    /// A loaded resolution.
    pub fn new(entry: CachedEntry, bytes: Bytes, ingested: Ingested) -> Self {
        CachedResolution {
            entry,
            bytes,
            ingested,
        }
    }
}

/// Where stored resolutions come from and go to. Keys are the reference's
/// canonical key ([`DesignRef::canonical_key`]) and the ingest key (how the
/// bytes were judged: [`crate::ingest_key`]).
#[async_trait]
pub trait ResolveCache: Send + Sync + fmt::Debug + 'static {
    /// The newest stored resolution of `reference` judged as `ingest_key`.
    async fn lookup(&self, reference: &DesignRef, ingest_key: &str) -> Result<Option<CachedEntry>>;
    /// The newest stored resolution of any reference whose content has
    /// `digest`, judged as `ingest_key` (a pinned digest names its content).
    async fn lookup_digest(&self, digest: &Digest, ingest_key: &str)
    -> Result<Option<CachedEntry>>;
    /// Loads an entry's bytes, design and report.
    async fn load(&self, entry: &CachedEntry) -> Result<CachedResolution>;
    /// Stores a fresh resolution; returns its id.
    async fn store(&self, resolved: &Resolved) -> Result<String>;
    /// Records that the source confirmed `entry` unchanged, as `seen` says.
    async fn seen(&self, entry: &CachedEntry, seen: &FetchMetadata) -> Result<()>;
}

/// How the resolver uses its cache (`[cache]` in the configuration).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct CacheOptions {
    /// Serve a mutable reference's stored resolution without asking the
    /// source while it is younger than this (default 0: always revalidate).
    #[serde(with = "crate::config::duration")]
    pub ttl: Duration,
    /// Resolutions kept in memory for concurrent and TTL hits (default 16).
    pub max_entries: usize,
}

impl Default for CacheOptions {
    fn default() -> Self {
        CacheOptions {
            ttl: Duration::ZERO,
            max_entries: 16,
        }
    }
}

impl CacheOptions {
    /// Sets the TTL.
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }
}
