//! Admission of design validations (`POST /validatedesign`, `POST
//! /nodefilter`): a few run at a time, a bounded number wait, the rest are
//! answered 503 with `Retry-After`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::error::ApiError;
use super::metrics::Metrics;

/// Seconds a refused caller is told to wait.
const RETRY_AFTER_SECS: u32 = 5;

/// The slots and the queue.
#[derive(Debug)]
pub struct Admission {
    slots: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
}

/// One place in the queue, given back however the wait ends (the caller
/// may go away while it waits).
struct Queued<'a> {
    admission: &'a Admission,
    metrics: &'a Metrics,
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.admission.waiting.fetch_sub(1, Ordering::SeqCst);
        self.metrics.validations_waiting.dec();
    }
}

impl Admission {
    /// `running` at a time (at least one), `max_waiting` more queued.
    pub fn new(running: usize, max_waiting: usize) -> Self {
        Admission {
            slots: Arc::new(Semaphore::new(running.max(1))),
            waiting: AtomicUsize::new(0),
            max_waiting,
        }
    }

    /// A slot, after waiting in the queue if need be; 503 with
    /// `Retry-After` when the queue is full.
    pub async fn admit(&self, metrics: &Metrics) -> Result<OwnedSemaphorePermit, ApiError> {
        if let Ok(permit) = self.slots.clone().try_acquire_owned() {
            return Ok(permit);
        }
        let busy = || {
            metrics.admission_refused.inc();
            ApiError::busy(
                "Too many design validations at once: retry later",
                RETRY_AFTER_SECS,
            )
        };
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(busy());
        }
        metrics.validations_waiting.inc();
        let _queued = Queued {
            admission: self,
            metrics,
        };
        // The semaphore is never closed.
        self.slots.clone().acquire_owned().await.map_err(|_| busy())
    }
}
