//! The size limit: checked on the declared size, enforced while reading.

use crate::common;

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::{file_error, reference};
use drydock_core::{Driver, ErrorKind, FetchOptions};
use drydock_driver_file::{FileDriver, FileError, FileOptions};

async fn fetch_with_limit(
    driver: &FileDriver,
    path: &Path,
    limit: u64,
) -> drydock_core::Result<drydock_core::Fetched> {
    driver
        .fetch(
            &reference(path),
            &FetchOptions::default().with_max_size(limit),
        )
        .await
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.yaml");
    std::fs::write(&path, vec![b'x'; 1001]).unwrap();
    let err = fetch_with_limit(&FileDriver::default(), &path, 1000)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge);
    assert!(
        matches!(
            file_error(&err),
            FileError::TooLarge {
                limit: 1000,
                size: Some(1001),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("1001 bytes"), "{err}");
    // Exactly at the limit is fine.
    let ok = fetch_with_limit(&FileDriver::default(), &path, 1001)
        .await
        .unwrap();
    assert_eq!(ok.bytes.len(), 1001);
}

#[tokio::test]
async fn the_drivers_own_cap_applies_when_smaller() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.yaml");
    std::fs::write(&path, vec![b'x'; 600]).unwrap();
    let driver = FileDriver::new(FileOptions::default().with_max_size(500)).unwrap();
    let err = fetch_with_limit(&driver, &path, 10_000).await.unwrap_err();
    assert!(
        matches!(file_error(&err), FileError::TooLarge { limit: 500, .. }),
        "{err:?}"
    );
}

/// `/proc` files declare a size of 0 and hold more: the limit holds while reading.
#[tokio::test]
async fn a_file_that_lies_about_its_size_is_stopped_while_reading() {
    let path = Path::new("/proc/self/mountinfo");
    let declared = std::fs::metadata(path).unwrap().len();
    assert_eq!(declared, 0, "a /proc file declares 0 bytes");
    let real = std::fs::read(path).unwrap().len() as u64;
    assert!(real > 100, "it holds {real} bytes");
    let err = fetch_with_limit(&FileDriver::default(), path, 100)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
    assert!(
        matches!(
            file_error(&err),
            FileError::TooLarge {
                limit: 100,
                size: None,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("it grew, or its declared size was wrong"),
        "{err}"
    );
    // With room enough, the whole (undeclared) content is read.
    let ok = fetch_with_limit(&FileDriver::default(), path, 1 << 20)
        .await
        .unwrap();
    assert!(ok.bytes.len() as u64 > 100);
}

/// A writer appends while the driver reads, until the file passes the limit.
/// Whatever the interleaving, a fetch returns at most `limit` bytes or fails
/// with TooLarge; the outcomes seen are printed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_growing_while_read_never_yields_more_than_the_limit() {
    const LIMIT: u64 = 8 << 20;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("growing.yaml");
    let mut file = std::fs::File::create(&path).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let chunk = vec![b'y'; 16 << 10];
            let mut written = 0u64;
            while !stop.load(Ordering::Relaxed) && written < 4 * LIMIT {
                file.write_all(&chunk).unwrap();
                written += chunk.len() as u64;
            }
        })
    };
    let (mut complete, mut grew_while_read, mut declared_too_large) = (0, 0, 0);
    let driver = FileDriver::default();
    while declared_too_large == 0 {
        match fetch_with_limit(&driver, &path, LIMIT).await {
            Ok(fetched) => {
                assert!(
                    fetched.bytes.len() as u64 <= LIMIT,
                    "{} bytes returned",
                    fetched.bytes.len()
                );
                complete += 1;
            }
            Err(err) => match file_error(&err) {
                FileError::TooLarge { size: None, .. } => grew_while_read += 1,
                FileError::TooLarge { size: Some(_), .. } => declared_too_large += 1,
                other => panic!("unexpected error {other:?}"),
            },
        }
    }
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    println!(
        "complete reads: {complete}, grew past the limit while read: {grew_while_read}, \
         over the limit before reading: {declared_too_large}"
    );
}
