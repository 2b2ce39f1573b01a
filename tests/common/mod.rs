//! Helpers shared by the root tests.

#![allow(dead_code)]

pub mod designs;
pub mod fleet;
