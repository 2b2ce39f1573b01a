//! The echo driver is configured through the registry from its section.

use drydock_core::{DesignRef, DriverConfig, ErrorKind, FetchOptions, Registry};

#[tokio::test]
async fn its_section_configures_it_and_a_misspelt_key_is_named() {
    use echo_driver as _;
    let registration = Registry::global()
        .drivers()
        .into_iter()
        .find(|d| d.name == "echo")
        .expect("echo is linked");
    assert_eq!(registration.options, serde_json::json!({"prefix": ""}));

    let config = DriverConfig::new("echo", serde_json::json!({"prefix": "> "}), "test.toml");
    let driver = echo_driver::EchoDriver::configure(config.options().unwrap(), &config).unwrap();
    let fetched = driver
        .fetch(
            &DesignRef::parse("echo:///hi").unwrap(),
            &FetchOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(&fetched.bytes[..], b"> hi");

    let bad = DriverConfig::new("echo", serde_json::json!({"prefx": "> "}), "test.toml");
    let err = bad.options::<echo_driver::Options>().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(
        err.to_string().contains("prefx") && err.to_string().contains("test.toml"),
        "{err}"
    );
}
