//! A third-party driver crate registers its scheme purely by being linked.
//!
//! `echo-driver` is not in the facade's list of drivers; the `use` line below
//! is the only thing keeping it (and its `register_driver!`) in this test
//! binary. Remove it and the linker drops the crate: `echo` is then unknown.

use echo_driver as _;

use drydock_core::{DesignRef, ErrorKind, FetchOptions, Registry, Resolver};

#[test]
fn the_global_registry_lists_the_linked_third_party_scheme() {
    let schemes = Registry::global().schemes();
    let echo = schemes
        .iter()
        .find(|s| s.scheme == "echo")
        .unwrap_or_else(|| panic!("echo is not registered; registered: {schemes:?}"));
    assert_eq!(echo.driver, "echo");
    assert_eq!(echo.crate_name, "echo-driver");
    assert!(Registry::global().driver("echo").is_ok());
    assert_eq!(Registry::global().driver_name("echo"), Some("echo"));
}

#[tokio::test]
async fn the_resolver_serves_the_third_party_scheme() {
    let reference = DesignRef::parse("echo:///kind%3A%20Region").unwrap();
    let fetched = Resolver::new()
        .fetch(&reference, &FetchOptions::default())
        .await
        .unwrap();
    assert_eq!(&fetched.bytes[..], b"kind: Region");
    assert_eq!(fetched.metadata.driver, "echo");
    // The resolver's own checks apply to third-party drivers too.
    let err = Resolver::new()
        .fetch(&reference, &FetchOptions::default().with_max_size(4))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
}
