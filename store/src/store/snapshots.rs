//! The snapshot calls of [`Store`].

use drydock_core::{DesignRef, Digest, FetchMetadata};
use uuid::Uuid;

use super::Store;
use crate::error::Result;
use crate::snapshot::{
    NewSnapshot, Selection, Snapshot, SnapshotQuery, SnapshotSummary, Stored, ingest_key,
    metadata_columns,
};

impl Store {
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
