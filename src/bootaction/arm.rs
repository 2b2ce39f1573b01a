//! Arming a node for a task: what the original's MAAS driver does at deploy.

use drydock_store::{BootAction, ResultStatus, Store, Uuid};

use super::{BootError, design, ulid};

/// A node armed: its fresh key (handed out once, stored only as its
/// SHA-256) and the status rows of the boot actions targeting it.
#[derive(Clone, PartialEq, Eq)]
pub struct Armed {
    /// The node.
    pub node: String,
    /// The task deploying it.
    pub task_id: Uuid,
    /// The node's key.
    pub key: [u8; 32],
    /// One row per boot action targeting the node, in document order.
    pub actions: Vec<BootAction>,
}

impl std::fmt::Debug for Armed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Armed")
            .field("node", &self.node)
            .field("task_id", &self.task_id)
            .field("key", &"***")
            .field("actions", &self.actions)
            .finish()
    }
}

impl Armed {
    /// The key as 64 hex characters (what `X-Bootaction-Key` carries).
    pub fn key_hex(&self) -> String {
        hex::encode(self.key)
    }
}

/// Arms `node` for task `task_id`: a fresh 32-byte key, one status row per
/// boot action of the task's design snapshot targeting the node
/// (`incomplete`, or `unreported` with `signaling: false`), then the node's
/// context (replacing an earlier key; earlier rows stay).
pub async fn arm(store: &Store, task_id: Uuid, node: &str) -> Result<Armed, BootError> {
    let task = store.get_task(task_id).await?;
    let snapshot = task
        .design_snapshot_id
        .ok_or(BootError::NoSnapshot(task_id))?;
    let design = store.get_snapshot(snapshot).await?.model;
    let targeting = design::targeting(&design, node)?;
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| {
        BootError::Store(drydock_store::StoreError::Invalid {
            field: "boot_action.identity_key".into(),
            reason: format!("no randomness for a key: {e}"),
        })
    })?;
    let mut actions = Vec::with_capacity(targeting.len());
    for (name, signaling) in targeting {
        let status = if signaling {
            ResultStatus::Incomplete
        } else {
            ResultStatus::Unreported
        };
        let id = ulid::new_action_id();
        actions.push(
            store
                .post_boot_action_with_status(node, task_id, &key, (id, &name), status)
                .await?,
        );
    }
    store.post_boot_action_context(node, task_id, &key).await?;
    Ok(Armed {
        node: node.to_owned(),
        task_id,
        key,
        actions,
    })
}
