//! The Deckhand driver passes the conformance suite every driver passes.

use crate::common;

use std::sync::Arc;

use common::{bare, options, os_env};
use drydock_fixtures::conformance::{self, DeckhandFixtureTarget};
use drydock_fixtures::deckhand::{DeckhandAuth, DeckhandFixture};
use drydock_fixtures::keystone::{KeystoneConfig, KeystoneFixture};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deckhand_driver_conforms() {
    let keystone = KeystoneFixture::start(KeystoneConfig::default())
        .await
        .unwrap();
    let deckhand = DeckhandFixture::start(DeckhandAuth::Keystone(keystone.clone()))
        .await
        .unwrap();
    let driver = bare(options(), &os_env(&keystone));
    let report = conformance::run_all(Arc::new(driver), &DeckhandFixtureTarget::on(deckhand)).await;
    println!("deckhand driver:\n{report}");
    report.assert_passed();
}
