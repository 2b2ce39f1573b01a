//! ETag and Last-Modified are recorded; a known ETag gets "not modified".
use crate::common;

use common::{driver, fetch, fetch_opts};
use drydock_core::Driver;
use drydock_fixtures::HttpFixture;

#[tokio::test]
async fn etag_round_trip_reports_not_modified_without_a_body() {
    let server = HttpFixture::start().await.unwrap();
    server.put("/site.yaml", "kind: Region\n");
    let d = driver();
    assert!(d.capabilities().conditional_fetch);
    let first = fetch(&d, server.url("/site.yaml").as_str(), &fetch_opts())
        .await
        .unwrap();
    let etag = first.metadata.etag.clone().expect("etag recorded");
    assert!(
        first
            .metadata
            .last_modified
            .as_deref()
            .unwrap_or("")
            .contains("2026")
    );
    assert!(!first.metadata.not_modified);

    let again = fetch(
        &d,
        server.url("/site.yaml").as_str(),
        &fetch_opts().with_if_none_match(etag.clone()),
    )
    .await
    .unwrap();
    assert!(again.metadata.not_modified);
    assert!(again.bytes.is_empty());
    assert_eq!(again.metadata.etag.as_deref(), Some(etag.as_str()));
    let sent = server.requests();
    assert_eq!(sent[1].header("if-none-match"), Some(etag.as_str()));

    server.put("/site.yaml", "kind: Region\nchanged: true\n");
    let changed = fetch(
        &d,
        server.url("/site.yaml").as_str(),
        &fetch_opts().with_if_none_match(etag.clone()),
    )
    .await
    .unwrap();
    assert!(!changed.metadata.not_modified);
    assert_eq!(&changed.bytes[..], b"kind: Region\nchanged: true\n");
    assert_ne!(changed.metadata.etag, Some(etag));
}
