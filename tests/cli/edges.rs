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
