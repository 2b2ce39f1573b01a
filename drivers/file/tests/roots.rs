//! Allowed roots: the canonical path must lie under one; symlinks and `..` cannot escape.

mod common;

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
    let FileError::OutsideRoots { canonical, .. } = file_error(&err) else {
        unreachable!()
    };
    assert_eq!(canonical, &std::fs::canonicalize(&l.outside).unwrap());
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
