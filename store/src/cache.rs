//! [`StoreCache`]: the store as the resolver's cache, shared by every
//! process on one database (PostgreSQL for a fleet, SQLite for one host).

use std::str::FromStr;
use std::sync::{Arc, Mutex};

use drydock_core::{
    CachedEntry, CachedResolution, DesignRef, Digest, Error, FetchMetadata, Ingested, ResolveCache,
    Resolved, Result, async_trait,
};
use uuid::Uuid;

use crate::snapshot::{NewSnapshot, Snapshot, SnapshotQuery, SnapshotSummary};
use crate::store::Store;

/// The store as a [`ResolveCache`]: lookups by canonical key (or digest) and
/// ingest key, loads of the stored bytes, design and report, and every fresh
/// resolution stored as a snapshot (re-resolving unchanged content reuses
/// the latest row: see the README).
#[derive(Clone)]
pub struct StoreCache {
    store: Store,
    /// The snapshot a digest lookup read whole, kept for the load that
    /// follows it (a pinned hit), so that it is not read twice.
    found: Arc<Mutex<Option<Snapshot>>>,
}

impl std::fmt::Debug for StoreCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreCache")
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl StoreCache {
    /// The cache over `store`.
    pub fn new(store: Store) -> Self {
        StoreCache {
            store,
            found: Arc::default(),
        }
    }

    fn keep(&self, snapshot: Snapshot) {
        if let Ok(mut found) = self.found.lock() {
            *found = Some(snapshot);
        }
    }

    fn kept(&self, id: Uuid) -> Option<Snapshot> {
        let mut found = self.found.lock().ok()?;
        match found.take() {
            Some(s) if s.summary.snapshot_id == id => Some(s),
            _ => None,
        }
    }

    /// The store underneath.
    pub fn store(&self) -> &Store {
        &self.store
    }
}

fn entry(summary: &SnapshotSummary) -> CachedEntry {
    CachedEntry::new(
        summary.snapshot_id.to_string(),
        summary.metadata.clone(),
        summary.resolved_at,
    )
}

fn id_of(entry: &CachedEntry) -> Result<Uuid> {
    Uuid::from_str(&entry.id).map_err(|e| {
        Error::from(crate::StoreError::Invalid {
            field: "snapshot id".into(),
            reason: format!("{:?} is not a snapshot id: {e}", entry.id),
        })
    })
}

#[async_trait]
impl ResolveCache for StoreCache {
    async fn lookup(&self, reference: &DesignRef, ingest_key: &str) -> Result<Option<CachedEntry>> {
        let query = SnapshotQuery {
            ingest_key: Some(ingest_key.to_owned()),
            limit: 1,
            ..SnapshotQuery::of(reference)
        };
        let found = self.store.list_snapshots(&query).await?;
        Ok(found.first().map(entry))
    }

    async fn lookup_digest(
        &self,
        digest: &Digest,
        ingest_key: &str,
    ) -> Result<Option<CachedEntry>> {
        let found = self.store.snapshot_by_digest(digest, ingest_key).await?;
        Ok(found.map(|s| {
            let hit = entry(&s.summary);
            self.keep(s);
            hit
        }))
    }

    async fn load(&self, entry: &CachedEntry) -> Result<CachedResolution> {
        let id = id_of(entry)?;
        let snapshot = match self.kept(id) {
            Some(snapshot) => snapshot,
            None => self.store.get_snapshot(id).await?,
        };
        let ingested = Ingested {
            design: snapshot.model,
            report: snapshot.report,
            summary: snapshot.ingest,
        };
        Ok(CachedResolution::new(
            entry.clone(),
            snapshot.bytes,
            ingested,
        ))
    }

    async fn store(&self, resolved: &Resolved) -> Result<String> {
        let new = NewSnapshot::from_resolved(resolved, &resolved.ingest_key)?;
        let stored = self.store.put_snapshot(&new).await?;
        Ok(stored.summary.snapshot_id.to_string())
    }

    async fn seen(&self, entry: &CachedEntry, seen: &FetchMetadata) -> Result<()> {
        self.store.record_seen(id_of(entry)?, seen).await?;
        Ok(())
    }
}
