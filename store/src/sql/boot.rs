//! Boot actions, the same SQL on both backends.

use sqlx::types::Text;
use uuid::Uuid;

use super::db::{Bind, Db, SqlStore};
use crate::boot::{BootAction, BootActionContext, key_hash, key_matches};
use crate::enums::ResultStatus;
use crate::error::{Result, StoreError};

/// The boot actions of node `$1`, by id.
const BOOT_ACTIONS_OF_NODE: &str = "SELECT action_id, node_name, action_name, task_id, \
    action_status FROM boot_action_status WHERE node_name = $1 ORDER BY action_id";

/// The boot actions task `$1` sent, by node then id.
const BOOT_ACTIONS_OF_TASK: &str = "SELECT action_id, node_name, action_name, task_id, \
    action_status FROM boot_action_status WHERE task_id = $1 ORDER BY node_name, action_id";

/// Boot action `$1`.
const BOOT_ACTION: &str = "SELECT action_id, node_name, action_name, task_id, \
    action_status FROM boot_action_status WHERE action_id = $1";

impl<DB: Db> SqlStore<DB> {
    pub(crate) async fn post_boot_action_context(
        &self,
        node_name: &str,
        task_id: Uuid,
        identity_key: &[u8],
    ) -> Result<()> {
        let upsert = sqlx::query(
            "INSERT INTO boot_action (node_name, task_id, identity_key) VALUES ($1, $2, $3) \
             ON CONFLICT (node_name) DO UPDATE SET task_id = excluded.task_id, \
             identity_key = excluded.identity_key",
        )
        .arg(node_name)
        .arg(task_id)
        .arg(key_hash(identity_key));
        self.execute_write(upsert).await?;
        Ok(())
    }

    pub(crate) async fn boot_action_context(
        &self,
        node_name: &str,
    ) -> Result<Option<BootActionContext>> {
        let select = "SELECT node_name, task_id FROM boot_action WHERE node_name = $1";
        self.read_optional(sqlx::query(select).arg(node_name)).await
    }

    pub(crate) async fn check_node_key(&self, node_name: &str, presented: &[u8]) -> Result<bool> {
        let select = "SELECT identity_key FROM boot_action WHERE node_name = $1";
        let stored: Option<(Vec<u8>,)> = self
            .read_optional(sqlx::query(select).arg(node_name))
            .await?;
        Ok(stored.is_some_and(|(hash,)| key_matches(&hash, presented)))
    }

    pub(crate) async fn post_boot_action(
        &self,
        node_name: &str,
        task_id: Uuid,
        identity_key: &[u8],
        action_id: Uuid,
        action_name: &str,
        status: &ResultStatus,
    ) -> Result<BootAction> {
        let insert = sqlx::query(
            "INSERT INTO boot_action_status (action_id, node_name, action_name, task_id, \
             identity_key, action_status) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .arg(action_id)
        .arg(node_name)
        .arg(action_name)
        .arg(task_id)
        .arg(key_hash(identity_key))
        .arg(Text(status));
        self.execute_write(insert).await.map_err(|e| match e {
            StoreError::Database {
                source: sqlx::Error::Database(db),
                ..
            } if db.is_unique_violation() => StoreError::Conflict {
                what: format!("boot action {action_id}"),
                reason: "a boot action with this id already exists".into(),
            },
            other => other,
        })?;
        Ok(BootAction {
            action_id,
            node_name: node_name.to_owned(),
            action_name: action_name.to_owned(),
            task_id,
            status: status.clone(),
        })
    }

    pub(crate) async fn update_boot_action_status(
        &self,
        action_id: Uuid,
        status: &ResultStatus,
    ) -> Result<BootAction> {
        let update =
            sqlx::query("UPDATE boot_action_status SET action_status = $2 WHERE action_id = $1")
                .arg(action_id)
                .arg(Text(status));
        if self.execute_write(update).await? == 0 {
            return Err(boot_action_not_found(action_id));
        }
        self.boot_action(action_id)
            .await?
            .ok_or_else(|| boot_action_not_found(action_id))
    }

    pub(crate) async fn finish_boot_action(
        &self,
        action_id: Uuid,
        status: &ResultStatus,
    ) -> Result<Option<BootAction>> {
        let update = sqlx::query(
            "UPDATE boot_action_status SET action_status = $2 \
             WHERE action_id = $1 AND action_status = $3",
        )
        .arg(action_id)
        .arg(Text(status))
        .arg(Text(&ResultStatus::Incomplete));
        if self.execute_write(update).await? == 0 {
            return Ok(None);
        }
        self.boot_action(action_id).await
    }

    pub(crate) async fn boot_actions(&self, node_name: &str) -> Result<Vec<BootAction>> {
        self.read_all(sqlx::query(BOOT_ACTIONS_OF_NODE).arg(node_name))
            .await
    }

    pub(crate) async fn task_boot_actions(&self, task_id: Uuid) -> Result<Vec<BootAction>> {
        self.read_all(sqlx::query(BOOT_ACTIONS_OF_TASK).arg(task_id))
            .await
    }

    pub(crate) async fn boot_action(&self, action_id: Uuid) -> Result<Option<BootAction>> {
        self.read_optional(sqlx::query(BOOT_ACTION).arg(action_id))
            .await
    }

    pub(crate) async fn check_boot_action_key(
        &self,
        action_id: Uuid,
        presented: &[u8],
    ) -> Result<bool> {
        let select = "SELECT identity_key FROM boot_action_status WHERE action_id = $1";
        let stored: Option<(Vec<u8>,)> = self
            .read_optional(sqlx::query(select).arg(action_id))
            .await?;
        Ok(stored.is_some_and(|(hash,)| key_matches(&hash, presented)))
    }
}

fn boot_action_not_found(action_id: Uuid) -> StoreError {
    StoreError::NotFound {
        what: "boot action",
        id: action_id.to_string(),
    }
}
