//! `drydock config` says where each value came from: the default, the file
//! (its path), an environment variable (its name); in TOML as a comment
//! after each value, in `--json` as a `sources` member by dotted path.

use crate::common::{drydock, printed};

#[test]
fn config_shows_where_each_value_came_from() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("site.toml");
    std::fs::write(
        &file,
        "[fetch]\ntimeout = \"7s\"\n[drivers.deckhand.keystone]\n\
         auth_url = \"http://127.0.0.1:5000/v3\"\npassword = \"hunter2-pw\"\n",
    )
    .unwrap();
    let path = file.display().to_string();
    let env = [("DRYDOCK__RETRY__ATTEMPTS", "2")];
    let out = drydock(&["--config", &path, "config"], home.path(), &env);
    assert_eq!(out.status.code(), Some(0), "{}", printed(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    for line in [
        format!("timeout = \"7s\"  # file {path}"),
        format!("password = \"***\"  # file {path}"),
        format!("auth_url = \"http://127.0.0.1:5000/v3\"  # file {path}"),
        "attempts = 2  # environment variable DRYDOCK__RETRY__ATTEMPTS".into(),
        "connect_timeout = \"10s\"  # default".into(),
        "refresh_before = \"2m\"  # default".into(),
    ] {
        assert!(text.lines().any(|l| l == line), "no `{line}` in:\n{text}");
    }
    // Every value line says where it came from.
    for line in text.lines().filter(|l| l.contains(" = ")) {
        assert!(line.contains("  # "), "{line}");
    }
    assert!(!printed(&out).contains("hunter2"), "{text}");

    let out = drydock(&["--config", &path, "config", "--json"], home.path(), &env);
    assert_eq!(out.status.code(), Some(0), "{}", printed(&out));
    assert!(!printed(&out).contains("hunter2"));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    // The sections are where they were.
    assert_eq!(v["fetch"]["timeout"], "7s");
    assert_eq!(v["retry"]["attempts"], 2);
    let sources = &v["sources"];
    assert_eq!(
        sources["fetch.timeout"],
        serde_json::json!({"from": "file", "path": path})
    );
    assert_eq!(
        sources["retry.attempts"],
        serde_json::json!({"from": "environment", "variable": "DRYDOCK__RETRY__ATTEMPTS"})
    );
    assert_eq!(
        sources["fetch.connect_timeout"],
        serde_json::json!({"from": "default"})
    );
    assert_eq!(
        sources["drivers.deckhand.keystone.password"],
        serde_json::json!({"from": "file", "path": path})
    );
    // One source per value shown.
    let sections = v.as_object().unwrap().len() - 1;
    assert!(sections >= 6, "{v}");
    assert!(sources.as_object().unwrap().len() > 30, "{sources}");
}
