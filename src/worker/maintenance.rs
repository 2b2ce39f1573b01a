//! The worker's heartbeat: renews its claims' lease, takes or keeps the
//! leader lease, and, as the leader, requeues lapsed claims and applies
//! retention.

use std::sync::Arc;
use std::time::{Duration, Instant};

use drydock_core::CancellationToken;
use drydock_store::{Store, Uuid};

use super::WorkerOptions;

/// How often the leader applies retention.
const RETENTION_EVERY: Duration = Duration::from_secs(3600);

/// The running heartbeat.
pub(super) struct Heartbeat {
    stop: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

/// Starts the heartbeat of the worker `options.id`.
pub(super) fn spawn(
    store: Store,
    options: Arc<WorkerOptions>,
    stop: CancellationToken,
) -> Heartbeat {
    let every = (options.lease / 3)
        .min(options.leader_grace / 3)
        .max(Duration::from_millis(50));
    let token = stop.clone();
    let task = tokio::spawn(async move {
        let mut leading = false;
        let mut last_retention: Option<Instant> = None;
        loop {
            beat(&store, &options, &mut leading, &mut last_retention).await;
            tokio::select! {
                _ = token.cancelled() => return,
                _ = tokio::time::sleep(every) => {}
            }
        }
    });
    Heartbeat { stop, task }
}

async fn beat(
    store: &Store,
    o: &WorkerOptions,
    leading: &mut bool,
    last_retention: &mut Option<Instant>,
) {
    if let Err(e) = store.renew_claims(o.id, o.lease).await {
        tracing::warn!(worker = %o.id, error = %e, "could not renew the claims' lease");
    }
    match store.claim_leadership(o.id, o.leader_grace).await {
        Ok(now_leading) => {
            if now_leading != *leading {
                tracing::info!(worker = %o.id, leader = now_leading, "leadership changed");
            }
            *leading = now_leading;
        }
        Err(e) => {
            tracing::warn!(worker = %o.id, error = %e, "could not reach the leader lease");
            *leading = false;
        }
    }
    if !*leading {
        return;
    }
    match store.requeue_expired(o.max_attempts).await {
        Ok(out) if !out.requeued.is_empty() || !out.failed.is_empty() => {
            tracing::info!(
                requeued = out.requeued.len(),
                failed = out.failed.len(),
                "lapsed claims dealt with"
            );
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "could not requeue lapsed claims"),
    }
    if let Some(days) = o.retention_days
        && last_retention.is_none_or(|at| at.elapsed() >= RETENTION_EVERY)
    {
        *last_retention = Some(Instant::now());
        match store.delete_tasks_older_than(days).await {
            Ok(n) if n > 0 => tracing::info!(deleted = n, days, "retention applied"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not apply retention"),
        }
    }
}

impl Heartbeat {
    /// Stops the heartbeat and gives up the leader lease.
    pub(super) async fn finish(self, store: &Store, id: Uuid) {
        self.stop.cancel();
        let _ = self.task.await;
        match store.abdicate_leadership(id).await {
            Ok(true) => tracing::info!(worker = %id, "abdicated"),
            Ok(false) => {}
            Err(e) => tracing::warn!(worker = %id, error = %e, "could not abdicate"),
        }
    }
}
