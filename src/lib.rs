//! drydock facade (placeholder).
pub use drydock_core::*;
