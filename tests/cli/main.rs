//! The real `drydock` binary, one module per command or concern: its output,
//! errors, configuration, secrets and spoofing, TLS, Deckhand, snapshots,
//! tasks and its memory bound. One test binary (one link) for all of them.

#[path = "../common/mod.rs"]
mod common;

mod bootaction;
mod cache_model;
mod cache_trust;
mod config;
mod config_sources;
mod deckhand;
mod edges;
mod errors;
mod import;
mod import_refused;
mod memory_bound;
mod memory_findings;
mod nul;
mod original_cli;
mod output;
mod pg_connections;
mod remote;
mod remote_serve;
mod remote_spellings;
mod resolve;
mod secrets;
mod secrets_env;
mod secrets_more;
mod snapshots;
mod spoofing;
mod task;
mod tls;
mod verbose;
