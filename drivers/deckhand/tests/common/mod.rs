//! Helpers: a Keystone and a Deckhand fixture, the OS_* environment that
//! points at them, and the driver inside the resolver's layers.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use drydock_core::layer::{apply_layers, standard_layers};
use drydock_core::{DesignRef, Driver, Env, Error, FetchOptions, Fetched, RetryPolicy};
use drydock_driver_deckhand::{DeckhandDriver, DeckhandOptions};
use drydock_fixtures::deckhand::{CannedRevision, DeckhandAuth, DeckhandFixture};
use drydock_fixtures::keystone::{
    ADMIN_PASSWORD, ADMIN_USER, DEFAULT_DOMAIN, KeystoneConfig, KeystoneFixture, SERVICE_PROJECT,
};

/// A design in Deckhand format.
pub fn design() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/designs/deckhand_fullsite.yaml"
    ))
    .expect("fixture design")
}

pub struct Site {
    pub keystone: KeystoneFixture,
    pub deckhand: DeckhandFixture,
}

/// Keystone, and a Deckhand checking its tokens, holding one revision (id 1).
pub async fn site() -> Site {
    let keystone = KeystoneFixture::start(KeystoneConfig::default())
        .await
        .expect("keystone");
    let deckhand = DeckhandFixture::start(DeckhandAuth::Keystone(keystone.clone()))
        .await
        .expect("deckhand");
    let revision = CannedRevision::from_yaml("site", &design()).expect("canned");
    assert_eq!(deckhand.add_revision(revision), 1);
    Site { keystone, deckhand }
}

/// The OS_* variables an operator sets for this Keystone.
pub fn os_env(keystone: &KeystoneFixture) -> Vec<(String, String)> {
    [
        ("OS_AUTH_URL", keystone.auth_url().to_string()),
        ("OS_USERNAME", ADMIN_USER.to_owned()),
        ("OS_PASSWORD", ADMIN_PASSWORD.to_owned()),
        ("OS_PROJECT_NAME", SERVICE_PROJECT.to_owned()),
        ("OS_USER_DOMAIN_NAME", DEFAULT_DOMAIN.to_owned()),
        ("OS_PROJECT_DOMAIN_NAME", DEFAULT_DOMAIN.to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

pub fn options() -> DeckhandOptions {
    DeckhandOptions::default().with_env_proxy(false)
}

/// The bare driver, configured from `env`.
pub fn bare(options: DeckhandOptions, env: &[(String, String)]) -> DeckhandDriver {
    DeckhandDriver::new(options, &Env::fixed(env.iter().cloned())).expect("driver")
}

pub fn quick() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(4)
        .with_backoff(Duration::from_millis(10), Duration::from_millis(40))
}

/// `driver` inside the resolver's layers (cancellation, deadline, retries).
pub fn layered(driver: &DeckhandDriver, policy: RetryPolicy) -> Arc<dyn Driver> {
    apply_layers(&standard_layers(policy), Arc::new(driver.clone()))
}

pub fn fetch_opts() -> FetchOptions {
    FetchOptions::default()
        .with_deadline(Duration::from_secs(10))
        .with_read_timeout(Duration::from_secs(5))
}

pub async fn fetch(driver: &Arc<dyn Driver>, reference: &str) -> Result<Fetched, Error> {
    fetch_with(driver, reference, &fetch_opts()).await
}

pub async fn fetch_with(
    driver: &Arc<dyn Driver>,
    reference: &str,
    options: &FetchOptions,
) -> Result<Fetched, Error> {
    let reference = DesignRef::parse(reference).expect("reference");
    driver.fetch(&reference, options).await
}

/// The error, its Debug form and its source chain, as one string.
pub fn everything(err: &Error) -> String {
    let mut out = format!("{err} | {err:?}");
    let mut current = std::error::Error::source(err);
    while let Some(e) = current {
        out.push_str(&format!(" | {e} | {e:?}"));
        current = e.source();
    }
    out
}
