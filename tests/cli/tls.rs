//! The real `drydock` binary against an HTTPS server on 127.0.0.1 with
//! certificates made at test time: CA bundle, mutual TLS, refusals.

use std::path::Path;
use std::process::Output;

use drydock_fixtures::HttpFixture;
use drydock_fixtures::tls::TestPki;

async fn drydock(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        crate::common::drydock_homeless(&args)
    })
    .await
    .expect("join")
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write PEM");
    path.display().to_string()
}

fn site() -> String {
    drydock_fixtures::sitegen::deckhand(&drydock_fixtures::sitegen::SiteSpec::new(5))
}

#[tokio::test(flavor = "multi_thread")]
async fn https_with_the_test_ca_resolves_and_without_it_is_refused_clearly() {
    let pki = TestPki::generate().expect("test PKI");
    let server = HttpFixture::start_tls(pki.server_config().expect("server config"))
        .await
        .expect("TLS fixture");
    server.put("/site.yaml", site());
    let url = server.url("/site.yaml").to_string();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = write(dir.path(), "ca.pem", &pki.ca_pem);

    let ok = drydock(vec![
        "resolve".into(),
        url.clone(),
        "--ca-bundle".into(),
        ca,
    ])
    .await;
    let text = String::from_utf8_lossy(&ok.stdout);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(text.contains("by the http driver"), "{text}");

    let refused = drydock(vec!["resolve".into(), url, "--attempts".into(), "1".into()]).await;
    assert_eq!(refused.status.code(), Some(2));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("127.0.0.1"), "{err}");
    assert!(err.to_lowercase().contains("certificate"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn mutual_tls_needs_the_client_certificate() {
    let pki = TestPki::generate().expect("test PKI");
    let server = HttpFixture::start_tls(pki.mtls_server_config().expect("mTLS config"))
        .await
        .expect("mTLS fixture");
    server.put("/site.yaml", site());
    let url = server.url("/site.yaml").to_string();
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = write(dir.path(), "ca.pem", &pki.ca_pem);
    let cert = write(dir.path(), "client.pem", &pki.client.cert_pem);
    let key = write(dir.path(), "client-key.pem", &pki.client.key_pem);

    let with = drydock(vec![
        "resolve".into(),
        url.clone(),
        "--ca-bundle".into(),
        ca.clone(),
        "--client-cert".into(),
        cert,
        "--client-key".into(),
        key,
    ])
    .await;
    assert_eq!(
        with.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&with.stderr)
    );

    let without = drydock(vec![
        "resolve".into(),
        url,
        "--ca-bundle".into(),
        ca,
        "--attempts".into(),
        "1".into(),
    ])
    .await;
    assert_eq!(
        without.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&without.stdout)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unusable_tls_settings_are_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("absent-ca.pem").display().to_string();
    let out = drydock(vec![
        "resolve".into(),
        "https://127.0.0.1:1/x".into(),
        "--ca-bundle".into(),
        missing,
    ])
    .await;
    // A configuration that cannot be used (here, by a flag) exits 4.
    assert_eq!(out.status.code(), Some(4));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: configuration [drivers."), "{err}");
    assert!(err.contains("--ca-bundle"), "{err}");
    assert!(err.contains("absent-ca.pem"), "{err}");
    assert!(
        err.lines().nth(1).is_some_and(|l| l.starts_with("hint: ")),
        "{err}"
    );

    let garbage = write(dir.path(), "garbage.pem", "not a certificate");
    let out = drydock(vec![
        "resolve".into(),
        "https://127.0.0.1:1/x".into(),
        "--ca-bundle".into(),
        garbage,
    ])
    .await;
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("garbage.pem"));

    let out = drydock(vec![
        "resolve".into(),
        "file:///etc/hostname".into(),
        "--client-cert".into(),
        "x.pem".into(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(64), "clap requires --client-key");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--client-key"));
}

#[tokio::test(flavor = "multi_thread")]
async fn allow_root_confines_file_references() {
    let root = tempfile::tempdir().expect("root");
    let outside = tempfile::tempdir().expect("outside");
    std::fs::write(root.path().join("site.yaml"), site()).expect("write");
    std::fs::write(outside.path().join("site.yaml"), site()).expect("write");
    let inside = format!("file://{}/site.yaml", root.path().display());
    let escape = format!("file://{}/site.yaml", outside.path().display());
    let allow = root.path().display().to_string();

    let ok = drydock(vec![
        "resolve".into(),
        inside,
        "--allow-root".into(),
        allow.clone(),
    ])
    .await;
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let refused = drydock(vec!["resolve".into(), escape, "--allow-root".into(), allow]).await;
    assert_eq!(refused.status.code(), Some(2));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("outside") || err.contains("allowed"), "{err}");
}
