//! The store from the command line: which one (`--store`, else
//! `DRYDOCK_STORE`, else `[store] url`, else the embedded SQLite file),
//! opened for writing or read-only, and what `--store` reports.

use drydock::Resolved;
use drydock::store::{Store, StoreError, StoreOptions, Uuid, default_sqlite_url, redact_url};
use serde::Serialize;
use tracing::Instrument as _;

/// Where a store subcommand works: `--store`, else `DRYDOCK_STORE`, else
/// `[store] url`, else the embedded SQLite store.
#[derive(Debug, Clone, clap::Args)]
pub struct StoreArg {
    /// The store (URL, or an SQLite file's path).
    #[arg(
        long,
        value_name = "URL",
        default_value = "",
        hide_default_value = true
    )]
    store: String,
}

impl StoreArg {
    /// The store's URL, by the configuration loaded (and checked) once for
    /// the command: an unusable configuration never reaches this.
    pub fn url(&self, config: &drydock::config::Config) -> String {
        resolve_url(&self.store, config)
    }
}

/// What `--store` reports about the snapshot the resolution is.
#[derive(Debug, Serialize)]
pub struct Saved {
    /// The store's URL, credentials redacted.
    pub store: String,
    /// The snapshot's id.
    pub snapshot_id: Uuid,
    /// Digest of the stored bytes (`sha256:<hex>`).
    pub digest: String,
    /// True when an existing snapshot was reused (the content was unchanged,
    /// or it was served from the store) instead of a new one added.
    pub reused: bool,
}

/// The environment variable naming the store, in every subcommand.
pub const STORE_ENV: &str = "DRYDOCK_STORE";

/// The URL a store flag means: the one given; without a value,
/// `DRYDOCK_STORE`, else the configuration's `[store] url`, else the
/// embedded SQLite store.
pub fn resolve_url(url: &str, config: &drydock::config::Config) -> String {
    if !url.is_empty() {
        return url.to_owned();
    }
    config
        .env()
        .get(STORE_ENV)
        .or_else(|| config.store_url().map(str::to_owned))
        .unwrap_or_else(default_sqlite_url)
}

/// Opens the store to write to it (creating the SQLite file and applying
/// migrations) for one command: one connection in all. A store that keeps
/// nothing (in memory) is refused.
pub async fn open_for_writing(url: &str) -> Result<Store, StoreError> {
    open_persistent(url, &StoreOptions::default().single_connection()).await
}

/// As [`open_for_writing`], with a pool of connections for a process that
/// does many things at once (`drydock worker`, `drydock serve`).
pub async fn open_for_service(url: &str) -> Result<Store, StoreError> {
    open_persistent(url, &StoreOptions::default()).await
}

async fn open_persistent(url: &str, options: &StoreOptions) -> Result<Store, StoreError> {
    let store = Store::connect(url, options).await?;
    if !store.is_persistent() {
        store.close().await;
        return Err(StoreError::UnsupportedUrl {
            url: redact_url(url),
            reason: "an in-memory store keeps nothing once drydock exits: give a file \
                     (sqlite:///var/lib/drydock.db) or a database (postgres://…)"
                .into(),
        });
    }
    Ok(store)
}

/// Opens an existing store to read it, for one command (one connection in
/// all): never creates a file.
pub async fn open_existing(url: &str) -> Result<Store, StoreError> {
    Store::connect(url, &StoreOptions::existing_only().single_connection()).await
}

/// Stores `resolved` in `store` (at `url`); what `--store` reports.
pub async fn save(store: &Store, url: &str, resolved: &Resolved) -> Result<Saved, StoreError> {
    let span = tracing::info_span!(
        "store",
        store = %redact_url(url),
        snapshot = tracing::field::Empty,
        reused = tracing::field::Empty
    );
    let saved = store
        .save_resolved(resolved)
        .instrument(span.clone())
        .await?;
    span.record("snapshot", tracing::field::display(saved.snapshot_id));
    span.record("reused", saved.reused);
    Ok(Saved {
        store: redact_url(url),
        snapshot_id: saved.snapshot_id,
        digest: resolved.fetched.metadata.digest.to_string(),
        reused: saved.reused,
    })
}

/// Prints where the snapshot is.
pub fn print_saved(saved: &Saved) {
    let verb = if saved.reused { "reused" } else { "stored" };
    outln!(
        "snapshot    {} {verb} in {}",
        saved.snapshot_id,
        super::output::safe(&saved.store)
    );
}

/// The exit status of a store error: [`super::EXIT_NOT_FOUND`] when what
/// was asked for is not there, else [`super::EXIT_STORE`].
pub fn exit_code(err: &StoreError) -> u8 {
    match err {
        StoreError::NotFound { .. } => super::EXIT_NOT_FOUND,
        _ => super::EXIT_STORE,
    }
}
