//! Successful fetches: bytes, metadata, percent-decoding, localhost, registration.

use crate::common;

use std::time::{Duration, SystemTime};

use common::{fetch, reference};
use drydock_core::{DesignRef, Digest, Driver, FetchOptions, Registry};
use drydock_driver_file::{FileDriver, SCHEMES};

#[tokio::test]
async fn reads_the_bytes_and_reports_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.yaml");
    std::fs::write(&path, "kind: Region\n").unwrap();
    let mtime = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();

    let fetched = fetch(&FileDriver::default(), &path).await.unwrap();
    assert_eq!(&fetched.bytes[..], b"kind: Region\n");
    let meta = &fetched.metadata;
    assert_eq!(meta.driver, "file");
    assert_eq!(meta.length, 13);
    assert_eq!(meta.digest, Digest::of(b"kind: Region\n"));
    assert_eq!(
        meta.last_modified.as_deref(),
        Some("Tue, 14 Nov 2023 22:13:20 GMT")
    );
    assert_eq!(meta.content_type.as_deref(), Some("application/yaml"));
    let canonical = std::fs::canonicalize(&path).unwrap();
    assert_eq!(
        meta.location,
        url::Url::from_file_path(canonical).unwrap().as_str()
    );
}

#[tokio::test]
async fn location_is_the_canonical_path_after_symlinks_and_dot_dot() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("real")).unwrap();
    std::fs::write(dir.path().join("real/site.yaml"), "x: 1\n").unwrap();
    std::os::unix::fs::symlink("real/site.yaml", dir.path().join("link.yaml")).unwrap();
    let via_dots = dir.path().join("real/../link.yaml");
    let fetched = fetch(&FileDriver::default(), &via_dots).await.unwrap();
    let canonical = std::fs::canonicalize(dir.path().join("real/site.yaml")).unwrap();
    assert_eq!(
        fetched.metadata.location,
        url::Url::from_file_path(canonical).unwrap().as_str()
    );
}

#[tokio::test]
async fn percent_encoded_names_are_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("my site #1 désign?.yaml");
    std::fs::write(&path, "a: b\n").unwrap();
    let r = reference(&path);
    assert!(
        r.url()
            .as_str()
            .contains("my%20site%20%231%20d%C3%A9sign%3F.yaml"),
        "{r}"
    );
    let fetched = FileDriver::default()
        .fetch(&r, &FetchOptions::default())
        .await
        .unwrap();
    assert_eq!(&fetched.bytes[..], b"a: b\n");
}

#[tokio::test]
async fn localhost_names_the_local_host() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.yaml");
    std::fs::write(&path, "a: b\n").unwrap();
    let input = format!("file://localhost{}", reference(&path).url().path());
    let r = DesignRef::parse(&input).unwrap();
    let fetched = FileDriver::default()
        .fetch(&r, &FetchOptions::default())
        .await
        .unwrap();
    assert_eq!(&fetched.bytes[..], b"a: b\n");
}

#[tokio::test]
async fn an_empty_file_is_an_empty_design() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.yaml");
    std::fs::write(&path, "").unwrap();
    assert!(
        fetch(&FileDriver::default(), &path)
            .await
            .unwrap()
            .bytes
            .is_empty()
    );
}

#[tokio::test]
async fn linking_the_crate_registers_the_file_scheme() {
    assert_eq!(SCHEMES, ["file"]);
    assert!(Registry::global().driver("file").is_ok());
    assert_eq!(Registry::global().driver_name("file"), Some("file"));
    let info = Registry::global().schemes();
    let file = info.iter().find(|s| s.scheme == "file").unwrap();
    assert_eq!(file.crate_name, "drydock-driver-file");
}
