//! The http driver passes the driver conformance suite, over plain HTTP and TLS.
use crate::common;

use drydock_driver_http::{HttpDriver, Pem, TlsOptions};
use drydock_fixtures::HttpFixture;
use drydock_fixtures::conformance::{self, HttpTarget, Outcome};
use drydock_fixtures::tls::TestPki;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_driver_passes_the_conformance_suite_over_http() {
    let target = HttpTarget::start().await.unwrap();
    let report = conformance::run_all(std::sync::Arc::new(common::driver()), &target).await;
    report.assert_passed();
    // Nothing skipped: the http target stalls, carries secrets, and the driver has conditional fetch.
    assert!(
        report.results.iter().all(|(_, o)| *o == Outcome::Passed),
        "{report}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_driver_passes_the_conformance_suite_over_https() {
    let pki = TestPki::generate().unwrap();
    let target = HttpTarget::on(
        HttpFixture::start_tls(pki.server_config().unwrap())
            .await
            .unwrap(),
    );
    let tls = TlsOptions::default().with_ca_bundle(Pem::Bytes(pki.ca_pem.clone().into_bytes()));
    let driver = HttpDriver::new(common::options().with_tls(tls)).unwrap();
    conformance::run_all(std::sync::Arc::new(driver), &target)
        .await
        .assert_passed();
}
