//! HTTPS against servers with certificates made at test time.
use crate::common;

use common::{driver, everything, fetch, fetch_opts, fetch_with, options};
use drydock_core::ErrorKind;
use drydock_core::RetryPolicy;
use drydock_driver_http::{HttpDriver, HttpError, Pem, TlsOptions};
use drydock_fixtures::tls::TestPki;
use drydock_fixtures::{HttpFixture, Route};

fn trusting(pki: &TestPki) -> TlsOptions {
    TlsOptions::default().with_ca_bundle(Pem::Bytes(pki.ca_pem.clone().into_bytes()))
}

#[tokio::test]
async fn https_with_the_right_ca_bundle_works_for_ip_and_name() {
    let pki = TestPki::generate().unwrap();
    let server = HttpFixture::start_tls(pki.server_config().unwrap())
        .await
        .unwrap();
    server.put("/site.yaml", "secure");
    let d = HttpDriver::new(options().with_tls(trusting(&pki))).unwrap();
    let got = fetch(&d, server.url("/site.yaml").as_str(), &fetch_opts())
        .await
        .unwrap();
    assert_eq!(&got.bytes[..], b"secure");
    let by_name = format!(
        "https://localhost:{}/site.yaml",
        server.base_url().port().unwrap()
    );
    let got = fetch(&d, &by_name, &fetch_opts()).await.unwrap();
    assert_eq!(&got.bytes[..], b"secure");
}

#[tokio::test]
async fn a_ca_bundle_read_from_a_file_works() {
    let pki = TestPki::generate().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ca.pem");
    std::fs::write(&path, &pki.ca_pem).unwrap();
    let server = HttpFixture::start_tls(pki.server_config().unwrap())
        .await
        .unwrap();
    server.put("/x", "from file ca");
    let tls = TlsOptions::default().with_ca_bundle(Pem::Path(path));
    let d = HttpDriver::new(options().with_tls(tls)).unwrap();
    assert_eq!(
        &fetch(&d, server.url("/x").as_str(), &fetch_opts())
            .await
            .unwrap()
            .bytes[..],
        b"from file ca"
    );
}

#[tokio::test]
async fn a_wrong_ca_fails_naming_the_host_and_the_reason_without_retrying() {
    let pki = TestPki::generate().unwrap();
    let other = TestPki::generate_named("some other CA").unwrap();
    let server = HttpFixture::start_tls(pki.server_config().unwrap())
        .await
        .unwrap();
    server.put("/x", "unreachable");
    let d = HttpDriver::new(options().with_tls(trusting(&other))).unwrap();
    let err = fetch_with(
        &d,
        RetryPolicy::never(),
        server.url("/x").as_str(),
        &fetch_opts(),
    )
    .await
    .unwrap_err();
    let shown = err.to_string();
    assert!(shown.contains("127.0.0.1"), "names the host: {shown}");
    assert!(shown.contains("unknown issuer"), "says why: {shown}");
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    assert!(
        matches!(
            err.downcast_source::<HttpError>(),
            Some(HttpError::Tls { .. })
        ),
        "{shown}"
    );
    assert_eq!(server.hits("/x"), 0);
}

#[tokio::test]
async fn system_roots_do_not_trust_a_test_ca() {
    let pki = TestPki::generate().unwrap();
    let server = HttpFixture::start_tls(pki.server_config().unwrap())
        .await
        .unwrap();
    server.put("/x", "unreachable");
    let d = driver();
    let err = fetch_with(
        &d,
        RetryPolicy::never(),
        server.url("/x").as_str(),
        &fetch_opts(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err.downcast_source::<HttpError>(),
            Some(HttpError::Tls { .. })
        ),
        "{}",
        everything(&err)
    );
}

#[tokio::test]
async fn danger_accept_invalid_certs_is_explicit_and_works() {
    assert!(
        !TlsOptions::default().danger_accept_invalid_certs,
        "off by default"
    );
    let pki = TestPki::generate().unwrap();
    let server = HttpFixture::start_tls(pki.server_config().unwrap())
        .await
        .unwrap();
    server.put("/x", "anything goes");
    let d =
        HttpDriver::new(options().with_tls(TlsOptions::default().danger_accept_invalid_certs()))
            .unwrap();
    assert_eq!(
        &fetch(&d, server.url("/x").as_str(), &fetch_opts())
            .await
            .unwrap()
            .bytes[..],
        b"anything goes"
    );
}

#[tokio::test]
async fn mutual_tls_needs_the_client_certificate() {
    let pki = TestPki::generate().unwrap();
    let server = HttpFixture::start_tls(pki.mtls_server_config().unwrap())
        .await
        .unwrap();
    server.put("/x", "mutual");
    let with_id = trusting(&pki).with_client_identity(
        Pem::Bytes(pki.client.cert_pem.clone().into_bytes()),
        Pem::Bytes(pki.client.key_pem.clone().into_bytes()),
    );
    let d = HttpDriver::new(options().with_tls(with_id)).unwrap();
    assert_eq!(
        &fetch(&d, server.url("/x").as_str(), &fetch_opts())
            .await
            .unwrap()
            .bytes[..],
        b"mutual"
    );

    let without = HttpDriver::new(options().with_tls(trusting(&pki))).unwrap();
    let err = fetch_with(
        &without,
        RetryPolicy::never(),
        server.url("/x").as_str(),
        &fetch_opts(),
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string().contains("client certificate"),
        "{}",
        everything(&err)
    );
    assert!(
        err.to_string().contains("127.0.0.1"),
        "{}",
        everything(&err)
    );
    assert_eq!(server.hits("/x"), 1);
}

#[tokio::test]
async fn bad_tls_material_is_a_configuration_error() {
    let tls = TlsOptions::default().with_ca_bundle(Pem::Bytes(b"not pem at all".to_vec()));
    let err = HttpDriver::new(options().with_tls(tls)).unwrap_err();
    assert!(err.to_string().contains("CA bundle"), "{err}");
    let tls = TlsOptions::default().with_ca_bundle(Pem::Path("/nonexistent/ca.pem".into()));
    let err = HttpDriver::new(options().with_tls(tls)).unwrap_err();
    assert!(err.to_string().contains("/nonexistent/ca.pem"), "{err}");
    let pki = TestPki::generate().unwrap();
    let tls = trusting(&pki).with_client_identity(
        Pem::Bytes(pki.client.cert_pem.clone().into_bytes()),
        Pem::Bytes(b"nokey".to_vec()),
    );
    let err = HttpDriver::new(options().with_tls(tls)).unwrap_err();
    assert!(err.to_string().contains("client key"), "{err}");
}

#[tokio::test]
async fn an_https_to_http_redirect_is_refused() {
    let pki = TestPki::generate().unwrap();
    let secure = HttpFixture::start_tls(pki.server_config().unwrap())
        .await
        .unwrap();
    let plain = HttpFixture::start().await.unwrap();
    plain.put("/x", "downgraded");
    secure.route("/x", Route::redirect(302, plain.url("/x").as_str()));
    let d = HttpDriver::new(options().with_tls(trusting(&pki))).unwrap();
    let err = fetch(&d, secure.url("/x").as_str(), &fetch_opts())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.downcast_source::<HttpError>(),
            Some(HttpError::InsecureRedirect { .. })
        ),
        "{err}"
    );
    assert!(err.to_string().contains("https to plain http"), "{err}");
    assert_eq!(plain.hits("/x"), 0);
}

#[tokio::test]
async fn a_ca_bundle_can_be_added_to_the_system_roots() {
    let pki = TestPki::generate().unwrap();
    let server = HttpFixture::start_tls(pki.server_config().unwrap())
        .await
        .unwrap();
    server.put("/x", "both");
    let d =
        HttpDriver::new(options().with_tls(trusting(&pki).with_system_roots_too(true))).unwrap();
    let got = fetch(&d, server.url("/x").as_str(), &fetch_opts())
        .await
        .unwrap();
    assert_eq!(&got.bytes[..], b"both");
}
