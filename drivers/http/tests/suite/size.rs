//! The size limit holds: declared, streamed, and decompressed.
use crate::common;

use std::time::Instant;

use common::{driver, fetch, fetch_opts};
use drydock_core::{Error, ErrorKind};
use drydock_fixtures::{HttpFixture, Route, gzip};

const LIMIT: u64 = 1024 * 1024;

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_before_reading() {
    let server = HttpFixture::start().await.unwrap();
    server.put("/huge", vec![b'x'; 64 * 1024 * 1024]);
    let started = Instant::now();
    // Reading 64 MiB in a debug build would take far longer than this bound.
    let err = fetch(
        &driver(),
        server.url("/huge").as_str(),
        &fetch_opts().with_max_size(LIMIT),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge);
    assert!(
        matches!(
            err,
            Error::TooLarge {
                size: Some(67_108_864),
                limit: LIMIT,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("/huge"), "{err}");
    assert_eq!(server.hits("/huge"), 1, "a size refusal was retried");
    assert!(started.elapsed().as_secs() < 2);
}

#[tokio::test]
async fn a_streamed_body_without_length_is_cut_at_the_limit() {
    let server = HttpFixture::start().await.unwrap();
    server.route("/stream", Route::Streamed { total: 8 * LIMIT });
    let err = fetch(
        &driver(),
        server.url("/stream").as_str(),
        &fetch_opts().with_max_size(LIMIT),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            Error::TooLarge {
                size: None,
                limit: LIMIT,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(server.hits("/stream"), 1);
}

#[tokio::test]
async fn a_body_exactly_at_the_limit_is_accepted() {
    let server = HttpFixture::start().await.unwrap();
    server.route("/exact", Route::Streamed { total: LIMIT });
    let got = fetch(
        &driver(),
        server.url("/exact").as_str(),
        &fetch_opts().with_max_size(LIMIT),
    )
    .await
    .unwrap();
    assert_eq!(got.bytes.len() as u64, LIMIT);
}

#[tokio::test]
async fn a_gzip_bomb_is_limited_by_its_decompressed_size() {
    let server = HttpFixture::start().await.unwrap();
    server.route("/bomb", Route::gzip_bomb(64 * 1024 * 1024));
    let err = fetch(
        &driver(),
        server.url("/bomb").as_str(),
        &fetch_opts().with_max_size(LIMIT),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::TooLarge { .. }), "{err}");
}

#[tokio::test]
async fn gzip_content_is_decompressed() {
    let server = HttpFixture::start().await.unwrap();
    let text = "kind: Region\n".repeat(1000);
    server.route(
        "/gz",
        Route::Gzip {
            compressed: gzip(text.as_bytes()),
        },
    );
    let got = fetch(&driver(), server.url("/gz").as_str(), &fetch_opts())
        .await
        .unwrap();
    assert_eq!(&got.bytes[..], text.as_bytes());
    assert_eq!(
        got.metadata.digest,
        drydock_core::Digest::of(text.as_bytes())
    );
    let asked = server.requests();
    assert!(
        asked[0]
            .header("accept-encoding")
            .unwrap_or("")
            .contains("gzip")
    );
}
