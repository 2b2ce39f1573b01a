//! Allowed roots: the canonical path must lie under one; symlinks and `..` cannot escape.

use crate::common;

use std::os::unix::fs::symlink;

use common::{fetch, file_error};
use drydock_core::ErrorKind;
use drydock_driver_file::{FileDriver, FileError, FileOptions};

struct Layout {
    _dir: tempfile::TempDir,
    root: std::path::PathBuf,
    outside: std::path::PathBuf,
}

/// `<tmp>/root/site.yaml`, `<tmp>/outside.yaml`, `<tmp>/root-sibling/site.yaml`.
fn layout() -> Layout {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::write(root.join("site.yaml"), "inside: true\n").unwrap();
    let outside = dir.path().join("outside.yaml");
    std::fs::write(&outside, "secret: true\n").unwrap();
    std::fs::create_dir(dir.path().join("root-sibling")).unwrap();
    std::fs::write(dir.path().join("root-sibling/site.yaml"), "sibling: true\n").unwrap();
    Layout {
        _dir: dir,
        root,
        outside,
    }
}

fn confined(root: &std::path::Path) -> FileDriver {
    FileDriver::new(FileOptions::default().with_allowed_root(root)).unwrap()
}

fn assert_outside(err: &drydock_core::Error) {
    assert_eq!(err.kind(), ErrorKind::PermissionDenied, "{err}");
    assert!(
        matches!(file_error(err), FileError::OutsideRoots { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("outside the allowed roots"),
        "{err}"
    );
}

#[tokio::test]
async fn a_file_under_the_root_is_read() {
    let l = layout();
    let fetched = fetch(&confined(&l.root), &l.root.join("site.yaml"))
        .await
        .unwrap();
    assert_eq!(&fetched.bytes[..], b"inside: true\n");
    // Through `..` that stays inside.
    let fetched = fetch(&confined(&l.root), &l.root.join("sub/../site.yaml"))
        .await
        .unwrap();
    assert_eq!(&fetched.bytes[..], b"inside: true\n");
}

#[tokio::test]
async fn a_file_outside_the_root_is_refused() {
    let l = layout();
    let err = fetch(&confined(&l.root), &l.outside).await.unwrap_err();
    assert_outside(&err);
}

#[tokio::test]
async fn dot_dot_cannot_escape() {
    let l = layout();
    let err = fetch(&confined(&l.root), &l.root.join("../outside.yaml"))
        .await
        .unwrap_err();
    assert_outside(&err);
}

#[tokio::test]
async fn a_sibling_sharing_the_roots_name_as_prefix_is_outside() {
    let l = layout();
    let sibling = l.root.with_file_name("root-sibling").join("site.yaml");
    let err = fetch(&confined(&l.root), &sibling).await.unwrap_err();
    assert_outside(&err);
}

#[tokio::test]
async fn a_symlink_inside_the_root_cannot_point_outside() {
    let l = layout();
    symlink(&l.outside, l.root.join("escape.yaml")).unwrap();
    symlink("../..", l.root.join("sub/up")).unwrap();
    let driver = confined(&l.root);
    let err = fetch(&driver, &l.root.join("escape.yaml"))
        .await
        .unwrap_err();
    assert_outside(&err);
    // Where the symlink leads is not told.
    assert!(!err.to_string().contains("outside.yaml"), "{err}");
    // A symlinked directory on the way.
    let err = fetch(&driver, &l.root.join("sub/up/outside.yaml"))
        .await
        .unwrap_err();
    assert_outside(&err);
    // Without roots, the same symlink is followed.
    let fetched = fetch(&FileDriver::default(), &l.root.join("escape.yaml"))
        .await
        .unwrap();
    assert_eq!(&fetched.bytes[..], b"secret: true\n");
}

#[tokio::test]
async fn a_symlink_inside_pointing_inside_is_followed() {
    let l = layout();
    symlink("site.yaml", l.root.join("alias.yaml")).unwrap();
    let fetched = fetch(&confined(&l.root), &l.root.join("alias.yaml"))
        .await
        .unwrap();
    assert_eq!(&fetched.bytes[..], b"inside: true\n");
}

#[tokio::test]
async fn roots_are_canonicalised_and_any_of_several_may_hold_the_file() {
    let l = layout();
    let link = l.root.with_file_name("root-link");
    symlink(&l.root, &link).unwrap();
    let driver = FileDriver::new(
        FileOptions::default().with_allowed_roots([l.outside.with_file_name("root-sibling"), link]),
    )
    .unwrap();
    assert_eq!(
        driver.allowed_roots()[1],
        std::fs::canonicalize(&l.root).unwrap()
    );
    let fetched = fetch(&driver, &l.root.join("site.yaml")).await.unwrap();
    assert_eq!(&fetched.bytes[..], b"inside: true\n");
}

#[test]
fn a_missing_or_non_directory_root_is_a_construction_error() {
    let l = layout();
    for bad in [l.root.join("missing"), l.root.join("site.yaml")] {
        let err = FileDriver::new(FileOptions::default().with_allowed_root(&bad)).unwrap_err();
        assert!(
            matches!(&err, FileError::InvalidRoot { root, .. } if root == &bad),
            "{err:?}"
        );
        assert!(err.to_string().contains("allowed root"), "{err}");
    }
}

#[tokio::test]
async fn a_confined_driver_does_not_tell_what_exists_outside_its_roots() {
    let l = layout();
    let driver = confined(&l.root);
    for outside in [
        l.outside.with_file_name("missing.yaml"),
        l.root.join("../missing.yaml"),
    ] {
        let err = fetch(&driver, &outside).await.unwrap_err();
        assert_outside(&err);
    }
    let err = fetch(&driver, &l.root.join("missing.yaml"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
}

/// The message a confined driver gives for `path`, with the path as given
/// replaced by `PATH` (so that two paths' answers can be compared).
async fn answer(driver: &FileDriver, path: &std::path::Path) -> String {
    let err = fetch(driver, path).await.unwrap_err();
    assert_outside(&err);
    let shown = err.to_string();
    // The URL parser resolves `..` by name: that is the path as given.
    let url = url::Url::from_file_path(path).unwrap();
    let url = url::Url::parse(url.as_str()).unwrap();
    let given = url.to_file_path().unwrap();
    shown
        .replace(url.as_str(), "REF")
        .replace(&given.display().to_string(), "PATH")
}

#[tokio::test]
async fn the_answer_is_the_same_whether_or_not_the_outside_target_exists() {
    let l = layout();
    let top = l.root.parent().unwrap().to_owned();
    // Outside: `secret.d/` exists with `present.yaml`; `absent.yaml` does not.
    let secret = top.join("secret.d");
    std::fs::create_dir(&secret).unwrap();
    std::fs::write(secret.join("present.yaml"), "x: 1\n").unwrap();
    // Symlinks inside the root to each; a directory link; a dangling link
    // into a missing directory; a chain of links.
    symlink(secret.join("present.yaml"), l.root.join("to-present")).unwrap();
    symlink(secret.join("absent.yaml"), l.root.join("to-absent")).unwrap();
    symlink(&secret, l.root.join("dir")).unwrap();
    symlink(top.join("gone.d/absent.yaml"), l.root.join("to-gone")).unwrap();
    symlink("to-absent", l.root.join("chain")).unwrap();
    symlink("../../secret.d/absent.yaml", l.root.join("sub/relative")).unwrap();
    let driver = confined(&l.root);
    let pairs = [
        (l.root.join("to-present"), l.root.join("to-absent")),
        (l.root.join("to-present"), l.root.join("to-gone")),
        (l.root.join("to-present"), l.root.join("chain")),
        (l.root.join("to-present"), l.root.join("sub/relative")),
        (
            l.root.join("dir/present.yaml"),
            l.root.join("dir/absent.yaml"),
        ),
        (
            l.root.join("dir/present.yaml"),
            l.root.join("dir/nodir/absent.yaml"),
        ),
        (
            l.root.join("../secret.d/present.yaml"),
            l.root.join("../secret.d/absent.yaml"),
        ),
        (
            l.root.join("sub/../../secret.d/present.yaml"),
            l.root.join("sub/../../gone.d/absent.yaml"),
        ),
    ];
    for (exists, missing) in pairs {
        let (a, b) = (
            answer(&driver, &exists).await,
            answer(&driver, &missing).await,
        );
        assert_eq!(a, b, "{} vs {}", exists.display(), missing.display());
        // Where a symlink leads is never named (a `..` path names only itself).
        for name in ["secret.d", "present.yaml", "absent.yaml", "gone.d"] {
            assert!(!a.contains(name), "the outside target is named: {a}");
        }
    }
}
