//! The rules' part of the ingest key: stable across releases that change
//! neither the rules nor their configuration, since snapshots stored under
//! it are looked up by it.

use drydock_core::{DesignCheck, ingest_key};
use drydock_rules::{PlatformCatalogue, Rules, ValidationConfig};

#[test]
fn the_key_of_the_original_rules_is_the_one_snapshots_were_stored_under() {
    // The value drydock 0.1.0 stored, when the rules still lived in drydock-core.
    let rules = Rules::default();
    assert_eq!(rules.key(), "rules:5463eb499d8e9e08");
    assert_eq!(
        ingest_key("auto", Some(&rules)),
        "auto+rules:5463eb499d8e9e08"
    );
    assert_eq!(ingest_key("yaml", None), "yaml+schema");
}

#[test]
fn another_configuration_is_another_key() {
    let catalogue = PlatformCatalogue::new(["jammy"], ["ga-22.04"]);
    let configured = Rules::new(ValidationConfig::default().with_platform(catalogue));
    assert_ne!(configured.key(), Rules::default().key());
    assert!(configured.key().starts_with("rules:"));
}
