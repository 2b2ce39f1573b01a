//! Layers: behaviour that wraps any [`Driver`], OpenDAL style, so a driver
//! holds only what is specific to its scheme.
//!
//! The [`crate::Resolver`] applies, outermost first, [`CancelLayer`],
//! [`DeadlineLayer`] and [`RetryLayer`] around every driver: cancellation and
//! the overall deadline are enforced here and nowhere else, and every driver
//! gets the same retries (typed transient errors, exponential backoff with
//! jitter, `Retry-After`, never past the deadline). A program adds its own
//! layers (metrics, a cache) with [`crate::ResolverBuilder::layer`].

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::driver::{Capabilities, Driver};
use crate::error::{Error, Result};
use crate::fetch::{FetchOptions, Fetched};
use crate::reference::DesignRef;

/// Wraps a driver in another that adds behaviour.
pub trait Layer: Send + Sync + fmt::Debug + 'static {
    /// `inner` with this layer's behaviour around it.
    fn layer(&self, inner: Arc<dyn Driver>) -> Arc<dyn Driver>;
}

/// What the retry layer tells the deadline layer, so that a deadline error
/// says how many attempts were made and how the last one failed.
#[derive(Debug, Default)]
pub(crate) struct Progress {
    pub attempts: u32,
    pub last: Option<Error>,
}

pub(crate) type SharedProgress = Arc<Mutex<Progress>>;

fn lock(p: &SharedProgress) -> std::sync::MutexGuard<'_, Progress> {
    p.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

macro_rules! forward_identity {
    () => {
        fn capabilities(&self) -> Capabilities {
            self.inner.capabilities()
        }
        fn immutable(&self, reference: &DesignRef) -> bool {
            self.inner.immutable(reference)
        }
        fn admit(&self, reference: &DesignRef) -> Result<()> {
            self.inner.admit(reference)
        }
        fn access(&self, reference: &DesignRef, options: &FetchOptions) -> crate::Access {
            self.inner.access(reference, options)
        }
    };
}

/// Stops a fetch as soon as [`FetchOptions::cancel`] is triggered, before
/// it starts or while it runs (the driver's future is dropped).
#[derive(Clone, Copy, Debug, Default)]
pub struct CancelLayer;

impl Layer for CancelLayer {
    fn layer(&self, inner: Arc<dyn Driver>) -> Arc<dyn Driver> {
        Arc::new(Cancelling { inner })
    }
}

#[derive(Debug)]
struct Cancelling {
    inner: Arc<dyn Driver>,
}

#[async_trait]
impl Driver for Cancelling {
    forward_identity!();

    async fn fetch(&self, reference: &DesignRef, options: &FetchOptions) -> Result<Fetched> {
        let cancelled = || Error::Cancelled {
            reference: reference.redacted().to_owned(),
        };
        if options.cancel.is_cancelled() {
            return Err(cancelled());
        }
        tokio::select! {
            biased;
            _ = options.cancel.cancelled() => Err(cancelled()),
            outcome = self.inner.fetch(reference, options) => outcome,
        }
    }
}

/// Ends a fetch with [`Error::DeadlineExceeded`] when
/// [`FetchOptions::deadline`] has passed, naming the attempts made and the
/// last error; the driver's future is dropped (so its work stops).
#[derive(Clone, Copy, Debug, Default)]
pub struct DeadlineLayer;

impl Layer for DeadlineLayer {
    fn layer(&self, inner: Arc<dyn Driver>) -> Arc<dyn Driver> {
        Arc::new(Deadlined { inner })
    }
}

#[derive(Debug)]
struct Deadlined {
    inner: Arc<dyn Driver>,
}

#[async_trait]
impl Driver for Deadlined {
    forward_identity!();

    async fn fetch(&self, reference: &DesignRef, options: &FetchOptions) -> Result<Fetched> {
        let progress = SharedProgress::default();
        let mut inner_options = options.clone();
        inner_options.progress = Some(progress.clone());
        let at = later(options.deadline);
        match tokio::time::timeout_at(at, self.inner.fetch(reference, &inner_options)).await {
            Ok(outcome) => outcome,
            Err(_elapsed) => {
                let mut p = lock(&progress);
                Err(Error::DeadlineExceeded {
                    reference: reference.redacted().to_owned(),
                    deadline: options.deadline,
                    attempts: p.attempts,
                    last: p.last.take().map(Box::new),
                })
            }
        }
    }
}

/// Now plus `d`, saturating far in the future (`Duration::MAX` means no deadline).
pub(crate) fn later(d: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(d)
        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600))
}

/// When to retry: exponential backoff with full jitter and a cap on attempts;
/// the fetch's deadline always wins. Configured as `[retry]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1: never retry), at most 100.
    /// Default 5.
    #[serde(rename = "attempts", deserialize_with = "attempts")]
    pub max_attempts: u32,
    /// Backoff before the second attempt. Default 100 ms.
    #[serde(with = "crate::config::duration")]
    pub initial_backoff: Duration,
    /// Largest backoff. Default 5 s.
    #[serde(with = "crate::config::duration")]
    pub max_backoff: Duration,
    /// Growth factor per attempt, 1 to 100. Default 2.
    #[serde(deserialize_with = "multiplier")]
    pub multiplier: f64,
    /// Largest `Retry-After` honoured; a longer one gives up at once. Default 60 s.
    #[serde(with = "crate::config::duration")]
    pub max_retry_after: Duration,
}

/// Reads a growth factor: a finite number from 1 to 100.
fn multiplier<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<f64, D::Error> {
    let m = f64::deserialize(d)?;
    if !(1.0..=100.0).contains(&m) {
        return Err(serde::de::Error::custom(format!(
            "{m} is not a growth factor from 1 to 100"
        )));
    }
    Ok(m)
}

/// Reads an attempt count: 1 to 100.
fn attempts<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<u32, D::Error> {
    let n = u64::deserialize(d)?;
    match u32::try_from(n) {
        Ok(n @ 1..=100) => Ok(n),
        _ => Err(serde::de::Error::custom(format!(
            "{n} is not a number of attempts from 1 to 100"
        ))),
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            multiplier: 2.0,
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn never() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }
    /// Sets the attempt cap (at least 1).
    pub fn with_max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }
    /// Sets the initial and largest backoff.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }
    /// Sets the largest `Retry-After` honoured.
    pub fn with_max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// The backoff after failed attempt number `attempt` (1-based): a random
    /// duration between half and all of `initial * multiplier^(attempt-1)`,
    /// capped at `max_backoff`.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .multiplier
            .max(1.0)
            .powi(attempt.saturating_sub(1).min(30) as i32);
        // Checked: no initial backoff or factor, however large, overflows.
        let full = Duration::try_from_secs_f64(self.initial_backoff.as_secs_f64() * exp.min(1e9))
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff);
        let half = full / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// Retries transient failures ([`Error::is_retryable`]) with the
/// [`RetryPolicy`]'s backoff, honouring a source's `Retry-After`, and gives up
/// with [`Error::Retried`] (the last error, the attempts made) when the cap is
/// reached or the next wait would pass the deadline.
#[derive(Clone, Debug, Default)]
pub struct RetryLayer {
    policy: RetryPolicy,
}

impl RetryLayer {
    /// A retry layer with this policy.
    pub fn new(policy: RetryPolicy) -> Self {
        RetryLayer { policy }
    }
    /// The policy.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }
}

impl Layer for RetryLayer {
    fn layer(&self, inner: Arc<dyn Driver>) -> Arc<dyn Driver> {
        Arc::new(Retrying {
            inner,
            policy: self.policy.clone(),
        })
    }
}

#[derive(Debug)]
struct Retrying {
    inner: Arc<dyn Driver>,
    policy: RetryPolicy,
}

#[async_trait]
impl Driver for Retrying {
    forward_identity!();

    async fn fetch(&self, reference: &DesignRef, options: &FetchOptions) -> Result<Fetched> {
        let deadline_at = later(options.deadline);
        let give_up = |error: Error, attempt: u32| {
            if attempt > 1 {
                Error::Retried {
                    attempts: attempt,
                    last: Box::new(error),
                }
            } else {
                error
            }
        };
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            if let Some(p) = &options.progress {
                lock(p).attempts = attempt;
            }
            let error = match self.inner.fetch(reference, options).await {
                Ok(fetched) => return Ok(fetched),
                Err(error) => error,
            };
            if !error.is_retryable() || attempt >= self.policy.max_attempts {
                return Err(give_up(error, attempt));
            }
            let wait = match error.retry_after() {
                Some(asked) if asked > self.policy.max_retry_after => {
                    return Err(give_up(error, attempt));
                }
                Some(asked) => asked,
                None => self.policy.backoff(attempt),
            };
            if later(wait) >= deadline_at {
                tracing::debug!(reference = %reference, attempt, ?wait, "the next attempt would pass the deadline: giving up");
                return Err(give_up(error, attempt));
            }
            tracing::debug!(reference = %reference, attempt, ?wait, error = %error, "retrying");
            match &options.progress {
                Some(p) => lock(p).last = Some(error),
                None => drop(error),
            }
            tokio::time::sleep(wait).await;
        }
    }
}

/// The layers every resolver applies, outermost first: cancellation, the
/// deadline, then retries with `policy`.
pub fn standard_layers(policy: RetryPolicy) -> Vec<Arc<dyn Layer>> {
    vec![
        Arc::new(CancelLayer),
        Arc::new(DeadlineLayer),
        Arc::new(RetryLayer::new(policy)),
    ]
}

/// `driver` wrapped in `layers` (the first is the outermost).
pub fn apply_layers(layers: &[Arc<dyn Layer>], driver: Arc<dyn Driver>) -> Arc<dyn Driver> {
    layers
        .iter()
        .rev()
        .fold(driver, |inner, layer| layer.layer(inner))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_jittered_and_capped() {
        let p =
            RetryPolicy::default().with_backoff(Duration::from_millis(100), Duration::from_secs(1));
        for attempt in 1..40 {
            let full = Duration::from_millis(100)
                .mul_f64(2f64.powi(attempt.min(31) as i32 - 1))
                .min(Duration::from_secs(1));
            let b = p.backoff(attempt);
            assert!(
                b >= full / 2 && b <= full,
                "attempt {attempt}: {b:?} vs {full:?}"
            );
        }
        let samples: std::collections::HashSet<_> = (0..20).map(|_| p.backoff(3)).collect();
        assert!(samples.len() > 1, "no jitter");
    }

    #[test]
    fn policy_reads_from_configuration_text() {
        let p: RetryPolicy = serde_json::from_value(serde_json::json!({
            "attempts": 3, "initial_backoff": "10ms", "max_retry_after": "2s"
        }))
        .unwrap();
        assert_eq!(p.max_attempts, 3);
        assert_eq!(p.initial_backoff, Duration::from_millis(10));
        assert_eq!(p.max_retry_after, Duration::from_secs(2));
        assert!(serde_json::from_value::<RetryPolicy>(serde_json::json!({"atempts": 3})).is_err());
    }
}
