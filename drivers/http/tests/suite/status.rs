//! Every status class maps to the right outcome, and errors are not retried.
use crate::common;

use common::{driver, fetch, fetch_opts};
use drydock_core::ErrorKind;
use drydock_driver_http::HttpError;
use drydock_fixtures::{HttpFixture, Route};

#[tokio::test]
async fn only_2xx_is_content() {
    let server = HttpFixture::start().await.unwrap();
    server.put("/ok", "hello");
    server.route("/created", Route::status_with_body(201, "made"));
    server.route("/empty", Route::status_with_body(204, ""));
    let d = driver();
    let ok = fetch(&d, server.url("/ok").as_str(), &fetch_opts())
        .await
        .unwrap();
    assert_eq!(&ok.bytes[..], b"hello");
    assert_eq!(ok.metadata.driver, "http");
    assert_eq!(ok.metadata.digest, drydock_core::Digest::of(b"hello"));
    let created = fetch(&d, server.url("/created").as_str(), &fetch_opts())
        .await
        .unwrap();
    assert_eq!(&created.bytes[..], b"made");
    let empty = fetch(&d, server.url("/empty").as_str(), &fetch_opts())
        .await
        .unwrap();
    assert!(empty.bytes.is_empty());
}

#[tokio::test]
async fn client_errors_map_to_kinds_and_are_not_retried() {
    let server = HttpFixture::start().await.unwrap();
    let cases = [
        (404, ErrorKind::NotFound),
        (410, ErrorKind::NotFound),
        (401, ErrorKind::PermissionDenied),
        (403, ErrorKind::PermissionDenied),
        (400, ErrorKind::Rejected),
        (418, ErrorKind::Rejected),
    ];
    let d = driver();
    for (status, kind) in cases {
        let path = format!("/s{status}");
        server.route(
            &path,
            Route::status_with_body(status, format!("explanation for {status}")),
        );
        let err = fetch(&d, server.url(&path).as_str(), &fetch_opts())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), kind, "{status}: {err}");
        assert_eq!(server.hits(&path), 1, "{status} was retried");
        let http = err.downcast_source::<HttpError>().expect("an HttpError");
        assert_eq!(http.status(), Some(status));
        let shown = err.to_string();
        assert!(shown.contains(&path), "names the reference: {shown}");
        if kind == ErrorKind::Rejected {
            assert!(shown.contains(&status.to_string()), "{shown}");
            assert!(
                shown.contains(&format!("explanation for {status}")),
                "body prefix: {shown}"
            );
        }
    }
}

#[tokio::test]
async fn client_error_body_is_cut_to_its_first_bytes() {
    let server = HttpFixture::start().await.unwrap();
    server.route("/big", Route::status_with_body(422, "e".repeat(100_000)));
    let err = fetch(&driver(), server.url("/big").as_str(), &fetch_opts())
        .await
        .unwrap_err();
    let shown = err.to_string();
    assert!(shown.contains("422"), "{shown}");
    assert!(shown.len() < 1_000, "{} bytes of message", shown.len());
}

#[tokio::test]
async fn server_errors_are_retried_then_reported_with_the_attempt_count() {
    let server = HttpFixture::start().await.unwrap();
    server.route("/down", Route::status_with_body(502, "bad gateway today"));
    let err = fetch(&driver(), server.url("/down").as_str(), &fetch_opts())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert!(err.is_retryable());
    assert_eq!(server.hits("/down"), 4);
    let shown = err.to_string();
    assert!(
        shown.contains("502") && shown.contains("4 attempts"),
        "{shown}"
    );
    assert!(shown.contains("bad gateway today"), "{shown}");
}

#[tokio::test]
async fn redirect_without_location_is_an_unexpected_status() {
    let server = HttpFixture::start().await.unwrap();
    server.route("/nowhere", Route::status(302));
    let err = fetch(&driver(), server.url("/nowhere").as_str(), &fetch_opts())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Rejected, "{err}");
    assert!(err.to_string().contains("302"), "{err}");
}

#[tokio::test]
async fn refused_connection_is_unavailable() {
    // Bind then drop to find a closed port on loopback.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = fetch(
        &driver(),
        &format!("http://127.0.0.1:{port}/x"),
        &fetch_opts(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert!(err.to_string().contains("attempts"), "{err}");
}
