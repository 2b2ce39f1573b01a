//! An asset location in Deckhand: fetched through the facade's resolver
//! with the Keystone credentials of its configuration (`OS_*`).

use std::sync::Arc;

use drydock::bootaction::Locations;
use drydock::config::Config;
use drydock::{Context, Env};
use drydock_fixtures::deckhand::{CannedRevision, DeckhandAuth, DeckhandFixture};
use drydock_fixtures::keystone::{
    ADMIN_PASSWORD, ADMIN_USER, DEFAULT_DOMAIN, KeystoneConfig, KeystoneFixture, SERVICE_PROJECT,
};

#[tokio::test(flavor = "multi_thread")]
async fn a_deckhand_location_is_fetched_with_keystone() {
    let keystone = KeystoneFixture::start(KeystoneConfig::default())
        .await
        .expect("keystone");
    let deckhand = DeckhandFixture::start(DeckhandAuth::Keystone(keystone.clone()))
        .await
        .expect("deckhand");
    let asset = "schema: drydock/Asset/v1\nmetadata:\n  name: motd\ndata: hello from deckhand\n";
    let revision = CannedRevision::from_yaml("site", asset).expect("canned");
    assert_eq!(deckhand.add_revision(revision), 1);
    let env = Env::fixed(
        [
            ("OS_AUTH_URL", keystone.auth_url().to_string()),
            ("OS_USERNAME", ADMIN_USER.to_owned()),
            ("OS_PASSWORD", ADMIN_PASSWORD.to_owned()),
            ("OS_PROJECT_NAME", SERVICE_PROJECT.to_owned()),
            ("OS_USER_DOMAIN_NAME", DEFAULT_DOMAIN.to_owned()),
            ("OS_PROJECT_DOMAIN_NAME", DEFAULT_DOMAIN.to_owned()),
            ("NO_PROXY", "127.0.0.1".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v)),
    );
    let config = Config::load(None, &env).expect("config");
    let context = Context::new(config);
    let locations = Locations::new(
        Arc::clone(context.resolver()),
        context.config().fetch_options(),
    );
    let bytes = locations
        .fetch(&deckhand.reference(1))
        .await
        .expect("fetched through Keystone");
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("hello from deckhand"), "{text}");
    // A revision that does not exist is an error, not an asset.
    let err = locations.fetch(&deckhand.reference(9)).await.unwrap_err();
    assert!(err.contains("9"), "{err}");
    // Deckhand's schemes can be taken off this call site's list.
    let http_only = Locations::new(
        Arc::clone(context.resolver()),
        context.config().fetch_options(),
    )
    .with_schemes(["http"]);
    let err = http_only.fetch(&deckhand.reference(1)).await.unwrap_err();
    assert!(err.contains("not allowed"), "{err}");
}
