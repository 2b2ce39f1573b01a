//! # drydock
//!
//! Resolve design references (URIs naming a bare-metal site design), ingest
//! them into Drydock's typed site-design model, and persist them.
//!
//! This facade re-exports [`drydock_core`] and links every first-party driver
//! and ingester, so that their link-time registrations are present in any
//! program that depends on `drydock`:
//!
//! ```no_run
//! # async fn run() -> drydock::Result<()> {
//! use drydock::{ResolveOptions, Resolver};
//! let resolved = Resolver::new()
//!     .resolve("file:///srv/designs/site.yaml", &ResolveOptions::default())
//!     .await?;
//! println!("{:?}: {} errors", resolved.ingested.report.status, resolved.ingested.report.error_count());
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

pub use drydock_core::*;

/// The `file://` driver.
pub use drydock_driver_file as driver_file;
/// The `http://` and `https://` driver.
pub use drydock_driver_http as driver_http;
/// The Deckhand-format ingester (`schema: drydock/<Kind>/v1`).
pub use drydock_ingester_deckhand as ingester_deckhand;
/// The legacy-format ingester (`apiVersion: drydock/v1`).
pub use drydock_ingester_yaml as ingester_yaml;

/// The schemes served by the drivers this facade links, sorted.
pub const BUILTIN_SCHEMES: &[&str] = &["file", "http", "https"];

/// The ingesters this facade links, sorted.
pub const BUILTIN_INGESTERS: &[&str] = &["deckhand", "yaml"];
