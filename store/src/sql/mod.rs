//! SQL shared by both backends (both accept `$n` parameters), and the
//! plumbing that lets one piece of code bind, decode and run it on either.

pub(crate) mod binds;
mod boot;
mod claims;
mod db;
mod held;
mod import;
mod migrations;
mod model_digest;
mod records;
pub(crate) mod rows;
mod snapshot_reads;
mod snapshot_rows;
mod snapshots;
mod types;

pub(crate) use db::{Bind, SqlStore};
pub(crate) use records::{MESSAGES, MESSAGES_OF_MANY};
pub(crate) use rows::{converted, from_rows};
pub(crate) use types::Ts;
