//! Log lines (every level) never carry credentials, even while retrying and failing.
use crate::common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{fetch, fetch_opts, options};
use drydock_core::StaticToken;
use drydock_driver_http::{HttpDriver, TlsOptions};
use drydock_fixtures::{HttpFixture, Route};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_log_line_carries_a_credential() {
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = HttpFixture::start().await.unwrap();
    server.route(
        "/flaky",
        Route::Sequence(vec![
            Route::status(503),
            Route::status(500),
            Route::content("ok"),
        ]),
    );
    server.route("/down", Route::status_with_body(503, "down"));
    let d = HttpDriver::new(options()).unwrap();
    let with_userinfo = |path: &str| {
        let mut url = server.url(path);
        url.set_username("admin").unwrap();
        url.set_password(Some("pa55-in-url")).unwrap();
        url.query_pairs_mut().append_pair("api_token", "q-t0ken");
        url.to_string()
    };
    fetch(&d, &with_userinfo("/flaky"), &fetch_opts())
        .await
        .unwrap();
    fetch(&d, &with_userinfo("/down"), &fetch_opts())
        .await
        .unwrap_err();
    let bearer =
        fetch_opts().with_credentials(std::sync::Arc::new(StaticToken::bearer("bearer-s3cret")));
    fetch(&d, server.url("/down").as_str(), &bearer)
        .await
        .unwrap_err();
    // The loud warning of the dangerous option is logged.
    HttpDriver::new(options().with_tls(TlsOptions::default().danger_accept_invalid_certs()))
        .unwrap();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("retrying"), "retries are logged: {logs}");
    assert!(logs.contains("verification is OFF"), "{logs}");
    for secret in ["pa55-in-url", "q-t0ken", "bearer-s3cret"] {
        assert!(!logs.contains(secret), "{secret} logged:\n{logs}");
    }
}
