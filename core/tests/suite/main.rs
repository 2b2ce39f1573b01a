//! The crate's integration tests in one binary (one link, one process);
//! each module is the file it was. Tests that register drivers, ingesters
//! or rules through `inventory`, or change process-wide state, stay in
//! binaries of their own beside this one.

mod cache;
mod design_cache;
mod fuzz_reference;
mod layers;
mod observe;
mod resolver;
mod support;
