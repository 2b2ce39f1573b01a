//! Saving resolved designs into a drydock store.

use drydock::Resolved;
use drydock::store::{
    NewSnapshot, Store, StoreError, StoreOptions, default_sqlite_url, redact_url,
};
use serde::Serialize;

/// What `--store` reports about the snapshot it wrote.
#[derive(Debug, Serialize)]
pub struct Saved {
    /// The store's URL, credentials redacted.
    pub store: String,
    /// The snapshot's id.
    pub snapshot_id: String,
    /// Digest of the stored bytes (`sha256:<hex>`).
    pub digest: String,
    /// True when the content was unchanged and the latest snapshot was reused.
    pub reused: bool,
}

/// The environment variable naming the store, in every subcommand.
pub const STORE_ENV: &str = "DRYDOCK_STORE";

/// The URL `--store` means: the one given; without a value, `DRYDOCK_STORE`,
/// else the configuration's `[store] url`, else the embedded SQLite store.
pub fn resolve_url(url: &str, config: &drydock::config::Config) -> String {
    if !url.is_empty() {
        return url.to_owned();
    }
    config
        .env()
        .get(STORE_ENV)
        .or_else(|| config.store_url())
        .unwrap_or_else(default_sqlite_url)
}

/// Connects to the store (applying migrations) and saves the snapshot.
pub async fn save(url: &str, resolved: &Resolved) -> Result<Saved, StoreError> {
    let store = Store::connect(url, &StoreOptions::default()).await?;
    let new = NewSnapshot::from_resolved(resolved, &resolved.ingest_key)?;
    let stored = store.put_snapshot(&new).await;
    store.close().await;
    let stored = stored?;
    Ok(Saved {
        store: redact_url(url),
        snapshot_id: stored.summary.snapshot_id.to_string(),
        digest: stored.summary.digest.to_string(),
        reused: stored.reused,
    })
}

/// Prints a store error as one line plus its hint, on stderr.
pub fn print_error(err: &StoreError) {
    eprintln!("error: {err}");
    eprintln!("hint: {}", err.hint());
}

/// Prints where the snapshot went.
pub fn print_saved(saved: &Saved) {
    println!(
        "snapshot    {} stored in {}",
        saved.snapshot_id, saved.store
    );
}
