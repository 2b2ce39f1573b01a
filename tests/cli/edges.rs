//! The edges an operator touches, through the real binary: configuration
//! values out of range, store paths, messages and exit codes.

use crate::common::{drydock, printed};

#[test]
fn a_duration_out_of_range_is_refused_with_a_message_never_a_panic() {
    let home = tempfile::tempdir().unwrap();
    // A closed loopback port: the fetch fails and is retried, so the
    // backoff is computed.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/x.yaml", closed.local_addr().unwrap());
    drop(closed);
    for (name, value) in [
        ("DRYDOCK__RETRY__INITIAL_BACKOFF", "18446744073709551615s"),
        ("DRYDOCK__RETRY__INITIAL_BACKOFF", "18446744073709551615"),
        ("DRYDOCK__RETRY__MULTIPLIER", "1e300"),
        ("DRYDOCK__FETCH__TIMEOUT", "18446744073709551615s"),
        ("DRYDOCK__CACHE__TTL", "600000000d"),
    ] {
        let out = drydock(&["resolve", &url], home.path(), &[(name, value)]);
        assert_eq!(
            out.status.code(),
            Some(4),
            "{name}={value}: {}",
            printed(&out)
        );
        assert!(printed(&out).contains(name), "{name}: {}", printed(&out));
    }
    // The same in the file.
    let dir = home.path().join("config/drydock");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "[retry]\ninitial_backoff = \"18446744073709551615s\"\n",
    )
    .unwrap();
    let out = drydock(&["resolve", &url], home.path(), &[]);
    assert_eq!(out.status.code(), Some(4), "{}", printed(&out));
    assert!(printed(&out).contains("365 days"), "{}", printed(&out));
}

#[test]
fn a_store_path_must_be_a_regular_file_or_absent_and_is_created_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("site.yaml"), "x: 1\n").unwrap();
    // A character device, directly and through a symlink: refused, and
    // nothing is created next to it.
    let link = home.path().join("null.db");
    std::os::unix::fs::symlink("/dev/null", &link).unwrap();
    for store in ["/dev/null".to_owned(), link.display().to_string()] {
        let out = drydock(
            &["resolve", "./site.yaml", "--store", &store],
            home.path(),
            &[],
        );
        assert_eq!(out.status.code(), Some(3), "{store}: {}", printed(&out));
        assert!(
            printed(&out).contains("not a regular file"),
            "{}",
            printed(&out)
        );
    }
    assert!(!home.path().join("null.db-journal").exists());
    // A new store and its journals are the owner's alone.
    let store = home.path().join("s.db").display().to_string();
    let out = drydock(
        &["resolve", "./site.yaml", "--store", &store],
        home.path(),
        &[],
    );
    assert!(
        out.status.code().is_some_and(|c| c < 3),
        "{}",
        printed(&out)
    );
    for entry in std::fs::read_dir(home.path()).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("s.db") {
            let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{name}: {mode:o}");
        }
    }
}

#[test]
fn a_missing_plain_path_is_no_such_file_and_a_missing_record_is_not_found() {
    let home = tempfile::tempdir().unwrap();
    let out = drydock(&["resolve", "nosuch.yaml"], home.path(), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", printed(&out));
    assert!(printed(&out).contains("no such file"), "{}", printed(&out));
    assert!(!printed(&out).contains("scheme"), "{}", printed(&out));

    // A store with one snapshot.
    let site = drydock_fixtures::sitegen::deckhand(&drydock_fixtures::sitegen::SiteSpec::new(1));
    std::fs::write(home.path().join("site.yaml"), site).unwrap();
    let store = format!("sqlite://{}", home.path().join("s.db").display());
    let out = drydock(
        &["resolve", "./site.yaml", "--store", &store, "--json"],
        home.path(),
        &[],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let id = v["snapshot"]["snapshot_id"].as_str().unwrap().to_owned();

    // A unique prefix is accepted.
    let out = drydock(
        &["snapshots", "show", &id[..8], "--store", &store],
        home.path(),
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", printed(&out));
    assert!(printed(&out).contains(&id), "{}", printed(&out));
    let other = if id.starts_with('f') { "0000" } else { "ffff" };
    // Unknown ids, short or whole, and unknown tasks: not found, exit 5.
    for args in [
        vec!["snapshots", "show", other],
        vec!["snapshots", "show", "nosuch"],
        vec!["snapshots", "diff", other, &id[..8]],
        vec!["snapshots", "show", "01234567-89ab-cdef-0123-456789abcdef"],
        vec!["task", "show", "01234567-89ab-cdef-0123-456789abcdef"],
    ] {
        let mut all = args.clone();
        all.extend(["--store", store.as_str()]);
        let out = drydock(&all, home.path(), &[]);
        assert_eq!(out.status.code(), Some(5), "{args:?}: {}", printed(&out));
        assert!(
            printed(&out).contains("not found"),
            "{args:?}: {}",
            printed(&out)
        );
        assert!(
            !printed(&out).contains("scheme"),
            "{args:?}: {}",
            printed(&out)
        );
    }
    // A status that does not exist is named with the ones that do.
    let out = drydock(
        &["task", "list", "--status", "done", "--store", &store],
        home.path(),
        &[],
    );
    assert_eq!(out.status.code(), Some(64), "{}", printed(&out));
    assert!(printed(&out).contains("complete"), "{}", printed(&out));
}

#[test]
fn store_status_on_a_database_never_migrated_hints_at_migrate() {
    let home = tempfile::tempdir().unwrap();
    // An SQLite file that is a database, but not a drydock one.
    let db = home.path().join("empty.db");
    std::fs::write(&db, b"").unwrap();
    let store = format!("sqlite://{}", db.display());
    let out = drydock(&["store", "status", "--store", &store], home.path(), &[]);
    assert!(!out.status.success(), "{}", printed(&out));
    assert!(
        printed(&out).contains("drydock store migrate"),
        "{}",
        printed(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deckhand_s_status_document_in_a_200_is_an_error_and_latest_stays_in_range() {
    use drydock_fixtures::{HttpFixture, Route};
    let home = tempfile::tempdir().unwrap();
    let server = HttpFixture::start().await.unwrap();
    let status = "apiVersion: v1\nkind: Status\nstatus: Failure\n\
                  message: the revision could not be rendered\nreason: Unspecified\ncode: 500\n";
    server.route(
        "/api/v1.0/revisions/7/rendered-documents",
        Route::status_with_body(200, status),
    );
    server.route(
        "/api/v1.0/revisions",
        Route::status_with_body(200, "results:\n  - id: 1\n  - id: 3000000000\n"),
    );
    let port = server.base_url().port().unwrap();
    let at =
        |revision: &str| format!("deckhand+http://127.0.0.1:{port}/api/v1.0/revisions/{revision}");
    let args = |r: String| vec!["resolve".to_owned(), r];
    let out = crate::common::run(args(at("7")), home.path(), vec![]).await;
    assert_eq!(out.status.code(), Some(2), "{}", printed(&out));
    assert!(
        printed(&out).contains("the revision could not be rendered"),
        "{}",
        printed(&out)
    );
    let out = crate::common::run(args(at("latest")), home.path(), vec![]).await;
    assert_eq!(out.status.code(), Some(2), "{}", printed(&out));
    assert!(printed(&out).contains("3000000000"), "{}", printed(&out));
    assert!(
        !server
            .requests()
            .iter()
            .any(|r| r.path_only().contains("3000000000")),
        "the out-of-range revision was never asked for"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deckhand_messages_fit_the_case() {
    use drydock_fixtures::{HttpFixture, Route};
    let home = tempfile::tempdir().unwrap();
    let server = HttpFixture::start().await.unwrap();
    let port = server.base_url().port().unwrap();
    let at = |revision: &str| {
        vec![
            "resolve".to_owned(),
            format!("deckhand+http://127.0.0.1:{port}/api/v1.0/revisions/{revision}"),
        ]
    };
    // No credentials configured: not "refused the token".
    server.route(
        "/api/v1.0/revisions/1/rendered-documents",
        Route::status_with_body(
            401,
            "kind: Status\nstatus: Failure\nmessage: authentication required\n",
        ),
    );
    let out = crate::common::run(at("1"), home.path(), vec![]).await;
    assert_eq!(out.status.code(), Some(2), "{}", printed(&out));
    assert!(
        printed(&out).contains("none are configured"),
        "{}",
        printed(&out)
    );
    assert!(
        !printed(&out).contains("refused the token"),
        "{}",
        printed(&out)
    );
    // A 500 Deckhand says is permanent (`retry: false`) is asked once, and
    // its message repeated in the details is shown once.
    let said = "Revision 2 could not be rendered: bad layering";
    server.route(
        "/api/v1.0/revisions/2/rendered-documents",
        Route::status_with_body(
            500,
            format!(
                "kind: Status\nstatus: Failure\nretry: false\nmessage: \"{said}\"\n\
                 details:\n  messageList:\n  - message: \"{said}\"\n"
            ),
        ),
    );
    let out = crate::common::run(at("2"), home.path(), vec![]).await;
    assert_eq!(out.status.code(), Some(2), "{}", printed(&out));
    assert_eq!(server.hits("/api/v1.0/revisions/2/rendered-documents"), 1);
    assert_eq!(printed(&out).matches(said).count(), 1, "{}", printed(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cache_hit_is_not_said_to_be_fetched() {
    let home = tempfile::tempdir().unwrap();
    let site = drydock_fixtures::sitegen::deckhand(&drydock_fixtures::sitegen::SiteSpec::new(1));
    std::fs::write(home.path().join("site.yaml"), &site).unwrap();
    let digest = drydock::Digest::of(site.as_bytes()).to_string();
    let store = format!("sqlite://{}", home.path().join("s.db").display());
    let args = || {
        [
            "resolve",
            "./site.yaml",
            "--store",
            &store,
            "--expect-digest",
            &digest,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
    };
    let first = crate::common::run(args(), home.path(), vec![]).await;
    assert!(printed(&first).contains("fetched "), "{}", printed(&first));
    let hit = crate::common::run(args(), home.path(), vec![]).await;
    let text = String::from_utf8_lossy(&hit.stdout).into_owned();
    assert!(text.contains("from the cache"), "{text}");
    assert!(!text.contains("fetched "), "{text}");
}

#[test]
fn a_usage_error_with_json_is_json() {
    let home = tempfile::tempdir().unwrap();
    let out = drydock(
        &["resolve", "--json", "--no-such-flag", "x.yaml"],
        home.path(),
        &[],
    );
    assert_eq!(out.status.code(), Some(64), "{}", printed(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", printed(&out)));
    assert_eq!(v["error"]["kind"], "usage", "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--no-such-flag"),
        "{v}"
    );
}

#[test]
fn config_shows_the_store_in_effect_and_the_keystone_auth_url() {
    let home = tempfile::tempdir().unwrap();
    let out = drydock(&["config"], home.path(), &[]);
    assert!(out.status.success(), "{}", printed(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let default = home.path().join("data/drydock/drydock.db");
    assert!(
        text.contains(&format!(
            "# store in effect: sqlite://{} (the default",
            default.display()
        )),
        "{text}"
    );
    let out = drydock(
        &["config"],
        home.path(),
        &[
            (
                "DRYDOCK__DRIVERS__DECKHAND__KEYSTONE__AUTH_URL",
                "http://127.0.0.1:5000/v3",
            ),
            (
                "DRYDOCK__DRIVERS__DECKHAND__KEYSTONE__PASSWORD",
                "hunter2-secret",
            ),
        ],
    );
    let text = printed(&out);
    assert!(
        text.contains("auth_url = \"http://127.0.0.1:5000/v3\""),
        "{text}"
    );
    assert!(!text.contains("hunter2-secret"), "{text}");
}

#[test]
fn each_deckhand_reference_error_has_its_own_hint() {
    let home = tempfile::tempdir().unwrap();
    let mut hints = std::collections::BTreeSet::new();
    for reference in [
        "deckhand+http://127.0.0.1:9/api/v1.0/revisions/abc",
        "deckhand+http://127.0.0.1:9/api/v1.0/revisions/1/",
        "deckhand+http://u:p@127.0.0.1:9/api/v1.0/revisions/1",
    ] {
        let out = drydock(&["resolve", reference], home.path(), &[]);
        assert_eq!(out.status.code(), Some(2), "{}", printed(&out));
        let text = String::from_utf8_lossy(&out.stderr).into_owned();
        let hint = text
            .lines()
            .find(|l| l.starts_with("hint: "))
            .unwrap_or_default();
        assert!(!hint.contains("full URI"), "{reference}: {text}");
        hints.insert(hint.to_owned());
    }
    assert_eq!(hints.len(), 3, "{hints:?}");
}
