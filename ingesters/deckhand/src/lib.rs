//! # drydock-ingester-deckhand
//!
//! Reads Deckhand-format site designs: documents with
//! `schema: drydock/<Kind>/v1`, `metadata` (`schema: metadata/Document/v1`,
//! `name`, …) and `data`, as Deckhand renders them. Documents of other
//! namespaces (`promenade/…`, `deckhand/…`) are skipped and counted.
//! Parsing (bounded, parallel) is shared with `drydock-ingester-yaml`; the
//! schema rules and the model are in `drydock_core::design`.
//!
//! ```
//! use drydock_core::{Bytes, IngestOptions, Ingester};
//! use drydock_ingester_deckhand::DeckhandIngester;
//!
//! let doc = "schema: drydock/NetworkLink/v1\nmetadata:\n  schema: metadata/Document/v1\n  name: gp\n\
//!            data:\n  bonding:\n    mode: 802.3ad\n---\nschema: promenade/Genesis/v1\nmetadata: {name: g}\ndata: {}\n";
//! let out = DeckhandIngester::default()
//!     .ingest(&Bytes::from(doc), &IngestOptions::default())
//!     .unwrap();
//! assert!(out.report.is_success());
//! assert!(out.design.network_links.contains_key("gp"));
//! assert_eq!(out.summary.skipped["promenade/Genesis/v1"], 1);
//! ```
#![deny(missing_docs)]

mod ingester;

pub use drydock_ingester_yaml::{Limits, YamlOptions as DeckhandOptions};
pub use ingester::{DeckhandIngester, METADATA_SCHEMA, deckhand_outcome, new_ingester};

/// The ingester's registered name.
pub const NAME: &str = "deckhand";

drydock_core::register_ingester!(name: NAME, constructor: new_ingester);
