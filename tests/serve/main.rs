//! `drydock serve`: the real server process on a loopback port, driven by
//! reqwest as the original's Python client and Shipyard drive it.

#[path = "../common/mod.rs"]
mod common;

mod actions;
mod auth;
mod bootactions;
mod deckhand;
mod input;
mod lifecycle;
mod listener;
mod metrics;
mod node_source;
mod server;
mod shipyard;
mod subtasks;
mod workers;
