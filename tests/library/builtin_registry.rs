//! Link-liveness: the facade must keep every first-party registration.
//! A driver crate the linker drops registers nothing and fails silently,
//! so the exact set is asserted here.

use drydock::Registry;

#[test]
fn global_registry_holds_exactly_the_builtin_schemes() {
    let registry = Registry::global();
    let schemes: Vec<String> = registry.schemes().into_iter().map(|s| s.scheme).collect();
    // echo-driver is a dev-dependency but not referenced here: its scheme must be absent.
    assert_eq!(schemes, drydock::BUILTIN_SCHEMES);
    let ingesters = registry.ingester_names();
    assert_eq!(ingesters, drydock::BUILTIN_INGESTERS);
}

#[test]
fn builtin_schemes_name_their_crates() {
    for info in Registry::global().schemes() {
        let expected = match info.scheme.as_str() {
            "file" => "drydock-driver-file",
            "http" | "https" => "drydock-driver-http",
            "deckhand+http" | "deckhand+https" | "promenade+http" | "promenade+https" => {
                "drydock-driver-deckhand"
            }
            other => panic!("unexpected scheme {other}"),
        };
        assert_eq!(info.crate_name, expected, "{info:?}");
    }
    for info in Registry::global().ingesters() {
        assert_eq!(info.crate_name, format!("drydock-ingester-{}", info.name));
    }
}
