//! The crate's integration tests in one binary (one link, one process);
//! each module is the file it was. Tests that register drivers, ingesters
//! or rules through `inventory`, or change process-wide state, stay in
//! binaries of their own beside this one.

#[path = "../common/mod.rs"]
mod common;

mod answers;
mod auth;
mod conformance;
mod forms;
mod fuzz_revision;
mod tls;
