//! Tasks as the original's API shows them, above the store (which only
//! persists): a task rendered in the REST API's shape, and a validation
//! report turned into a task's result messages. Shared by the CLI, the
//! worker and a server.

mod api;
mod messages;
mod validation;
mod walk;

pub use api::ApiTask;
pub use messages::{result_message, result_messages};
pub use validation::{load_failure_status, validation_message, validation_status};
pub use walk::{MAX_DEPTH, descendants, descendants_with_errors};
