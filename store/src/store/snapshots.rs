//! The snapshot calls of [`Store`].

use drydock_core::{CacheStatus, DesignRef, Digest, FetchMetadata, Resolved};
use uuid::Uuid;

use super::Store;
use crate::cache::uuid;
use crate::error::Result;
use crate::snapshot::{
    NewSnapshot, Saved, Selection, Snapshot, SnapshotQuery, SnapshotSummary, Stored, ingest_key,
    metadata_columns,
};

impl Store {
    /// Stores what a resolver gave, as it was obtained: a hit served from a
    /// snapshot is that snapshot (nothing written); a revalidated one records
    /// the source's word on its snapshot ([`Store::record_seen`]); anything
    /// fetched and ingested now is put ([`Store::put_snapshot`], which reuses
    /// the latest row when the content is unchanged).
    pub async fn save_resolved(&self, resolved: &Resolved) -> Result<Saved> {
        match (resolved.cache_status(), resolved.from_snapshot) {
            (CacheStatus::Hit, Some(id)) => Ok(Saved {
                snapshot_id: uuid(id),
                reused: true,
            }),
            (CacheStatus::Revalidated, Some(id)) => {
                let seen = self
                    .record_seen(uuid(id), &resolved.fetched.metadata)
                    .await?;
                Ok(Saved {
                    snapshot_id: seen.snapshot_id,
                    reused: true,
                })
            }
            _ => {
                let new = NewSnapshot::from_resolved(resolved, &resolved.ingest_key)?;
                let stored = self.put_snapshot(&new).await?;
                Ok(Saved {
                    snapshot_id: stored.summary.snapshot_id,
                    reused: stored.reused,
                })
            }
        }
    }

    /// Stores a resolved design and says whether it reused a row: when the
    /// latest snapshot of the same key and ingest key has the same digest, that
    /// row's `resolved_at`, `resolve_count` and metadata are updated instead of
    /// a new row being added (unless `always_new_row`). The bytes are stored
    /// once per digest; model, report and ingest summary once per digest and
    /// ingest key.
    pub async fn put_snapshot(&self, snapshot: &NewSnapshot) -> Result<Stored> {
        snapshot.validate()?;
        dispatch!(self.put_snapshot(snapshot))
    }

    /// Records a revalidated fetch (e.g. an HTTP 304 to a conditional fetch)
    /// of snapshot `snapshot_id`: its metadata becomes `seen`'s (keeping the
    /// stored digest and length), `resolved_at` now, `resolve_count` one more.
    /// A `seen` that is not "not modified" and has another digest is refused.
    pub async fn record_seen(
        &self,
        snapshot_id: Uuid,
        seen: &FetchMetadata,
    ) -> Result<SnapshotSummary> {
        metadata_columns(seen)?;
        dispatch!(self.record_seen(snapshot_id, seen))
    }

    /// The snapshot with this id, read back typed.
    pub async fn get_snapshot(&self, snapshot_id: Uuid) -> Result<Snapshot> {
        dispatch!(self.get_snapshot(snapshot_id))
    }

    /// The stored model of snapshot `snapshot_id` as JSON text, not parsed (for printing).
    pub async fn snapshot_model_json(&self, snapshot_id: Uuid) -> Result<String> {
        dispatch!(self.snapshot_model_json(snapshot_id))
    }

    /// The newest snapshot of `reference` ingested as `ingest_key`, if any
    /// (looked up by the reference's canonical key: credentials do not matter).
    pub async fn latest_snapshot(
        &self,
        reference: &DesignRef,
        ingest_key: &str,
    ) -> Result<Option<Snapshot>> {
        ingest_key_arg(ingest_key)?;
        dispatch!(self.select_snapshot(reference, Some(ingest_key), Selection::Latest))
    }

    /// `REF@latest` or `REF@previous`: of the snapshots of `reference` (ingested
    /// as `ingest_key`, or any way if `None`), the newest, or the newest whose
    /// digest differs from the newest one's.
    pub async fn select_snapshot(
        &self,
        reference: &DesignRef,
        ingest_key: Option<&str>,
        selection: Selection,
    ) -> Result<Option<Snapshot>> {
        ingest_key.map_or(Ok(()), ingest_key_arg)?;
        dispatch!(self.select_snapshot(reference, ingest_key, selection))
    }

    /// The newest snapshot, of any reference, whose content has `digest` and
    /// was ingested as `ingest_key`: a content-addressed hit for a pinned digest.
    pub async fn snapshot_by_digest(
        &self,
        digest: &Digest,
        ingest_key: &str,
    ) -> Result<Option<Snapshot>> {
        ingest_key_arg(ingest_key)?;
        dispatch!(self.snapshot_by_digest(digest, ingest_key))
    }

    /// One page of snapshot summaries, newest first (see [`SnapshotQuery`]).
    pub async fn list_snapshots(&self, query: &SnapshotQuery) -> Result<Vec<SnapshotSummary>> {
        query.ingest_key.as_deref().map_or(Ok(()), ingest_key_arg)?;
        dispatch!(self.list_snapshots(query))
    }
}

/// An ingest key given to a lookup: the same rules as one stored.
fn ingest_key_arg(key: &str) -> Result<()> {
    ingest_key(key)
}
