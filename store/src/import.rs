//! Rows brought over from another database (the original Drydock's), written
//! as they are, each only if it is not there yet: what an importer hands to
//! [`crate::Store::import_rows`].

use uuid::Uuid;

use crate::boot::identity_key;
use crate::error::Result;
use crate::model::{BuildData, NewResultMessage, ResultMessage, name};
use crate::task::Task;

/// A node's boot-action context as the source had it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedBootContext {
    /// The node.
    pub node_name: String,
    /// The task that deployed it.
    pub task_id: Uuid,
    /// The node's identity key as the source kept it; stored as its SHA-256.
    pub identity_key: Vec<u8>,
}

/// A boot action sent to a node, as the source had it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedBootAction {
    /// Its id (the original's binary ULID, as 16 bytes).
    pub action_id: Uuid,
    /// The node.
    pub node_name: String,
    /// The boot action's name.
    pub action_name: String,
    /// The task that sent it.
    pub task_id: Uuid,
    /// The node's identity key; stored as its SHA-256.
    pub identity_key: Vec<u8>,
    /// Its status as stored there (`incomplete`, `unreported`, `success`, `failure`).
    pub status: String,
}

/// One batch of imported rows; [`crate::Store::import_rows`] writes it in one
/// transaction.
#[derive(Clone, Debug, Default)]
pub struct ImportBatch {
    /// Whole tasks; `message_seq` and `result_error_count` must agree with
    /// the messages imported for them.
    pub tasks: Vec<ImportedTask>,
    /// Result messages, numbered per task already.
    pub messages: Vec<ResultMessage>,
    /// Build data.
    pub build_data: Vec<BuildData>,
    /// Boot-action contexts.
    pub boot_contexts: Vec<ImportedBootContext>,
    /// Boot actions.
    pub boot_actions: Vec<ImportedBootAction>,
}

/// A task to import, with the last message sequence it will have.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedTask {
    /// The task as it will be stored (`version` and claim fields are ignored).
    pub task: Task,
    /// The number of result messages it has (its last sequence).
    pub message_seq: i64,
}

/// How many rows of each kind a batch added (the rest were there already).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportWritten {
    /// Tasks added.
    pub tasks: u64,
    /// Messages added.
    pub messages: u64,
    /// Build data added.
    pub build_data: u64,
    /// Boot-action contexts added.
    pub boot_contexts: u64,
    /// Boot actions added.
    pub boot_actions: u64,
}

impl ImportBatch {
    /// Whether the batch holds nothing.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
            && self.messages.is_empty()
            && self.build_data.is_empty()
            && self.boot_contexts.is_empty()
            && self.boot_actions.is_empty()
    }

    pub(crate) fn validate(&self) -> Result<()> {
        for t in &self.tasks {
            t.task.validate()?;
        }
        for m in &self.messages {
            NewResultMessage {
                message: m.message.clone(),
                error: m.error,
                context: m.context.clone(),
                context_type: m.context_type.clone(),
                ts: m.ts,
                extra: m.extra.clone(),
            }
            .validate()?;
        }
        for d in &self.build_data {
            d.validate()?;
        }
        for c in &self.boot_contexts {
            name("boot_action.node_name", &c.node_name)?;
            identity_key(&c.identity_key)?;
        }
        for a in &self.boot_actions {
            name("boot_action.node_name", &a.node_name)?;
            name("boot_action.action_name", &a.action_name)?;
            name("boot_action.status", &a.status)?;
            identity_key(&a.identity_key)?;
        }
        Ok(())
    }
}
