//! Redirects: followed up to a limit, final URL recorded, credentials kept on their origin.
use crate::common;

use common::{driver, fetch, fetch_opts, options};
use drydock_core::{ErrorKind, StaticToken};
use drydock_driver_http::{HttpDriver, HttpError};
use drydock_fixtures::{HttpFixture, Route};

#[tokio::test]
async fn redirects_are_followed_and_the_final_url_recorded() {
    let server = HttpFixture::start().await.unwrap();
    server.route("/a", Route::redirect(301, "/b"));
    server.route("/b", Route::redirect(307, server.url("/c?rev=2").as_str()));
    server.put("/c", "arrived");
    let got = fetch(&driver(), server.url("/a").as_str(), &fetch_opts())
        .await
        .unwrap();
    assert_eq!(&got.bytes[..], b"arrived");
    assert_eq!(got.metadata.location, server.url("/c?rev=2").as_str());
}

#[tokio::test]
async fn a_redirect_loop_stops_at_the_limit() {
    let server = HttpFixture::start().await.unwrap();
    server.route("/ping", Route::redirect(302, "/pong"));
    server.route("/pong", Route::redirect(302, "/ping"));
    let d = HttpDriver::new(options().with_max_redirects(5)).unwrap();
    let err = fetch(&d, server.url("/ping").as_str(), &fetch_opts())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.downcast_source::<HttpError>(),
            Some(HttpError::TooManyRedirects { limit: 5, .. })
        ),
        "{err}"
    );
    assert_eq!(err.kind(), ErrorKind::Rejected);
    assert_eq!(
        server.hits("/ping") + server.hits("/pong"),
        6,
        "not retried"
    );
}

#[tokio::test]
async fn credentials_stay_on_their_origin() {
    let home = HttpFixture::start().await.unwrap();
    let elsewhere = HttpFixture::start().await.unwrap();
    elsewhere.put("/x", "moved");
    home.route("/x", Route::redirect(302, elsewhere.url("/x").as_str()));
    home.route("/local", Route::redirect(302, "/x2"));
    home.route(
        "/x2",
        Route::basic("user", "pw", Route::content("same origin")),
    );
    let mut url = home.url("/x");
    url.set_username("user").unwrap();
    url.set_password(Some("pw")).unwrap();
    let got = fetch(&driver(), url.as_str(), &fetch_opts()).await.unwrap();
    assert_eq!(&got.bytes[..], b"moved");
    assert!(home.requests()[0].header("authorization").is_some());
    assert_eq!(
        elsewhere.requests()[0].header("authorization"),
        None,
        "basic auth leaked to another origin"
    );

    let bearer = fetch_opts().with_credentials(std::sync::Arc::new(StaticToken::bearer("tok")));
    fetch(&driver(), home.url("/x").as_str(), &bearer)
        .await
        .unwrap();
    assert_eq!(
        elsewhere.requests()[1].header("authorization"),
        None,
        "token leaked to another origin"
    );

    let mut local = home.url("/local");
    local.set_username("user").unwrap();
    local.set_password(Some("pw")).unwrap();
    let got = fetch(&driver(), local.as_str(), &fetch_opts())
        .await
        .unwrap();
    assert_eq!(
        &got.bytes[..],
        b"same origin",
        "credentials kept on the same origin"
    );
}
