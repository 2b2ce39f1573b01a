//! The boot-action calls of [`Store`].

use uuid::Uuid;

use super::Store;
use crate::boot::{BootAction, BootActionContext, identity_key, initial, reported};
use crate::enums::ResultStatus;
use crate::error::Result;
use crate::model::name;

impl Store {
    /// Saves the context of `node_name`'s boot actions: the task deploying
    /// it and (as its SHA-256) the identity key the node will present. A
    /// node has one context; posting again replaces it.
    pub async fn post_boot_action_context(
        &self,
        node_name: &str,
        task_id: Uuid,
        key: &[u8],
    ) -> Result<()> {
        name("boot_action.node_name", node_name)?;
        identity_key(key)?;
        dispatch!(self.post_boot_action_context(node_name, task_id, key))
    }

    /// The boot-action context of `node_name`, if any (never its key).
    pub async fn boot_action_context(&self, node_name: &str) -> Result<Option<BootActionContext>> {
        name("boot_action.node_name", node_name)?;
        dispatch!(self.boot_action_context(node_name))
    }

    /// Whether `presented` is the identity key of `node_name`'s context
    /// (compared in constant time; false when the node has none).
    pub async fn check_node_key(&self, node_name: &str, presented: &[u8]) -> Result<bool> {
        name("boot_action.node_name", node_name)?;
        dispatch!(self.check_node_key(node_name, presented))
    }

    /// Records boot action `action_id` (`action_name`) sent to `node_name` by
    /// `task_id`, with the key the node reports with; its status is `incomplete`.
    pub async fn post_boot_action(
        &self,
        node_name: &str,
        task_id: Uuid,
        key: &[u8],
        action_id: Uuid,
        action_name: &str,
    ) -> Result<BootAction> {
        name("boot_action.node_name", node_name)?;
        name("boot_action.action_name", action_name)?;
        identity_key(key)?;
        let incomplete = ResultStatus::Incomplete;
        dispatch!(self.post_boot_action(
            node_name,
            task_id,
            key,
            action_id,
            action_name,
            &incomplete
        ))
    }

    /// As [`Store::post_boot_action`], with the status it starts in:
    /// `incomplete` (the node will report) or `unreported` (it will not:
    /// the boot action says `signaling: false`).
    pub async fn post_boot_action_with_status(
        &self,
        node_name: &str,
        task_id: Uuid,
        key: &[u8],
        action: (Uuid, &str),
        status: ResultStatus,
    ) -> Result<BootAction> {
        let (action_id, action_name) = action;
        name("boot_action.node_name", node_name)?;
        name("boot_action.action_name", action_name)?;
        identity_key(key)?;
        initial(&status)?;
        dispatch!(self.post_boot_action(node_name, task_id, key, action_id, action_name, &status))
    }

    /// The boot actions task `task_id` sent, by node then id.
    pub async fn task_boot_actions(&self, task_id: Uuid) -> Result<Vec<BootAction>> {
        dispatch!(self.task_boot_actions(task_id))
    }

    /// Sets what the node reported of boot action `action_id`: success or failure.
    pub async fn update_boot_action_status(
        &self,
        action_id: Uuid,
        status: ResultStatus,
    ) -> Result<BootAction> {
        reported(&status)?;
        dispatch!(self.update_boot_action_status(action_id, &status))
    }

    /// Sets the final status a node reported of boot action `action_id`
    /// only if it is still `incomplete`: the row as now stored, or `None`
    /// when it had a final status already (another report won) or does not exist.
    pub async fn finish_boot_action(
        &self,
        action_id: Uuid,
        status: ResultStatus,
    ) -> Result<Option<BootAction>> {
        reported(&status)?;
        dispatch!(self.finish_boot_action(action_id, &status))
    }

    /// The boot actions sent to `node_name`.
    pub async fn boot_actions(&self, node_name: &str) -> Result<Vec<BootAction>> {
        name("boot_action.node_name", node_name)?;
        dispatch!(self.boot_actions(node_name))
    }

    /// Boot action `action_id`, if it exists.
    pub async fn boot_action(&self, action_id: Uuid) -> Result<Option<BootAction>> {
        dispatch!(self.boot_action(action_id))
    }

    /// Whether `presented` is the key boot action `action_id` was posted with
    /// (compared in constant time; false when there is no such action).
    pub async fn check_boot_action_key(&self, action_id: Uuid, presented: &[u8]) -> Result<bool> {
        dispatch!(self.check_boot_action_key(action_id, presented))
    }
}
