//! Credentials reach the server and never appear in errors or metadata.
use crate::common;

use common::{everything, fetch, fetch_opts, options};
use drydock_core::{ErrorKind, StaticToken};
use drydock_driver_http::HttpDriver;
use drydock_fixtures::{HttpFixture, Route};

#[tokio::test]
async fn basic_auth_from_percent_encoded_userinfo_is_verified_by_the_server() {
    let server = HttpFixture::start().await.unwrap();
    server.route(
        "/site",
        Route::basic("ad@min", "p:ss w/rd", Route::content("welcome")),
    );
    let d = HttpDriver::new(options()).unwrap();
    let url = server
        .url("/site")
        .as_str()
        .replace("http://", "http://ad%40min:p%3Ass%20w%2Frd@");
    let got = fetch(&d, &url, &fetch_opts()).await.unwrap();
    assert_eq!(&got.bytes[..], b"welcome");
    let shown = format!("{got:?}");
    assert!(
        !shown.contains("p%3Ass") && !shown.contains("p:ss"),
        "{shown}"
    );

    let wrong = server
        .url("/site")
        .as_str()
        .replace("http://", "http://ad%40min:hunter2@");
    let err = fetch(&d, &wrong, &fetch_opts()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    let all = everything(&err);
    assert!(!all.contains("hunter2"), "{all}");
    assert!(all.contains("ad%40min:***@"), "names the reference: {all}");
}

#[tokio::test]
async fn a_bearer_token_from_the_options_is_verified_by_the_server() {
    let server = HttpFixture::start().await.unwrap();
    server.route(
        "/site",
        Route::bearer("t0ken-s3cret", Route::content("bearer ok")),
    );
    let d = HttpDriver::new(options()).unwrap();
    let opts =
        fetch_opts().with_credentials(std::sync::Arc::new(StaticToken::bearer("t0ken-s3cret")));
    assert_eq!(
        &fetch(&d, server.url("/site").as_str(), &opts)
            .await
            .unwrap()
            .bytes[..],
        b"bearer ok"
    );
    let bad =
        fetch_opts().with_credentials(std::sync::Arc::new(StaticToken::bearer("wrong-t0ken")));
    let err = fetch(&d, server.url("/site").as_str(), &bad)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    assert!(!everything(&err).contains("wrong-t0ken"));
    assert!(!format!("{opts:?}").contains("t0ken-s3cret"));
}

#[tokio::test]
async fn a_bearer_token_from_the_environment_is_used() {
    let var = "DRYDOCK_HTTP_TEST_TOKEN_FROM_ENV";
    // SAFETY: set once, under a name no other test reads or writes.
    unsafe { std::env::set_var(var, "env-t0ken") };
    let server = HttpFixture::start().await.unwrap();
    server.route(
        "/site",
        Route::bearer("env-t0ken", Route::content("env ok")),
    );
    let d = HttpDriver::new(options().with_bearer_token_env(Some(var))).unwrap();
    assert_eq!(
        &fetch(&d, server.url("/site").as_str(), &fetch_opts())
            .await
            .unwrap()
            .bytes[..],
        b"env ok"
    );
    let without = HttpDriver::new(options()).unwrap();
    let err = fetch(&without, server.url("/site").as_str(), &fetch_opts())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
}

#[tokio::test]
async fn secrets_echoed_by_a_server_are_scrubbed_from_errors() {
    let server = HttpFixture::start().await.unwrap();
    server.route(
        "/echo",
        Route::status_with_body(
            400,
            "bad request from user:hunter2 with token tok-123 and query qsecret",
        ),
    );
    let d = HttpDriver::new(options()).unwrap();
    let url = server
        .url("/echo?api_token=qsecret")
        .as_str()
        .replace("http://", "http://user:hunter2@");
    let err = fetch(&d, &url, &fetch_opts()).await.unwrap_err();
    let all = everything(&err);
    assert!(
        !all.contains("hunter2") && !all.contains("qsecret"),
        "{all}"
    );
    let opts = fetch_opts().with_credentials(std::sync::Arc::new(StaticToken::bearer("tok-123")));
    let err = fetch(&d, server.url("/echo").as_str(), &opts)
        .await
        .unwrap_err();
    assert!(
        !everything(&err).contains("tok-123"),
        "{}",
        everything(&err)
    );
}

#[tokio::test]
async fn a_secret_crossing_the_cut_of_an_error_body_is_not_shown_in_part() {
    let server = HttpFixture::start().await.unwrap();
    let d = HttpDriver::new(options()).unwrap();
    let secret = "Cut-S3cret-Value";
    // The error body is cut at 512 bytes: put the secret across the cut.
    for pad in 500..514 {
        let path = format!("/cut{pad}");
        let body = format!("{}{secret} and more", "x".repeat(pad));
        server.route(&path, Route::status_with_body(400, body));
        let url = server.url(&format!("{path}?token={secret}")).to_string();
        let err = fetch(&d, &url, &fetch_opts()).await.unwrap_err();
        let all = everything(&err);
        assert!(!all.contains("Cut-S"), "pad {pad}: {all}");
    }
}
