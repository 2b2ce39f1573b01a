//! The machinery ingesters share, from parsed documents to the typed model:
//! a value tree that remembers where each value stood ([`value`]), Drydock's
//! schema rules ([`validate`], with the schemas embedded), and building and
//! assembling items and messages into an [`drydock_core::Ingested`] ([`build`]).
//!
//! It is public so that format crates (this one, the Deckhand ingester, a
//! third party's) share it; it is not part of drydock-core's stable API.

pub mod batch;
pub mod build;
mod de;
mod pending;
mod schemas;
pub mod validate;
pub mod value;
