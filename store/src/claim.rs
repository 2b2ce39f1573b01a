//! Claims on queued tasks: who takes them, for how long, and what happens
//! to the claims of a worker that stopped.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::enums::TaskAction;
use crate::error::{Result, StoreError};

/// The longest lease accepted (a week): a claim is meant to be renewed.
pub const MAX_LEASE: Duration = Duration::from_secs(7 * 24 * 3600);

/// The most tasks one claim takes.
pub const MAX_CLAIM_BATCH: u32 = 1000;

/// Who claims tasks and for how long: the claim holds until `lease` after it
/// was made or last renewed ([`crate::Store::renew_claims`]).
///
/// ```
/// use std::time::Duration;
/// use drydock_store::{Claim, TaskAction, Uuid};
/// let worker = Uuid::new_v4();
/// let claim = Claim::new(worker, Duration::from_secs(30)).of(&[TaskAction::DeployNode]);
/// assert_eq!(claim.actions, [TaskAction::DeployNode]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    /// The worker taking the tasks (e.g. the orchestrator instance's id).
    pub owner: Uuid,
    /// How long a claim holds without renewal.
    pub lease: Duration,
    /// Only tasks doing one of these (empty: any).
    pub actions: Vec<TaskAction>,
}

impl Claim {
    /// Claims by `owner` for `lease`, of any action.
    pub fn new(owner: Uuid, lease: Duration) -> Self {
        Claim {
            owner,
            lease,
            actions: Vec::new(),
        }
    }

    /// Only of these actions.
    pub fn of(mut self, actions: &[TaskAction]) -> Self {
        self.actions = actions.to_vec();
        self
    }

    pub(crate) fn validate(&self) -> Result<()> {
        lease(self.lease)
    }
}

/// A lease is longer than zero and at most [`MAX_LEASE`].
pub(crate) fn lease(lease: Duration) -> Result<()> {
    if lease.is_zero() || lease > MAX_LEASE {
        return Err(StoreError::Invalid {
            field: "claim.lease".into(),
            reason: format!("{lease:?}; a lease lasts more than zero and at most a week"),
        });
    }
    Ok(())
}

/// What [`crate::Store::requeue_expired`] did with the tasks whose lease lapsed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requeued {
    /// Back in the queue, one more attempt counted.
    pub requeued: Vec<Uuid>,
    /// Given up on (their lease lapsed `max_attempts` times): complete, failed, with a reason.
    pub failed: Vec<Uuid>,
}

impl Requeued {
    /// Lapsed tasks sorted by their new status: queued, or given up on.
    pub(crate) fn from_rows(rows: Vec<(Uuid, String)>) -> Self {
        let mut out = Requeued::default();
        for (id, status) in rows {
            if status == "queued" {
                out.requeued.push(id);
            } else {
                out.failed.push(id);
            }
        }
        out
    }
}

/// The reason a task whose claims kept lapsing is failed with.
pub(crate) fn gave_up(max_attempts: u32) -> String {
    format!(
        "claimed {max_attempts} times and every claim lapsed: the workers holding it stopped \
         renewing their lease (crashed or cut off)"
    )
}
