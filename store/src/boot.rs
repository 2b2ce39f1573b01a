//! Boot actions, as the original keeps them: per node, the context a node
//! fetches its boot-action assets with, and per action sent to a node, the
//! status the node reports. A node's identity key is stored as its SHA-256,
//! never as it is, and a presented key is compared in constant time.

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use sqlx::types::Text;
use subtle::ConstantTimeEq;
use uuid::Uuid;

use crate::enums::ResultStatus;
use crate::error::{Result, StoreError};
use crate::sql::from_rows;

/// Shortest identity key accepted (the original's are 32 random bytes).
pub const MIN_IDENTITY_KEY_LEN: usize = 16;
/// Longest identity key accepted.
pub const MAX_IDENTITY_KEY_LEN: usize = 1024;

/// What a node fetches its boot-action assets in the context of.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BootActionContext {
    /// The node.
    pub node_name: String,
    /// The task deploying it.
    pub task_id: Uuid,
}

from_rows!(BootActionContext, |row| Ok(BootActionContext {
    node_name: row.try_get("node_name")?,
    task_id: row.try_get("task_id")?,
}));

/// A boot action sent to a node, and what the node reported of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BootAction {
    /// Its id.
    pub action_id: Uuid,
    /// The node it runs on.
    pub node_name: String,
    /// The boot action's name.
    pub action_name: String,
    /// The task that sent it.
    pub task_id: Uuid,
    /// `incomplete` when sent, then `success` or `failure` as the node reports.
    pub status: ResultStatus,
}

from_rows!(BootAction, |row| Ok(BootAction {
    action_id: row.try_get("action_id")?,
    node_name: row.try_get("node_name")?,
    action_name: row.try_get("action_name")?,
    task_id: row.try_get("task_id")?,
    status: row.try_get::<Text<ResultStatus>, _>("action_status")?.0,
}));

/// The SHA-256 of an identity key: what is stored.
pub(crate) fn key_hash(key: &[u8]) -> Vec<u8> {
    Sha256::digest(key).to_vec()
}

/// Whether `presented` hashes to `stored`, compared in constant time.
pub(crate) fn key_matches(stored: &[u8], presented: &[u8]) -> bool {
    bool::from(stored.ct_eq(&key_hash(presented)))
}

/// An identity key is [`MIN_IDENTITY_KEY_LEN`] to [`MAX_IDENTITY_KEY_LEN`] bytes.
pub(crate) fn identity_key(key: &[u8]) -> Result<()> {
    if !(MIN_IDENTITY_KEY_LEN..=MAX_IDENTITY_KEY_LEN).contains(&key.len()) {
        return Err(StoreError::Invalid {
            field: "boot_action.identity_key".into(),
            reason: format!(
                "{} bytes long; {MIN_IDENTITY_KEY_LEN} to {MAX_IDENTITY_KEY_LEN} are accepted",
                key.len()
            ),
        });
    }
    Ok(())
}

/// A status a boot action starts in: incomplete or unreported.
pub(crate) fn initial(status: &ResultStatus) -> Result<()> {
    match status {
        ResultStatus::Incomplete | ResultStatus::Unreported => Ok(()),
        other => Err(StoreError::Invalid {
            field: "boot_action.status".into(),
            reason: format!(
                "{other} is not a status a boot action starts in (incomplete or unreported)"
            ),
        }),
    }
}

/// A status a node reports: success or failure.
pub(crate) fn reported(status: &ResultStatus) -> Result<()> {
    match status {
        ResultStatus::Success | ResultStatus::Failure => Ok(()),
        other => Err(StoreError::Invalid {
            field: "boot_action.status".into(),
            reason: format!("{other} is not a status a node reports (success or failure)"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_hashed_and_compared() {
        let key = [7u8; 32];
        let stored = key_hash(&key);
        assert_eq!(stored.len(), 32);
        assert_ne!(stored, key.to_vec(), "never the key itself");
        assert!(key_matches(&stored, &key));
        assert!(!key_matches(&stored, &[8u8; 32]));
        assert!(
            !key_matches(&stored[..31], &key),
            "a truncated hash matches nothing"
        );
    }
}
