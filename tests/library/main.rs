//! The library in-process: the facade's registrations, the resolver over
//! loopback HTTP, and every built-in driver against the conformance suite.
//!
//! No third-party driver is linked here: `builtin_registry` asserts the exact
//! global registry (`third_party_driver` and `duplicate_scheme` link
//! `echo-driver` and a second `echo` registration, so they stay separate
//! binaries).

mod bootaction_deckhand;
mod bootaction_node;
mod bootaction_render;
mod bootaction_tarball;
mod builtin_registry;
mod driver_conformance;
mod resolver_http;
