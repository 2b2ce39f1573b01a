//! Two crates registering one scheme: the global registry reports it as a
//! typed error naming both crates when the scheme is used, and never panics.

use std::sync::Arc;

use echo_driver as _;

use drydock_core::{
    DesignRef, Driver, Error, ErrorKind, FetchOptions, Fetched, Registry, Resolver, async_trait,
    register_driver,
};

/// A second driver claiming `echo`, registered by this test binary (crate `drydock`).
#[derive(Debug)]
struct Impostor;

#[async_trait]
impl Driver for Impostor {
    async fn fetch(
        &self,
        reference: &DesignRef,
        _: &FetchOptions,
    ) -> drydock_core::Result<Fetched> {
        Ok(Fetched::new("impostor", reference, "impostor".into()))
    }
}

fn new_impostor() -> Arc<dyn Driver> {
    Arc::new(Impostor)
}

register_driver!(name: "impostor", schemes: &["echo"], constructor: new_impostor);

fn assert_names_both(err: &Error) {
    match err {
        Error::DuplicateScheme {
            scheme,
            first,
            second,
        } => {
            assert_eq!(scheme, "echo");
            let mut crates = [first.as_str(), second.as_str()];
            crates.sort_unstable();
            assert_eq!(crates, ["drydock", "echo-driver"]);
        }
        other => panic!("expected DuplicateScheme, got {other:?}"),
    }
    assert_eq!(err.kind(), ErrorKind::Registry);
    let shown = err.to_string();
    assert!(
        shown.contains("`echo-driver`") && shown.contains("`drydock`"),
        "{shown}"
    );
}

#[test]
fn the_duplicate_is_an_error_naming_both_crates_not_a_panic() {
    let outcome = std::panic::catch_unwind(|| Registry::global().driver("echo"));
    let err = outcome.expect("the registry must not panic").unwrap_err();
    assert_names_both(&err);
    // The scheme is still listed, so `drydock schemes` can show who holds it.
    assert!(
        Registry::global()
            .schemes()
            .iter()
            .any(|s| s.scheme == "echo")
    );
}

#[tokio::test]
async fn resolving_the_duplicated_scheme_fails_with_the_same_error() {
    let reference = DesignRef::parse("echo:///x").unwrap();
    let err = Resolver::new()
        .fetch(&reference, &FetchOptions::default())
        .await
        .unwrap_err();
    assert_names_both(&err);
}
