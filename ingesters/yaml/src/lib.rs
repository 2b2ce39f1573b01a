//! # drydock-ingester-yaml
//!
//! Reads legacy Drydock site designs (`apiVersion: drydock/v1`, `kind`,
//! `metadata`, `spec`) into [`drydock_core::SiteDesign`], and provides the
//! bounded, parallel YAML loader ([`parse`]) the Deckhand ingester shares.
//!
//! YAML is parsed by `saphyr-parser` (maintained; an iterative, event-based
//! parser) into our own positioned value tree, with YAML 1.1 scalar rules as
//! the original's PyYAML, and bounds on depth and alias expansion.
//!
//! ```
//! use drydock_core::{Bytes, IngestOptions, Ingester};
//! use drydock_ingester_yaml::YamlIngester;
//!
//! let doc = "apiVersion: drydock/v1\nkind: Network\nmetadata:\n  name: oob\nspec:\n  mtu: 1500\n";
//! let out = YamlIngester::default()
//!     .ingest(&Bytes::from(doc), &IngestOptions::default())
//!     .unwrap();
//! assert!(out.report.is_success());
//! assert_eq!(out.design.networks["oob"].data.mtu, Some(1500));
//! ```
#![deny(missing_docs)]

pub mod document;
mod error;
mod ingester;
mod options;
pub mod parse;

pub use error::LoadError;
pub use ingester::{YamlIngester, ingest_with, legacy_outcome, new_ingester};
pub use options::{Limits, YamlOptions};

/// The ingester's registered name.
pub const NAME: &str = "yaml";

drydock_core::register_ingester!(name: NAME, constructor: new_ingester);
