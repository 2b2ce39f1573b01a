//! The registry: unknown schemes list the known ones, duplicates are typed
//! errors naming both crates, detection picks the most certain ingester.

use std::sync::Arc;

use drydock_core::{
    Bytes, DesignRef, Detection, Driver, DriverConfig, DriverRegistration, Error, ErrorKind,
    FetchOptions, Fetched, IngestOptions, Ingested, Ingester, Registry, Result, async_trait,
    register_driver, register_ingester,
};

/// A driver answering with its own name.
#[derive(Debug)]
struct Named(&'static str);

#[async_trait]
impl Driver for Named {
    async fn fetch(&self, reference: &DesignRef, _: &FetchOptions) -> Result<Fetched> {
        Ok(Fetched::new(
            self.0,
            reference,
            Bytes::from_static(self.0.as_bytes()),
        ))
    }
}

fn driver(name: &'static str) -> Arc<dyn Driver> {
    Arc::new(Named(name))
}

/// What the driver serving `scheme` answers: its name.
async fn answer(registry: &Registry, scheme: &str) -> String {
    let reference = DesignRef::parse(&format!("{scheme}://host/x")).unwrap();
    let driver = registry.driver(scheme).unwrap();
    let fetched = driver.fetch(&reference, &FetchOptions::default()).await;
    String::from_utf8(fetched.unwrap().bytes.to_vec()).unwrap()
}

/// An ingester that is sure of content starting with `prefix`, and says
/// `fallback` about anything else.
#[derive(Debug)]
struct Sniffer {
    name: &'static str,
    prefix: &'static [u8],
    fallback: Detection,
}

impl Ingester for Sniffer {
    fn name(&self) -> &'static str {
        self.name
    }
    fn detect(&self, bytes: &[u8]) -> Detection {
        if !self.prefix.is_empty() && bytes.starts_with(self.prefix) {
            Detection::Yes
        } else {
            self.fallback
        }
    }
    fn ingest(&self, _: &Bytes, _: &IngestOptions) -> Result<Ingested> {
        Ok(Ingested::default())
    }
}

fn sniffer(name: &'static str, prefix: &'static [u8], fallback: Detection) -> Arc<dyn Ingester> {
    Arc::new(Sniffer {
        name,
        prefix,
        fallback,
    })
}

#[test]
fn an_unknown_scheme_lists_the_known_ones() {
    let registry = Registry::builder()
        .driver_instance("crate-b", "beta", &["beta", "beta+https"], driver("beta"))
        .driver_instance("crate-a", "alpha", &["alpha"], driver("alpha"))
        .build()
        .unwrap();
    let err = registry.driver("gamma").unwrap_err();
    match &err {
        Error::UnsupportedScheme { scheme, known } => {
            assert_eq!(scheme, "gamma");
            assert_eq!(known, &["alpha", "beta", "beta+https"]);
        }
        other => panic!("expected UnsupportedScheme, got {other:?}"),
    }
    assert_eq!(err.kind(), ErrorKind::UnsupportedScheme);
    let shown = err.to_string();
    assert!(
        shown.contains("`gamma`") && shown.contains("alpha, beta, beta+https"),
        "{shown}"
    );
    // An empty registry says so instead of listing nothing.
    let empty = Registry::builder().build().unwrap();
    assert!(
        empty
            .driver("file")
            .unwrap_err()
            .to_string()
            .contains("none")
    );
}

#[tokio::test]
async fn schemes_are_looked_up_case_insensitively_and_listed_sorted() {
    let registry = Registry::builder()
        .driver_instance("crate-b", "beta", &["beta"], driver("beta"))
        .driver_instance("crate-a", "alpha", &["ALPHA"], driver("alpha"))
        .build()
        .unwrap();
    assert_eq!(answer(&registry, "Alpha").await, "alpha");
    assert_eq!(registry.driver_name("Alpha"), Some("alpha"));
    let listed: Vec<_> = registry
        .schemes()
        .into_iter()
        .map(|s| (s.scheme, s.crate_name))
        .collect();
    assert_eq!(
        listed,
        [
            ("alpha".into(), "crate-a".into()),
            ("beta".into(), "crate-b".into())
        ] as [(String, String); 2]
    );
}

#[test]
fn a_duplicate_scheme_is_an_error_naming_both_crates() {
    let err = Registry::builder()
        .driver_instance("first-crate", "one", &["x", "shared"], driver("one"))
        .driver_instance("second-crate", "two", &["SHARED"], driver("two"))
        .build()
        .unwrap_err();
    match &err {
        Error::DuplicateScheme {
            scheme,
            first,
            second,
        } => {
            assert_eq!(scheme, "shared");
            assert_eq!(first, "first-crate");
            assert_eq!(second, "second-crate");
        }
        other => panic!("expected DuplicateScheme, got {other:?}"),
    }
    assert_eq!(err.kind(), ErrorKind::Registry);
    let shown = err.to_string();
    assert!(
        shown.contains("`first-crate`") && shown.contains("`second-crate`"),
        "{shown}"
    );
}

#[test]
fn a_duplicate_from_registrations_names_their_crates() {
    fn one(_: &DriverConfig) -> Result<Arc<dyn Driver>> {
        Ok(driver("one"))
    }
    fn two(_: &DriverConfig) -> Result<Arc<dyn Driver>> {
        Ok(driver("two"))
    }
    fn none() -> serde_json::Value {
        serde_json::Value::Null
    }
    let err = Registry::builder()
        .driver(&DriverRegistration::new(
            "one",
            "crate-one",
            &["dup"],
            one,
            none,
        ))
        .driver(&DriverRegistration::new(
            "two",
            "crate-two",
            &["dup"],
            two,
            none,
        ))
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, Error::DuplicateScheme { first, second, .. } if first == "crate-one" && second == "crate-two"),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_override_replaces_the_registered_driver_without_a_duplicate() {
    let registry = Registry::builder()
        .driver_instance("crate-a", "default", &["s"], driver("default"))
        .override_driver("app", "configured", &["s"], driver("configured"))
        .build()
        .unwrap();
    assert_eq!(answer(&registry, "s").await, "configured");
    assert_eq!(registry.driver_name("s"), Some("configured"));
}

#[test]
fn a_duplicate_ingester_is_an_error_naming_both_crates() {
    let err = Registry::builder()
        .ingester_instance("yaml-one", sniffer("yaml", b"", Detection::Maybe))
        .ingester_instance("yaml-two", sniffer("yaml", b"", Detection::Maybe))
        .build()
        .unwrap_err();
    match &err {
        Error::DuplicateIngester {
            name,
            first,
            second,
        } => {
            assert_eq!(name, "yaml");
            assert_eq!((first.as_str(), second.as_str()), ("yaml-one", "yaml-two"));
        }
        other => panic!("expected DuplicateIngester, got {other:?}"),
    }
    assert_eq!(err.kind(), ErrorKind::Registry);
    assert!(err.to_string().contains("`yaml-one`") && err.to_string().contains("`yaml-two`"));
}

#[test]
fn an_unknown_ingester_lists_the_known_ones() {
    let registry = Registry::builder()
        .ingester_instance("c", sniffer("yaml", b"", Detection::No))
        .ingester_instance("c", sniffer("deckhand", b"", Detection::No))
        .build()
        .unwrap();
    let err = registry.ingester("xml").unwrap_err();
    assert!(
        matches!(&err, Error::UnknownIngester { name, known } if name == "xml" && known == &["deckhand", "yaml"]),
        "{err:?}"
    );
    assert!(err.to_string().contains("deckhand, yaml"), "{err}");
}

#[test]
fn detection_picks_the_most_certain_ingester() {
    // Names chosen so that the sure one sorts last: order must not decide.
    let registry = Registry::builder()
        .ingester_instance("c", sniffer("a-guesser", b"", Detection::Maybe))
        .ingester_instance("c", sniffer("m-never", b"", Detection::No))
        .ingester_instance("c", sniffer("z-deckhand", b"schema:", Detection::No))
        .ingester_instance("c", sniffer("y-legacy", b"apiVersion:", Detection::No))
        .build()
        .unwrap();
    let name = |bytes: &[u8]| registry.detect(bytes).map(|i| i.name());
    assert_eq!(name(b"schema: drydock/Region/v1"), Some("z-deckhand"));
    assert_eq!(name(b"apiVersion: drydock/v1"), Some("y-legacy"));
    // Only a Maybe: that one.
    assert_eq!(name(b"something else"), Some("a-guesser"));
}

#[test]
fn detection_ties_go_to_the_first_by_name_and_no_match_is_none() {
    let registry = Registry::builder()
        .ingester_instance("c", sniffer("second", b"x", Detection::No))
        .ingester_instance("c", sniffer("first", b"x", Detection::No))
        .build()
        .unwrap();
    assert_eq!(registry.detect(b"x").map(|i| i.name()), Some("first"));
    assert!(registry.detect(b"y").is_none());
}

// Link-time registrations in this test binary (crate `drydock-core`).

fn memo() -> Arc<dyn Driver> {
    driver("memo")
}
register_driver!(name: "memo", schemes: &["memo-test"], constructor: memo);

fn twin_a() -> Arc<dyn Ingester> {
    sniffer("twin-test", b"", Detection::No)
}
fn twin_b() -> Arc<dyn Ingester> {
    sniffer("twin-test", b"", Detection::No)
}
register_ingester!(name: "twin-test", constructor: twin_a);
register_ingester!(name: "twin-test", constructor: twin_b);

#[tokio::test]
async fn macro_registrations_reach_the_global_registry() {
    let registry = Registry::global();
    let info = registry.schemes();
    let memo = info
        .iter()
        .find(|s| s.scheme == "memo-test")
        .expect("memo-test registered");
    assert_eq!(memo.crate_name, "drydock-core");
    let reference = DesignRef::parse("memo-test://x").unwrap();
    let fetched = registry
        .driver("memo-test")
        .unwrap()
        .fetch(&reference, &FetchOptions::default())
        .await
        .unwrap();
    assert_eq!(&fetched.bytes[..], b"memo");
}

#[test]
fn a_global_duplicate_ingester_is_reported_on_use_without_panicking() {
    let outcome = std::panic::catch_unwind(|| Registry::global().ingester("twin-test"));
    let err = outcome.expect("no panic").unwrap_err();
    assert!(
        matches!(err, Error::DuplicateIngester { ref name, .. } if name == "twin-test"),
        "{err:?}"
    );
    // A duplicated ingester never wins detection.
    assert!(
        Registry::global()
            .detect(b"anything")
            .is_none_or(|i| i.name() != "twin-test")
    );
}
