//! The real `drydock` binary: exit statuses and error messages for bad input.

use std::process::Output;

fn drydock(args: &[&str]) -> Output {
    crate::common::drydock_homeless(args)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_plain_path_that_does_not_exist_exits_2_saying_no_such_file() {
    let out = drydock(&["resolve", "etc/site.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    assert!(lines[0].contains("etc/site.yaml"), "{err}");
    assert!(lines[0].contains("no such file"), "{err}");
    assert!(!lines[0].contains("scheme"), "{err}");
    assert!(lines[1].starts_with("hint: "), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn an_unknown_scheme_exits_2_listing_the_known_ones() {
    let out = drydock(&["resolve", "gopher://host/site.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("no driver for scheme `gopher`"), "{err}");
    assert!(
        err.contains(
            "deckhand+http, deckhand+https, file, http, https, promenade+http, promenade+https"
        ),
        "{err}"
    );
}

#[test]
fn credentials_never_reach_stderr() {
    for reference in [
        "gopher://admin:hunter2@host/site.yaml?token=s3cr3t",
        "https://admin:hunter2@[::1/site.yaml?token=s3cr3t",
        "file://admin:hunter2@remote/site.yaml?token=s3cr3t",
    ] {
        let out = drydock(&["resolve", reference]);
        assert_eq!(out.status.code(), Some(2), "{reference}");
        let err = stderr(&out);
        assert!(!err.contains("hunter2"), "{err}");
        assert!(!err.contains("s3cr3t"), "{err}");
        assert!(err.starts_with("error: "), "{err}");
    }
}

#[test]
fn a_missing_file_exits_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("absent.yaml");
    let reference = format!("file://{}", missing.display());
    let out = drydock(&["resolve", &reference]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("absent.yaml"), "{err}");
    assert!(err.contains("hint: "), "{err}");
}

#[test]
fn a_bad_option_value_is_explained_with_the_usage_exit_status() {
    // A wrong command line has its own status (64), distinct from a bad reference (2).
    let out = drydock(&["resolve", "file:///x", "--timeout", "soon"]);
    assert_eq!(out.status.code(), Some(64));
    assert!(stderr(&out).contains("not a duration"), "{}", stderr(&out));
}

#[test]
fn schemes_lists_drivers_and_ingesters_with_their_crates() {
    let out = drydock(&["schemes", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let schemes: Vec<(&str, &str)> = value["schemes"]
        .as_array()
        .expect("schemes array")
        .iter()
        .map(|s| {
            (
                s["scheme"].as_str().unwrap_or(""),
                s["crate_name"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        schemes,
        [
            ("deckhand+http", "drydock-driver-deckhand"),
            ("deckhand+https", "drydock-driver-deckhand"),
            ("file", "drydock-driver-file"),
            ("http", "drydock-driver-http"),
            ("https", "drydock-driver-http"),
            ("promenade+http", "drydock-driver-deckhand"),
            ("promenade+https", "drydock-driver-deckhand"),
        ]
    );
    let ingesters: Vec<&str> = value["ingesters"]
        .as_array()
        .expect("ingesters array")
        .iter()
        .filter_map(|i| i["name"].as_str())
        .collect();
    assert_eq!(ingesters, ["deckhand", "yaml"]);
    let table = drydock(&["schemes"]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("drydock-driver-file"), "{text}");
}

#[test]
fn verbose_logs_never_show_credentials() {
    // Port 1 on loopback refuses connections: the http driver retries and logs each attempt.
    let out = drydock(&[
        "-vv",
        "resolve",
        "http://admin:hunter2@127.0.0.1:1/site.yaml?token=s3cr3t",
        "--timeout",
        "1s",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("retrying") || err.contains("attempt"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
    assert!(!err.contains("s3cr3t"), "{err}");
}
