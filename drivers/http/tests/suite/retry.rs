//! Retries recover from transient failures, stop at the deadline, and
//! honour `Retry-After`, read timeouts and cancellation.
use crate::common;

use std::time::{Duration, Instant};

use bytes::Bytes;
use common::{driver, fetch, fetch_opts, fetch_with};
use drydock_core::RetryPolicy;
use drydock_core::{CancellationToken, ErrorKind};
use drydock_driver_http::HttpError;
use drydock_fixtures::{HttpFixture, Route};

#[tokio::test]
async fn a_500_then_200_recovers() {
    let server = HttpFixture::start().await.unwrap();
    server.route(
        "/flaky",
        Route::Sequence(vec![
            Route::status(500),
            Route::status(503),
            Route::content("finally"),
        ]),
    );
    let got = fetch(&driver(), server.url("/flaky").as_str(), &fetch_opts())
        .await
        .unwrap();
    assert_eq!(&got.bytes[..], b"finally");
    assert_eq!(server.hits("/flaky"), 3);
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out() {
    let server = HttpFixture::start().await.unwrap();
    server.route(
        "/busy",
        Route::Sequence(vec![Route::too_many_requests(1), Route::content("served")]),
    );
    let started = Instant::now();
    let got = fetch(&driver(), server.url("/busy").as_str(), &fetch_opts())
        .await
        .unwrap();
    assert_eq!(&got.bytes[..], b"served");
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "did not wait: {:?}",
        started.elapsed()
    );
    assert_eq!(server.hits("/busy"), 2);
}

#[tokio::test]
async fn retry_after_beyond_the_deadline_gives_up_with_the_last_error() {
    let server = HttpFixture::start().await.unwrap();
    server.route("/later", Route::too_many_requests(30));
    let started = Instant::now();
    let opts = fetch_opts().with_deadline(Duration::from_secs(3));
    let err = fetch(&driver(), server.url("/later").as_str(), &opts)
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert!(err.to_string().contains("429"), "{err}");
    assert_eq!(server.hits("/later"), 1);
}

#[tokio::test]
async fn a_stall_mid_body_hits_the_read_timeout() {
    let server = HttpFixture::start().await.unwrap();
    server.route(
        "/stall",
        Route::Stall {
            head: Bytes::from_static(b"partial"),
            content_length: Some(100),
        },
    );
    let d = driver();
    let opts = fetch_opts().with_read_timeout(Duration::from_millis(300));
    let started = Instant::now();
    let err = fetch_with(
        &d,
        RetryPolicy::never(),
        server.url("/stall").as_str(),
        &opts,
    )
    .await
    .unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(300) && elapsed < Duration::from_secs(3),
        "{elapsed:?}"
    );
    assert!(
        matches!(
            err.downcast_source::<HttpError>(),
            Some(HttpError::Timeout {
                what: "reading the body",
                ..
            })
        ),
        "{err}"
    );
    assert_eq!(err.kind(), ErrorKind::Unavailable);
}

#[tokio::test]
async fn a_stalled_body_is_retried_within_the_deadline() {
    let server = HttpFixture::start().await.unwrap();
    server.route(
        "/stall-once",
        Route::Sequence(vec![
            Route::Stall {
                head: Bytes::from_static(b"par"),
                content_length: None,
            },
            Route::content("whole"),
        ]),
    );
    let opts = fetch_opts().with_read_timeout(Duration::from_millis(200));
    let got = fetch(&driver(), server.url("/stall-once").as_str(), &opts)
        .await
        .unwrap();
    assert_eq!(&got.bytes[..], b"whole");
}

#[tokio::test]
async fn a_connection_dropped_mid_body_is_retried() {
    let server = HttpFixture::start().await.unwrap();
    server.route(
        "/drop",
        Route::Sequence(vec![
            Route::DropMidBody {
                head: Bytes::from(vec![b'a'; 10_000]),
                content_length: 50_000,
            },
            Route::content("complete"),
        ]),
    );
    let got = fetch(&driver(), server.url("/drop").as_str(), &fetch_opts())
        .await
        .unwrap();
    assert_eq!(&got.bytes[..], b"complete");
    assert_eq!(server.hits("/drop"), 2);
}

#[tokio::test]
async fn a_body_always_cut_off_reports_truncation_and_attempts() {
    let server = HttpFixture::start().await.unwrap();
    server.route(
        "/cut",
        Route::DropMidBody {
            head: Bytes::from(vec![b'a'; 1000]),
            content_length: 5000,
        },
    );
    let err = fetch(&driver(), server.url("/cut").as_str(), &fetch_opts())
        .await
        .unwrap_err();
    assert!(
        matches!(err, drydock_core::Error::Retried { attempts: 4, .. }),
        "{err:?}"
    );
    assert!(
        matches!(
            err.downcast_source::<HttpError>(),
            Some(HttpError::Truncated { .. })
        ),
        "{err}"
    );
    assert_eq!(server.hits("/cut"), 4);
}

#[tokio::test]
async fn the_deadline_bounds_a_server_that_always_answers_503() {
    let server = HttpFixture::start().await.unwrap();
    server.route("/503", Route::status(503));
    let d = driver();
    let policy = RetryPolicy::default()
        .with_max_attempts(1000)
        .with_backoff(Duration::from_millis(50), Duration::from_millis(200));
    let opts = fetch_opts().with_deadline(Duration::from_millis(1500));
    let started = Instant::now();
    let err = fetch_with(&d, policy, server.url("/503").as_str(), &opts)
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_millis(1500) + Duration::from_millis(300),
        "{elapsed:?}"
    );
    let shown = err.to_string();
    assert!(shown.contains("503"), "{shown}");
    assert!(err.downcast_source::<HttpError>().is_some(), "{err:?}");
    assert!(err.attempts() >= 2, "only {} attempts", err.attempts());
    assert_eq!(server.hits("/503") as u32, err.attempts());
}

#[tokio::test]
async fn the_deadline_stops_a_stalled_attempt() {
    let server = HttpFixture::start().await.unwrap();
    server.route(
        "/hang",
        Route::Stall {
            head: Bytes::new(),
            content_length: None,
        },
    );
    let opts = fetch_opts()
        .with_deadline(Duration::from_millis(400))
        .with_read_timeout(Duration::from_secs(30));
    let started = Instant::now();
    let err = fetch(&driver(), server.url("/hang").as_str(), &opts)
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(err.kind(), ErrorKind::DeadlineExceeded, "{err}");
    assert!(err.to_string().contains("after 1 attempt"), "{err}");
}

#[tokio::test]
async fn cancellation_stops_a_fetch_in_flight_and_before_it_starts() {
    let server = HttpFixture::start().await.unwrap();
    server.route(
        "/hang",
        Route::Stall {
            head: Bytes::new(),
            content_length: None,
        },
    );
    let cancel = CancellationToken::new();
    let opts = fetch_opts().with_cancel(cancel.clone());
    let trigger = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        trigger.cancel();
    });
    let started = Instant::now();
    let err = fetch(&driver(), server.url("/hang").as_str(), &opts)
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(err.kind(), ErrorKind::Cancelled, "{err}");
    let hits = server.hits("/hang");
    let err = fetch(&driver(), server.url("/hang").as_str(), &opts)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cancelled);
    assert_eq!(
        server.hits("/hang"),
        hits,
        "a cancelled fetch sent a request"
    );
}

#[tokio::test]
async fn an_unbounded_deadline_and_timeouts_do_not_overflow() {
    let server = HttpFixture::start().await.unwrap();
    server.put("/x", "fine");
    let opts = fetch_opts()
        .with_deadline(Duration::MAX)
        .with_connect_timeout(Duration::MAX)
        .with_read_timeout(Duration::MAX);
    let got = fetch(&driver(), server.url("/x").as_str(), &opts)
        .await
        .unwrap();
    assert_eq!(&got.bytes[..], b"fine");
}

#[tokio::test]
async fn the_read_timeout_bounds_silence_not_the_whole_body() {
    let server = HttpFixture::start().await.unwrap();
    server.route(
        "/drip",
        Route::Drip {
            chunks: 8,
            chunk: 1000,
            every: Duration::from_millis(100),
        },
    );
    let d = driver();
    let opts = fetch_opts().with_read_timeout(Duration::from_millis(400));
    let started = Instant::now();
    let got = fetch_with(
        &d,
        RetryPolicy::never(),
        server.url("/drip").as_str(),
        &opts,
    )
    .await
    .unwrap();
    assert_eq!(got.bytes.len(), 8000);
    assert!(
        started.elapsed() > Duration::from_millis(400),
        "the body was not slower than the read timeout"
    );
}
