//! deckhand+https with a private CA made at test time, Keystone over https
//! with the same trust; a Deckhand the client does not trust is refused.

use crate::common;

use std::sync::Arc;

use common::{everything, fetch, layered, options, os_env, quick};
use drydock_core::{Env, ErrorKind};
use drydock_driver_deckhand::DeckhandDriver;
use drydock_driver_http::{Pem, TlsOptions};
use drydock_fixtures::deckhand::{CannedRevision, DeckhandAuth, DeckhandFixture};
use drydock_fixtures::keystone::{KeystoneConfig, KeystoneFixture};
use drydock_fixtures::tls::TestPki;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deckhand_and_keystone_over_https_with_a_private_ca() {
    let pki = TestPki::generate().unwrap();
    let keystone =
        KeystoneFixture::start_tls(KeystoneConfig::default(), pki.server_config().unwrap())
            .await
            .unwrap();
    let deckhand = DeckhandFixture::start_tls(
        DeckhandAuth::Keystone(keystone.clone()),
        pki.server_config().unwrap(),
    )
    .await
    .unwrap();
    deckhand.add_revision(CannedRevision::from_yaml("site", &common::design()).unwrap());
    let reference = deckhand.reference(1);
    assert!(reference.starts_with("deckhand+https://"), "{reference}");

    let trusting =
        TlsOptions::default().with_ca_bundle(Pem::Bytes(pki.ca_pem.clone().into_bytes()));
    let env = Env::fixed(os_env(&keystone));
    let driver = DeckhandDriver::new(options().with_tls(trusting), &env).unwrap();
    let fetched = fetch(&layered(&driver, quick()), &reference).await.unwrap();
    assert_eq!(fetched.metadata.revision.as_deref(), Some("1"));

    let other = TestPki::generate().unwrap();
    let wrong = TlsOptions::default().with_ca_bundle(Pem::Bytes(other.ca_pem.clone().into_bytes()));
    let driver = DeckhandDriver::new(options().with_tls(wrong), &env).unwrap();
    let err = fetch(&layered(&driver, quick()), &reference)
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::PermissionDenied,
        "{}",
        everything(&err)
    );
    assert!(err.to_string().contains("certificate"), "{err}");
    let _ = Arc::new(());
}
