//! The work-queue calls of [`Store`]: claims and their leases, waiting for
//! work, the leadership lease, and liveness.

use std::time::Duration;

use uuid::Uuid;

use super::{MAX_GRACE, Store};
use crate::claim::{Claim, MAX_CLAIM_BATCH, Requeued, lease};
use crate::enums::TaskAction;
use crate::error::{Result, StoreError};
use crate::model::Leader;
use crate::task::Task;

impl Store {
    /// Claims the oldest queued task (of `claim.actions`, unless empty) that
    /// is not asked to terminate: it becomes running, owned by `claim.owner`
    /// until its lease lapses. No two callers, in any process, get the same task.
    pub async fn claim_next_task(&self, claim: &Claim) -> Result<Option<Task>> {
        Ok(self.claim_tasks(claim, 1).await?.into_iter().next())
    }

    /// Claims up to `limit` (1 to [`MAX_CLAIM_BATCH`]) of the oldest queued
    /// tasks in one statement, oldest first, as [`Store::claim_next_task`]
    /// does one: each task goes to exactly one caller.
    pub async fn claim_tasks(&self, claim: &Claim, limit: u32) -> Result<Vec<Task>> {
        claim.validate()?;
        let limit = limit.clamp(1, MAX_CLAIM_BATCH);
        dispatch!(self.claim_tasks(claim, limit))
    }

    /// Extends to `lease` from now the claims `owner` holds on running tasks;
    /// returns how many. A worker calls it well within its lease.
    pub async fn renew_claims(&self, owner: Uuid, lease_for: Duration) -> Result<u64> {
        lease(lease_for)?;
        dispatch!(self.renew_claims(owner, lease_for))
    }

    /// Finishes a claimed task in one transaction: writes `task` (its result,
    /// status, snapshot…) and appends `messages`, only if `owner` still holds
    /// the claim and nobody changed the task since it was read; returns it as
    /// stored. Otherwise nothing is written and the error is
    /// [`StoreError::Conflict`]: the claim lapsed (another worker may run the
    /// task) or the task was changed. A task is thus finished exactly once.
    pub async fn finish_task(
        &self,
        task: &Task,
        owner: Uuid,
        messages: &[crate::model::NewResultMessage],
    ) -> Result<Task> {
        self.finish_claimed(task, owner, messages).await?;
        self.get_task(task.task_id).await
    }

    /// As [`Store::finish_task`], without reading the task back: for a
    /// worker, which knows what it wrote (one transaction, no read after it).
    pub async fn finish_claimed(
        &self,
        task: &Task,
        owner: Uuid,
        messages: &[crate::model::NewResultMessage],
    ) -> Result<()> {
        task.validate()?;
        messages
            .iter()
            .try_for_each(crate::model::NewResultMessage::validate)?;
        let written: bool = dispatch!(self.finish_task(task, owner, messages))?;
        if !written {
            return Err(StoreError::Conflict {
                what: format!("task {}", task.task_id),
                reason: "it is no longer claimed by this worker at the version read \
                         (its lease lapsed, or it was changed): not finished here"
                    .into(),
            });
        }
        Ok(())
    }

    /// Gives a claimed task back (a clean shutdown): queued again, no attempt
    /// counted; false when `owner` does not hold it.
    pub async fn release_task(&self, task_id: Uuid, owner: Uuid) -> Result<bool> {
        dispatch!(self.release_task(task_id, owner))
    }

    /// Deals with the running tasks whose lease lapsed (their worker stopped
    /// renewing it): one more attempt is counted and the task is queued again,
    /// or, at `max_attempts` attempts, completed as failed with a reason.
    pub async fn requeue_expired(&self, max_attempts: u32) -> Result<Requeued> {
        if max_attempts == 0 {
            return Err(StoreError::Invalid {
                field: "max_attempts".into(),
                reason: "is zero; at least one attempt is needed".into(),
            });
        }
        dispatch!(self.requeue_expired(max_attempts))
    }

    /// Returns true as soon as a task may be queued (one is, or one was
    /// queued while waiting), false after `timeout`. PostgreSQL is told by
    /// `LISTEN`/`NOTIFY` (a trigger notifies on insert and requeue); SQLite
    /// is looked at every 100 ms. Never a busy loop.
    pub async fn wait_for_task(&self, timeout: Duration) -> Result<bool> {
        dispatch!(self.wait_for_task(&[], timeout))
    }

    /// As [`Store::wait_for_task`], but only a queued task doing one of
    /// `actions` (empty: any) counts: a worker waits with the actions it
    /// claims, so tasks left for other workers do not wake it again and again.
    pub async fn wait_for_work(&self, actions: &[TaskAction], timeout: Duration) -> Result<bool> {
        dispatch!(self.wait_for_task(actions, timeout))
    }

    /// One cheap round trip to the database: `Ok` when it answers.
    pub async fn ping(&self) -> Result<()> {
        dispatch!(self.ping())
    }

    /// Takes or renews leadership for `instance`: succeeds if nobody leads, if
    /// `instance` already does, or if the leader's last ping is older than `grace`.
    /// A grace period longer than a century counts as a century.
    pub async fn claim_leadership(&self, instance: Uuid, grace: Duration) -> Result<bool> {
        let grace = grace.min(MAX_GRACE);
        dispatch!(self.claim_leadership(instance, grace))
    }

    /// Pings the lease; false when `instance` is not the leader (any more).
    pub async fn maintain_leadership(&self, instance: Uuid) -> Result<bool> {
        dispatch!(self.maintain_leadership(instance))
    }

    /// Gives up the lease; false when `instance` was not the leader.
    pub async fn abdicate_leadership(&self, instance: Uuid) -> Result<bool> {
        dispatch!(self.abdicate_leadership(instance))
    }

    /// The current lease holder, if any (its lease may have expired: see `last_ping`).
    pub async fn current_leader(&self) -> Result<Option<Leader>> {
        dispatch!(self.current_leader())
    }
}
