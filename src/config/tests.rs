//! The configuration: unknown keys, overrides, redaction.
use super::tree::redact;
use super::*;

#[test]
fn unknown_keys_are_named_with_the_file() {
    let err = Config::from_toml_str("[fetch]\ntimeot = \"1s\"\n", "/etc/d.toml").unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.contains("timeot") && shown.contains("/etc/d.toml") && shown.contains("[fetch]"),
        "{shown}"
    );
    let err = Config::from_toml_str("[fetchh]\n", "/etc/d.toml").unwrap_err();
    assert!(err.to_string().contains("fetchh"), "{err}");
}

#[test]
fn set_checks_and_rolls_back() {
    let mut c = Config::default();
    c.set("fetch.max_size", Value::String("2MiB".into()), "--max-size")
        .unwrap();
    assert_eq!(c.fetch_options().max_size, 2 << 20);
    let err = c
        .set("fetch.max_size", Value::String("lots".into()), "--max-size")
        .unwrap_err();
    assert!(
        err.to_string().contains("--max-size") && err.to_string().contains("lots"),
        "{err}"
    );
    assert_eq!(c.fetch_options().max_size, 2 << 20);
}

#[test]
fn redaction_hides_secret_keys_and_url_passwords() {
    let mut v = serde_json::json!({"store": {"url": "postgres://u:pw@h/db"}, "x": {"password": "pw", "client_key": "/k.pem"}});
    redact(&mut v);
    let shown = v.to_string();
    assert!(
        !shown.contains("pw@") && !shown.contains("\"pw\""),
        "{shown}"
    );
    assert!(shown.contains("/k.pem"), "{shown}");
}
