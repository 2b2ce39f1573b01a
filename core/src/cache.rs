//! The resolution cache seam: where stored resolutions come from, so that a
//! reference resolved once is served again without fetching (immutable
//! references, pinned digests, within a TTL) or without ingesting again
//! (revalidated with the source). The seam only reads: the store implements
//! it (one cache shared by every process on one database), the
//! [`crate::Resolver`] drives it, and whoever resolves stores the
//! [`Resolved`](crate::Resolved) through the store.

use std::fmt;
use std::sync::Arc;
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

/// The id of a stored resolution (the store's snapshot id: a UUID, shown
/// hyphenated).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SnapshotId(u128);

impl SnapshotId {
    /// The id of these 128 bits.
    pub const fn from_u128(bits: u128) -> Self {
        SnapshotId(bits)
    }

    /// Its 128 bits.
    pub const fn as_u128(self) -> u128 {
        self.0
    }
}

impl fmt::Display for SnapshotId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0;
        write!(
            f,
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            b >> 96,
            (b >> 80) & 0xffff,
            (b >> 64) & 0xffff,
            (b >> 48) & 0xffff,
            b & 0xffff_ffff_ffff
        )
    }
}

/// What a cache knows of a stored resolution before loading it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CachedEntry {
    /// The cache's id for it.
    pub id: SnapshotId,
    /// The driver's metadata of its last resolution (ETag, Last-Modified,
    /// digest, revision).
    pub metadata: FetchMetadata,
    /// When it was last resolved (stored, revalidated or reused).
    pub resolved_at: DateTime<Utc>,
}

impl CachedEntry {
    /// An entry.
    pub fn new(id: SnapshotId, metadata: FetchMetadata, resolved_at: DateTime<Utc>) -> Self {
        CachedEntry {
            id,
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
    /// The design, report and summary (shared: served resolutions hold the
    /// same one, not a copy each).
    pub ingested: Arc<Ingested>,
}

impl CachedResolution {
    /// A loaded resolution.
    pub fn new(entry: CachedEntry, bytes: Bytes, ingested: impl Into<Arc<Ingested>>) -> Self {
        CachedResolution {
            entry,
            bytes,
            ingested: ingested.into(),
        }
    }
}

/// Where stored resolutions come from; it only reads. Keys are the
/// reference's canonical key ([`DesignRef::canonical_key`]) and the ingest
/// key (how the bytes were judged: [`crate::ingest_key`]). Storing a
/// resolution, or recording that the source confirmed a stored one, is the
/// caller's: a [`Resolved`](crate::Resolved) says how it was obtained
/// ([`crate::CacheStatus`]) and from which stored resolution.
#[async_trait]
pub trait ResolveCache: Send + Sync + fmt::Debug + 'static {
    /// The newest stored resolution of `reference` judged as `ingest_key`,
    /// without its content (the resolver decides whether to load it).
    async fn lookup(&self, reference: &DesignRef, ingest_key: &str) -> Result<Option<CachedEntry>>;
    /// The newest stored resolution of any reference whose content has
    /// `digest`, judged as `ingest_key`, loaded (a pinned digest names its
    /// content: a match is always served).
    async fn lookup_digest(
        &self,
        digest: &Digest,
        ingest_key: &str,
    ) -> Result<Option<CachedResolution>>;
    /// Loads an entry's bytes, design and report.
    async fn load(&self, entry: &CachedEntry) -> Result<CachedResolution>;
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

/// Bounds of the resolver's memory of stored resolutions it loaded (see
/// [`crate::ResolverBuilder::design_cache`]): a long-running process that
/// resolves one design again and again serves it without loading and parsing
/// it again. Kept by content digest and ingest key; the least recently used
/// goes first when either bound is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DesignCacheOptions {
    /// Resolutions kept at most (0: none).
    pub max_entries: usize,
    /// Bytes kept at most (0: none), each resolution counted as its content
    /// plus its design and report as JSON.
    pub max_bytes: u64,
}

impl DesignCacheOptions {
    /// Bounds of `max_entries` resolutions and `max_bytes` bytes.
    pub fn new(max_entries: usize, max_bytes: u64) -> Self {
        DesignCacheOptions {
            max_entries,
            max_bytes,
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
