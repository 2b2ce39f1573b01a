//! [`StoreCache`]: the store as the resolver's cache, shared by every
//! process on one database (PostgreSQL for a fleet, SQLite for one host).
//! It only reads; whoever resolves stores through
//! [`Store::save_resolved`].

use drydock_core::{
    CachedEntry, CachedResolution, DesignRef, Digest, Ingested, ResolveCache, Result, SnapshotId,
    async_trait,
};
use uuid::Uuid;

use crate::snapshot::{Snapshot, SnapshotQuery, SnapshotSummary};
use crate::store::Store;

/// The store as a [`ResolveCache`]: lookups by canonical key (or digest) and
/// ingest key, and loads of the stored bytes, design and report.
#[derive(Clone, Debug)]
pub struct StoreCache {
    store: Store,
}

impl StoreCache {
    /// The cache over `store`.
    pub fn new(store: Store) -> Self {
        StoreCache { store }
    }

    /// The store underneath.
    pub fn store(&self) -> &Store {
        &self.store
    }
}

/// The cache's id of a snapshot.
fn snapshot_id(id: Uuid) -> SnapshotId {
    SnapshotId::from_u128(id.as_u128())
}

/// The snapshot a cache id names.
pub(crate) fn uuid(id: SnapshotId) -> Uuid {
    Uuid::from_u128(id.as_u128())
}

fn entry(summary: &SnapshotSummary) -> CachedEntry {
    CachedEntry::new(
        snapshot_id(summary.snapshot_id),
        summary.metadata.clone(),
        summary.resolved_at,
    )
}

/// `snapshot`, loaded, as `entry` names it.
fn loaded(entry: CachedEntry, snapshot: Snapshot) -> CachedResolution {
    let ingested = Ingested {
        design: snapshot.model,
        report: snapshot.report,
        summary: snapshot.ingest,
    };
    CachedResolution::new(entry, snapshot.bytes, ingested)
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
    ) -> Result<Option<CachedResolution>> {
        let found = self.store.snapshot_by_digest(digest, ingest_key).await?;
        Ok(found.map(|snapshot| loaded(entry(&snapshot.summary), snapshot)))
    }

    async fn load(&self, entry: &CachedEntry) -> Result<CachedResolution> {
        let snapshot = self.store.get_snapshot(uuid(entry.id)).await?;
        Ok(loaded(entry.clone(), snapshot))
    }
}
