//! Every refusal is its own `FileError` variant with the matching `ErrorKind`.

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{fetch, file_error};
use drydock_core::{DesignRef, Driver, ErrorKind, FetchOptions};
use drydock_driver_file::{FileDriver, FileError};

async fn fetch_str(input: &str) -> drydock_core::Error {
    let r = DesignRef::parse(input).unwrap();
    FileDriver::default()
        .fetch(&r, &FetchOptions::default())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn a_relative_path_parsed_as_host_says_so_and_shows_the_correct_form() {
    let err = fetch_str("file://etc/site.yaml").await;
    assert_eq!(err.kind(), ErrorKind::InvalidReference);
    assert!(matches!(file_error(&err), FileError::RemoteHost { host, .. } if host == "etc"));
    let shown = err.to_string();
    assert!(shown.contains("`etc` is parsed as a host name"), "{shown}");
    assert!(shown.contains("file:///etc/site.yaml"), "{shown}");
}

#[tokio::test]
async fn a_remote_host_is_refused() {
    let err = fetch_str("file://fileserver/share/site.yaml").await;
    assert_eq!(err.kind(), ErrorKind::InvalidReference);
    assert!(
        matches!(file_error(&err), FileError::RemoteHost { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("local files only"), "{err}");
}

#[tokio::test]
async fn an_empty_path_is_refused() {
    for input in ["file://", "file:///"] {
        let err = fetch_str(input).await;
        assert_eq!(err.kind(), ErrorKind::InvalidReference);
        assert!(
            matches!(file_error(&err), FileError::EmptyPath { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("file:///srv/site.yaml"), "{err}");
    }
}

#[tokio::test]
async fn a_missing_file_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    for missing in [
        dir.path().join("nope.yaml"),
        dir.path().join("no/dir/x.yaml"),
    ] {
        let err = fetch(&FileDriver::default(), &missing).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
        assert!(matches!(file_error(&err), FileError::NotFound { path, .. } if path == &missing));
        assert!(err.to_string().contains("no such file"), "{err}");
    }
    // A file used as a directory on the way.
    std::fs::write(dir.path().join("plain"), "x").unwrap();
    let err = fetch(&FileDriver::default(), &dir.path().join("plain/x.yaml"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
}

#[tokio::test]
async fn a_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = fetch(&FileDriver::default(), dir.path()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidReference);
    assert!(
        matches!(file_error(&err), FileError::IsDirectory { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("is a directory"), "{err}");
}

fn assert_special(err: &drydock_core::Error, expected: &str) {
    assert_eq!(err.kind(), ErrorKind::InvalidReference, "{err}");
    match file_error(err) {
        FileError::SpecialFile { kind, .. } => assert_eq!(*kind, expected),
        other => panic!("expected SpecialFile({expected}), got {other:?}"),
    }
}

#[tokio::test]
async fn a_fifo_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.yaml");
    let status = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    // Opening a FIFO for reading with no writer would block forever.
    let outcome = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        fetch(&FileDriver::default(), &fifo),
    )
    .await
    .expect("the driver must not block on a FIFO");
    assert_special(&outcome.unwrap_err(), "FIFO");
}

#[tokio::test]
async fn a_socket_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("sock");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let err = fetch(&FileDriver::default(), &socket).await.unwrap_err();
    assert_special(&err, "socket");
}

#[tokio::test]
async fn a_device_is_refused() {
    let err = fetch(&FileDriver::default(), Path::new("/dev/zero"))
        .await
        .unwrap_err();
    assert_special(&err, "character device");
    // Through a symlink too.
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/dev/null", dir.path().join("null.yaml")).unwrap();
    let err = fetch(&FileDriver::default(), &dir.path().join("null.yaml"))
        .await
        .unwrap_err();
    assert_special(&err, "character device");
}

const UNPRIVILEGED_DIR: &str = "DRYDOCK_FILE_TEST_UNPRIVILEGED_DIR";

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// A file with mode 000 (`locked/secret.yaml` is also behind a mode-000 directory).
fn make_unreadable(dir: &Path) -> (PathBuf, PathBuf) {
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let file = dir.join("secret.yaml");
    std::fs::write(&file, "x: 1\n").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    let locked = dir.join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("secret.yaml"), "x: 1\n").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    (file, locked.join("secret.yaml"))
}

/// Root bypasses mode bits (CAP_DAC_OVERRIDE), so as root the test prepares
/// the files and runs itself again as `nobody` (uid 65534), where the kernel
/// really refuses; the child's verdict is the test's verdict.
#[tokio::test]
async fn permission_denied_is_its_own_error() {
    let dir = match std::env::var_os(UNPRIVILEGED_DIR) {
        Some(dir) => PathBuf::from(dir),
        None if is_root() => {
            let dir = tempfile::tempdir().unwrap();
            make_unreadable(dir.path());
            let output = Command::new(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "errors::permission_denied_is_its_own_error",
                    "--test-threads=1",
                ])
                .env(UNPRIVILEGED_DIR, dir.path())
                .uid(65534)
                .gid(65534)
                .output()
                .expect("the test binary runs as nobody");
            let stdout = String::from_utf8_lossy(&output.stdout);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(output.status.success(), "as nobody:\n{stdout}\n{stderr}");
            assert!(
                stdout.contains("1 passed"),
                "as nobody:\n{stdout}\n{stderr}"
            );
            return;
        }
        None => {
            let dir = tempfile::tempdir().unwrap().keep();
            make_unreadable(&dir);
            dir
        }
    };
    assert!(!is_root(), "this part must run unprivileged");
    let file = dir.join("secret.yaml");
    let hidden = dir.join("locked/secret.yaml");
    for path in [&file, &hidden] {
        let err = fetch(&FileDriver::default(), path).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::PermissionDenied, "{err}");
        assert!(
            matches!(file_error(&err), FileError::PermissionDenied { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("permission denied"), "{err}");
    }
}

/// Even root cannot open a write-only sysfs attribute for reading (kernfs
/// answers EACCES): a second, root-proof permission check where sysfs exists.
#[tokio::test]
async fn a_write_only_sysfs_attribute_is_permission_denied_even_for_root() {
    let candidates = [
        "/sys/bus/pci/rescan",
        "/sys/class/zram-control/hot_remove",
        "/sys/power/wakeup_count",
    ];
    let Some(path) = candidates.iter().map(Path::new).find(|p| {
        p.metadata()
            .is_ok_and(|m| m.permissions().mode() & 0o444 == 0)
    }) else {
        println!("skipped: no write-only sysfs attribute on this machine ({candidates:?})");
        return;
    };
    let err = fetch(&FileDriver::default(), path).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PermissionDenied, "{err}");
    assert!(
        matches!(file_error(&err), FileError::PermissionDenied { .. }),
        "{err:?}"
    );
}
