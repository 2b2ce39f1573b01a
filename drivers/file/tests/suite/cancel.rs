//! Cancellation and the deadline stop a fetch.

use crate::common;

use std::time::{Duration, Instant};

use std::sync::Arc;

use common::reference;
use drydock_core::layer::{apply_layers, standard_layers};
use drydock_core::{CancellationToken, Driver, Error, ErrorKind, FetchOptions, RetryPolicy};
use drydock_driver_file::FileDriver;

/// A sparse 512 MiB file: takes a while to read, occupies no disk.
fn sparse_file(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let path = dir.path().join("sparse.yaml");
    std::fs::File::create(&path)
        .unwrap()
        .set_len(512 << 20)
        .unwrap();
    path
}

#[tokio::test]
async fn an_already_cancelled_fetch_does_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = sparse_file(&dir);
    let cancel = CancellationToken::new();
    cancel.cancel();
    let options = FetchOptions::default()
        .with_max_size(1 << 30)
        .with_cancel(cancel);
    let err = FileDriver::default()
        .fetch(&reference(&path), &options)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cancelled);
    // One variant for a cancellation, whichever driver saw it.
    assert!(matches!(err, Error::Cancelled { .. }), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_during_the_read_returns_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = sparse_file(&dir);
    let cancel = CancellationToken::new();
    let options = FetchOptions::default()
        .with_max_size(1 << 30)
        .with_cancel(cancel.clone());
    let canceller = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(2)).await;
        cancel.cancel();
    });
    let started = Instant::now();
    let err = FileDriver::default()
        .fetch(&reference(&path), &options)
        .await
        .unwrap_err();
    canceller.await.unwrap();
    assert_eq!(err.kind(), ErrorKind::Cancelled, "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deadline_stops_a_slow_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = sparse_file(&dir);
    let options = FetchOptions::default()
        .with_max_size(1 << 30)
        .with_deadline(Duration::from_millis(2));
    // The deadline is the resolver's layer, the same for every driver: the
    // file driver's part is to stop reading when its future is dropped.
    let layers = standard_layers(RetryPolicy::default());
    let driver = apply_layers(&layers, Arc::new(FileDriver::default()));
    let started = Instant::now();
    let err = driver.fetch(&reference(&path), &options).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DeadlineExceeded, "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}
