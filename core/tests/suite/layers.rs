//! The shared layers, the one place deadline, retry and cancellation live:
//! applied by the resolver around any driver.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use drydock_core::{
    Bytes, CancellationToken, DesignRef, Driver, Error, ErrorKind, FetchOptions, Fetched, Registry,
    Resolver, Result, RetryPolicy, async_trait,
};

/// Fails `failures` times with `kind` (asking to wait `retry_after`), then serves.
#[derive(Debug)]
struct Flaky {
    failures: u32,
    kind: ErrorKind,
    retry_after: Option<Duration>,
    calls: AtomicU32,
    stall_after_failures: bool,
}

impl Flaky {
    fn new(failures: u32, kind: ErrorKind) -> Self {
        Flaky {
            failures,
            kind,
            retry_after: None,
            calls: AtomicU32::new(0),
            stall_after_failures: false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}: synthetic failure number {1}")]
struct Synthetic(String, u32);

#[async_trait]
impl Driver for Flaky {
    async fn fetch(&self, reference: &DesignRef, _: &FetchOptions) -> Result<Fetched> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        if call <= self.failures {
            let source = Synthetic(reference.redacted().to_owned(), call);
            return Err(
                Error::fetch(self.kind, "flaky", reference.redacted(), source)
                    .with_retry_after(self.retry_after),
            );
        }
        if self.stall_after_failures {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        Ok(Fetched::new("flaky", reference, Bytes::from_static(b"ok")))
    }
}

fn resolver(driver: Arc<Flaky>, policy: RetryPolicy) -> Resolver {
    let registry = Registry::builder()
        .driver_instance("test", "flaky", &["flaky"], driver)
        .build()
        .expect("registry");
    Resolver::builder()
        .registry(Arc::new(registry))
        .retry(policy)
        .build()
}

fn fast() -> RetryPolicy {
    RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn reference() -> DesignRef {
    DesignRef::parse("flaky://host/site.yaml?token=hunter2").unwrap()
}

#[tokio::test]
async fn transient_failures_are_retried_until_success() {
    let driver = Arc::new(Flaky::new(2, ErrorKind::Unavailable));
    let r = resolver(driver.clone(), fast());
    let fetched = r
        .fetch(&reference(), &FetchOptions::default())
        .await
        .unwrap();
    assert_eq!(&fetched.bytes[..], b"ok");
    assert_eq!(driver.calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn permanent_failures_are_not_retried() {
    for kind in [
        ErrorKind::NotFound,
        ErrorKind::PermissionDenied,
        ErrorKind::Rejected,
    ] {
        let driver = Arc::new(Flaky::new(5, kind));
        let err = resolver(driver.clone(), fast())
            .fetch(&reference(), &FetchOptions::default())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), kind);
        assert_eq!(err.attempts(), 1, "{err}");
        assert_eq!(driver.calls.load(Ordering::SeqCst), 1);
    }
}

#[tokio::test]
async fn the_attempt_cap_gives_up_with_the_last_error_and_the_count() {
    let driver = Arc::new(Flaky::new(10, ErrorKind::Unavailable));
    let err = resolver(driver.clone(), fast().with_max_attempts(3))
        .fetch(&reference(), &FetchOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Retried { attempts: 3, .. }), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    let shown = err.to_string();
    assert!(
        shown.contains("synthetic failure number 3") && shown.contains("gave up after 3 attempts"),
        "{shown}"
    );
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(err.downcast_source::<Synthetic>().is_some());
}

#[tokio::test]
async fn retry_after_is_honoured_and_a_long_one_gives_up_at_once() {
    let mut flaky = Flaky::new(1, ErrorKind::Unavailable);
    flaky.retry_after = Some(Duration::from_millis(300));
    let started = Instant::now();
    resolver(Arc::new(flaky), fast())
        .fetch(&reference(), &FetchOptions::default())
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );

    let mut flaky = Flaky::new(1, ErrorKind::Unavailable);
    flaky.retry_after = Some(Duration::from_secs(3600));
    let driver = Arc::new(flaky);
    let err = resolver(driver.clone(), fast())
        .fetch(&reference(), &FetchOptions::default())
        .await
        .unwrap_err();
    assert_eq!(driver.calls.load(Ordering::SeqCst), 1, "{err}");
}

#[tokio::test]
async fn no_retry_is_started_that_would_pass_the_deadline() {
    let driver = Arc::new(Flaky::new(10, ErrorKind::Unavailable));
    let slow = RetryPolicy::default().with_backoff(Duration::from_secs(2), Duration::from_secs(2));
    let started = Instant::now();
    let err = resolver(driver.clone(), slow)
        .fetch(
            &reference(),
            &FetchOptions::default().with_deadline(Duration::from_millis(500)),
        )
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(driver.calls.load(Ordering::SeqCst), 1);
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
}

#[tokio::test]
async fn a_deadline_names_the_attempts_and_the_last_error() {
    let mut flaky = Flaky::new(2, ErrorKind::Unavailable);
    flaky.stall_after_failures = true;
    let started = Instant::now();
    let err = resolver(Arc::new(flaky), fast())
        .fetch(
            &reference(),
            &FetchOptions::default().with_deadline(Duration::from_millis(300)),
        )
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_millis(800), "{elapsed:?}");
    assert!(
        matches!(
            &err,
            Error::DeadlineExceeded {
                attempts: 3,
                last: Some(_),
                ..
            }
        ),
        "{err:?}"
    );
    let shown = err.to_string();
    assert!(
        shown.contains("after 3 attempts") && shown.contains("synthetic failure number 2"),
        "{shown}"
    );
    assert!(!shown.contains("hunter2"), "{shown}");
}

#[tokio::test]
async fn cancellation_stops_a_fetch_in_flight_and_before_it_starts() {
    let mut flaky = Flaky::new(0, ErrorKind::Unavailable);
    flaky.stall_after_failures = true;
    let r = resolver(Arc::new(flaky), fast());
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        trigger.cancel();
    });
    let started = Instant::now();
    let err = r
        .fetch(
            &reference(),
            &FetchOptions::default().with_cancel(cancel.clone()),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cancelled);
    assert!(started.elapsed() < Duration::from_secs(2));
    let err = r
        .fetch(&reference(), &FetchOptions::default().with_cancel(cancel))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cancelled);
}
