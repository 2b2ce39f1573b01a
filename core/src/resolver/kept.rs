//! Stored resolutions kept in memory once loaded from the cache and
//! verified: a long-running process (a worker) that resolves the same
//! design again and again serves it without loading and parsing it again.
//! Keyed by content digest and ingest key (the same bytes judged the same
//! way); bounded by entries and by bytes, the least recently used out first.
//!
//! It is consulted only where the cache would be loaded: after the cache's
//! lookup named the stored resolution (its digest) and after every check a
//! stored hit gets (confinement, access). What it keeps was hashed when it
//! was loaded and matched the digest it is kept under; the bytes cannot
//! change in memory ([`Bytes`] is immutable), so they are not hashed again,
//! and the design is shared with every resolution served from it, not copied.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, MutexGuard};

use lru::LruCache;

use crate::cache::DesignCacheOptions;
use crate::digest::{Digest, HashedBytes};
use crate::ingester::Ingested;

/// A loaded, verified resolution: its bytes, design and report.
#[derive(Debug)]
pub(crate) struct Kept {
    /// The content, hashed when it was loaded (its digest is the key's).
    pub(crate) content: HashedBytes,
    /// The design, report and summary.
    pub(crate) ingested: Arc<Ingested>,
    /// What it counts against the byte bound.
    weight: u64,
}

type Key = (Digest, String);

struct Inner {
    lru: LruCache<Key, Arc<Kept>>,
    /// The sum of the kept entries' weights.
    bytes: u64,
}

/// The bounded memory of loaded resolutions.
pub(crate) struct KeptDesigns {
    max_bytes: u64,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for KeptDesigns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = self.inner();
        f.debug_struct("KeptDesigns")
            .field("entries", &inner.lru.len())
            .field("max_entries", &inner.lru.cap())
            .field("bytes", &inner.bytes)
            .field("max_bytes", &self.max_bytes)
            .finish()
    }
}

impl KeptDesigns {
    /// The memory with `options`' bounds; `None` when either bound is zero
    /// (nothing would be kept).
    pub(crate) fn new(options: &DesignCacheOptions) -> Option<Self> {
        let entries = NonZeroUsize::new(options.max_entries)?;
        if options.max_bytes == 0 {
            return None;
        }
        Some(KeptDesigns {
            max_bytes: options.max_bytes,
            inner: Mutex::new(Inner {
                lru: LruCache::new(entries),
                bytes: 0,
            }),
        })
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The resolution of content `digest` judged as `ingest_key`, if kept
    /// (it becomes the most recently used).
    pub(crate) fn get(&self, digest: &Digest, ingest_key: &str) -> Option<Arc<Kept>> {
        let key = (*digest, ingest_key.to_owned());
        self.inner().lru.get(&key).cloned()
    }

    /// Keeps a loaded and verified resolution judged as `ingest_key`, under
    /// its content's digest, making room by dropping the least recently
    /// used; one heavier than the byte bound by itself is not kept.
    pub(crate) fn keep(&self, ingest_key: &str, content: HashedBytes, ingested: Arc<Ingested>) {
        let digest = content.digest();
        let weight = weight(&content, &ingested);
        if weight > self.max_bytes {
            tracing::debug!(
                weight,
                max_bytes = self.max_bytes,
                "a loaded design is larger than the design cache: not kept"
            );
            return;
        }
        let kept = Arc::new(Kept {
            content,
            ingested,
            weight,
        });
        let mut inner = self.inner();
        inner.bytes += weight;
        if let Some((_, out)) = inner.lru.push((digest, ingest_key.to_owned()), kept) {
            inner.bytes -= out.weight;
        }
        while inner.bytes > self.max_bytes {
            match inner.lru.pop_lru() {
                Some((_, out)) => inner.bytes -= out.weight,
                None => break,
            }
        }
    }
}

/// What a kept resolution counts against the byte bound: its content plus
/// its design and report as JSON (their stored size; memory is of that order).
fn weight(bytes: &[u8], ingested: &Ingested) -> u64 {
    #[derive(Default)]
    struct Count(u64);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len() as u64;
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count::default();
    // Serialising to a counter cannot fail but for the types' own errors,
    // which would leave the count short: the content still counts.
    let _ = serde_json::to_writer(&mut count, &ingested.design);
    let _ = serde_json::to_writer(&mut count, &ingested.report);
    bytes.len() as u64 + count.0
}
