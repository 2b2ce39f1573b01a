//! A task's boot actions and, waited for, the original's `bootaction_report`.

use std::time::Duration;

use drydock_store::{BootAction, ResultStatus, Uuid};
use serde::Serialize;

use super::{BootActions, BootError, ulid};

/// How a boot action ended, as `bootaction_report` tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The node reported success.
    Success,
    /// The node reported failure.
    Failure,
    /// Still incomplete when the wait ended.
    Timeout,
    /// It does not report (`signaling: false`).
    Unreported,
    /// Not waited for: still incomplete.
    Incomplete,
}

/// A boot action of a task and its outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reported {
    /// The node.
    pub node_name: String,
    /// The boot action.
    pub action_name: String,
    /// Its id, as 26-character ULID text.
    pub action_id: String,
    /// The status stored.
    pub action_status: String,
    /// The outcome.
    pub outcome: Outcome,
}

impl Reported {
    fn of(row: &BootAction, waited: bool) -> Self {
        let outcome = match &row.status {
            ResultStatus::Success => Outcome::Success,
            ResultStatus::Failure => Outcome::Failure,
            ResultStatus::Unreported => Outcome::Unreported,
            _ if waited => Outcome::Timeout,
            _ => Outcome::Incomplete,
        };
        Reported {
            node_name: row.node_name.clone(),
            action_name: row.action_name.clone(),
            action_id: ulid::to_text(row.action_id),
            action_status: row.status.as_str().to_owned(),
            outcome,
        }
    }
}

impl BootActions {
    /// The boot actions task `task_id` armed nodes with, by node then id.
    pub async fn status(&self, task_id: Uuid) -> Result<Vec<Reported>, BootError> {
        self.store.get_task(task_id).await?;
        let rows = self.store.task_boot_actions(task_id).await?;
        Ok(rows.iter().map(|r| Reported::of(r, false)).collect())
    }

    /// Waits until none of the task's boot actions is incomplete, or
    /// `timeout` passes (what stays incomplete is then a timeout), polling
    /// every `poll`.
    pub async fn wait(
        &self,
        task_id: Uuid,
        timeout: Duration,
        poll: Duration,
    ) -> Result<Vec<Reported>, BootError> {
        self.store.get_task(task_id).await?;
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let rows = self.store.task_boot_actions(task_id).await?;
            let pending = rows.iter().any(|r| r.status == ResultStatus::Incomplete);
            let now = tokio::time::Instant::now();
            if !pending || now >= deadline {
                return Ok(rows.iter().map(|r| Reported::of(r, true)).collect());
            }
            tokio::time::sleep(poll.min(deadline - now)).await;
        }
    }
}
