//! Boot actions end to end: arming a node (a fresh key, one status row per
//! boot action targeting it), rendering its assets from a design
//! (pipelines, templates, locations through the resolver), the tarballs a
//! node fetches, the signals it posts, and the report of a task's actions.
//!
//! [`BootActions`] holds what these need (the store, where locations are
//! fetched from, the report URL); the CLI and a server call it. What the
//! original does and where this differs: `ORIGINAL-API.md` section 4 and
//! the README ("Boot actions").

mod arm;
mod context;
mod design;
mod locations;
mod node;
pub mod pipeline;
mod render;
mod signal;
mod status;
mod tarball;
pub mod ulid;

use std::fmt;

use drydock_store::{StoreError, Uuid};

pub use arm::Armed;
pub use context::{
    ActionInfo, DEFAULT_REPORT_URL, TemplateContext, node_context, public_design_ref,
    template_context,
};
pub use design::{RenderedAction, render_node};
pub use locations::{DEFAULT_LOCATION_SCHEMES, LOCATION_TTL, Locations};
pub use node::{BootActions, Refusal};
pub use render::{RenderError, RenderedAsset, render_assets};
pub use status::{Outcome, Reported};
pub use tarball::tarball;

/// Why a boot-action call failed.
#[derive(Debug)]
pub enum BootError {
    /// The store failed.
    Store(StoreError),
    /// The task names no stored design snapshot to render from.
    NoSnapshot(Uuid),
    /// The design's effective site could not be compiled.
    Design(String),
    /// The design has no such node.
    NoSuchNode(String),
    /// An asset could not be rendered.
    Render(RenderError),
    /// A boot action targeting the node has no status row in the task.
    NotArmed {
        /// The node.
        node: String,
        /// The boot action.
        action: String,
    },
}

impl fmt::Display for BootError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BootError::Store(e) => write!(f, "{e}"),
            BootError::NoSnapshot(task) => write!(
                f,
                "task {task} names no design snapshot (run validate_design for it first)"
            ),
            BootError::Design(why) => write!(f, "the design cannot be compiled: {why}"),
            BootError::NoSuchNode(node) => write!(f, "the design has no node {node}"),
            BootError::Render(e) => write!(f, "{e}"),
            BootError::NotArmed { node, action } => write!(
                f,
                "boot action {action} targets node {node} but the node was not armed with it"
            ),
        }
    }
}

impl std::error::Error for BootError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BootError::Store(e) => Some(e),
            BootError::Render(e) => Some(e),
            _ => None,
        }
    }
}

impl From<StoreError> for BootError {
    fn from(e: StoreError) -> Self {
        BootError::Store(e)
    }
}

impl From<RenderError> for BootError {
    fn from(e: RenderError) -> Self {
        BootError::Render(e)
    }
}
