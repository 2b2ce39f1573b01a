//! Helpers shared by the root tests.

#![allow(dead_code)]

pub mod fleet;
