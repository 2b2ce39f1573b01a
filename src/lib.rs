//! # drydock
//!
//! Resolve design references (URIs naming a bare-metal site design), ingest
//! them into Drydock's typed site-design model, validate them, and persist
//! them with tasks, result messages, build data and boot actions.
//!
//! An orchestrator depends on this crate alone. It re-exports what a
//! program that resolves designs needs from [`drydock_core`] (references,
//! the registry, the [`Resolver`], the model, errors), the design
//! [`rules`], the store ([`store`], feature `store`), and links every
//! first-party driver and ingester so that their link-time registrations are
//! present in any program that depends on `drydock`. Features: `file`,
//! `http`, `deckhand`, `store`, `bootaction` (on by default), `server`
//! (the original's REST API on axum, `drydock::server`; needs `store` and
//! `deckhand`, pulls no CLI crate) and `cli` (off by default: the `drydock`
//! binary, with clap, humantime, indicatif and tracing-subscriber, none of
//! which the library pulls without it; it turns `server` on).
//!
//! A program parses its configuration once ([`config::Config`]: the file,
//! environment overrides, its own flags; every driver configured from its
//! section into one registry) and builds one [`Context`] from it: the
//! resolver (with the store as its cache, feature `store`) that the CLI's
//! commands, the worker runtime (`drydock::worker`, feature `store`) and a
//! server's handlers share by reference.
//!
//! ```no_run
//! # async fn run() -> drydock::Result<()> {
//! use drydock::{Context, config::Config};
//! // The same configuration the CLI reads: file, environment, defaults.
//! let config = Config::load(None, &drydock::Env::process())?;
//! let context = Context::new(config);
//! let options = context.resolve_options();
//! let resolved = context.resolver().resolve("file:///srv/designs/site.yaml", &options).await?;
//! println!("{:?}: {} errors", resolved.ingested.report.status, resolved.ingested.report.error_count());
//! # Ok(()) }
//! ```
//!
//! A server does the same once at start-up, opens the store, and runs the
//! worker beside its handlers over the same objects: see [`Context`].
#![deny(missing_docs)]

#[cfg(feature = "bootaction")]
pub mod bootaction;
pub mod config;
mod context;
pub mod diff;
#[cfg(feature = "store")]
pub mod import;
#[cfg(feature = "store")]
pub mod nodefilter;
#[cfg(feature = "store")]
pub mod nodes;
#[cfg(feature = "server")]
pub mod server;
#[cfg(feature = "store")]
pub mod tasks;
#[cfg(feature = "store")]
pub mod worker;

pub use context::Context;
pub use drydock_core::{
    Bytes, CacheOptions, CacheStatus, CachedEntry, CachedResolution, CancellationToken,
    DesignCheck, DesignReader, DesignRef, Digest, DigestParseError, Driver, Env, Error, ErrorKind,
    FetchEvent, FetchMetadata, FetchOptions, Fetched, IngestOptions, IngestSummary, Ingested,
    Ingester, IngesterInfo, Layer, Level, Message, OnProgress, REDACTED, Registry, RegistryBuilder,
    ResolveCache, ResolveEvent, ResolveObserver, ResolveOptions, ResolveOutcome, Resolved,
    Resolver, ResolverBuilder, Result, RetryPolicy, RuleOutcome, RuleRun, SchemeInfo, SiteDesign,
    SnapshotId, Status, ValidationReport, async_trait, redact_str, redact_url,
};
pub use drydock_core::{design, report, text};

/// The design rules run after ingest: the effective site, the original's 18
/// rules and any a linked crate registers; [`rules::Rules`] is the
/// [`DesignCheck`] to give [`ResolveOptions::with_check`].
#[doc(inline)]
pub use drydock_rules as rules;

/// The `deckhand+http(s)://` and `promenade+http(s)://` driver, with Keystone.
#[cfg(feature = "deckhand")]
#[doc(inline)]
pub use drydock_driver_deckhand as driver_deckhand;
/// The `file://` driver.
#[cfg(feature = "file")]
#[doc(inline)]
pub use drydock_driver_file as driver_file;
/// The `http://` and `https://` driver.
#[cfg(feature = "http")]
#[doc(inline)]
pub use drydock_driver_http as driver_http;
/// The Deckhand-format ingester (`schema: drydock/<Kind>/v1`).
#[doc(inline)]
pub use drydock_ingester_deckhand as ingester_deckhand;
/// The legacy-format ingester (`apiVersion: drydock/v1`).
#[doc(inline)]
pub use drydock_ingester_yaml as ingester_yaml;
/// Persistence: tasks, result messages, build data, the leader lease and
/// design snapshots, on PostgreSQL or SQLite.
#[cfg(feature = "store")]
#[doc(inline)]
pub use drydock_store as store;

/// The schemes served by the drivers this facade links (with the features
/// turned on), sorted.
pub const BUILTIN_SCHEMES: &[&str] = &[
    #[cfg(feature = "deckhand")]
    "deckhand+http",
    #[cfg(feature = "deckhand")]
    "deckhand+https",
    #[cfg(feature = "file")]
    "file",
    #[cfg(feature = "http")]
    "http",
    #[cfg(feature = "http")]
    "https",
    #[cfg(feature = "deckhand")]
    "promenade+http",
    #[cfg(feature = "deckhand")]
    "promenade+https",
];

/// The ingesters this facade links, sorted.
pub const BUILTIN_INGESTERS: &[&str] = &["deckhand", "yaml"];

/// The README's Rust examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
