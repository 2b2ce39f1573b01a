//! The tarball a node fetches, read back by a real `tar`.

use drydock::bootaction::{RenderedAsset, tarball};
use drydock::design::AssetType;

#[test]
fn the_tarball_is_read_back_by_tar_and_is_reproducible() {
    let long = format!("/opt/{}/file.txt", "d".repeat(120));
    let assets = vec![
        asset("/var/tmp/hello.sh", Some("555"), b"#!/bin/sh\necho hi\n"),
        asset("/etc/systemd/system/x.service", None, b"[Unit]\n"),
        asset("/etc/zero", Some("000"), b""),
        asset(&long, Some("644"), b"long"),
    ];
    let bytes = tarball(&assets).unwrap();
    assert_eq!(bytes, tarball(&assets).unwrap(), "byte-reproducible");
    assert_eq!(&bytes[4..8], &[0, 0, 0, 0], "gzip mtime 0");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.tar.gz");
    std::fs::write(&file, &bytes).unwrap();
    let out = std::process::Command::new("tar")
        .args(["--numeric-owner", "-tvzf"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listing = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = listing.lines().collect();
    assert_eq!(lines.len(), 4, "{listing}");
    assert!(lines[0].starts_with("-r-xr-xr-x 0/0"), "{listing}");
    assert!(
        lines[0].ends_with(" 1970-01-01 00:00 /var/tmp/hello.sh"),
        "{listing}"
    );
    assert!(lines[1].starts_with("-rw------- 0/0"), "{listing}");
    assert!(
        lines[2].starts_with("-rw------- 0/0"),
        "000 is 0600: {listing}"
    );
    assert!(lines[3].ends_with(&long), "{listing}");
    // Unpacked with absolute names moved under a directory: the contents.
    let out = std::process::Command::new("tar")
        .args(["-xzf"])
        .arg(&file)
        .arg("-C")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(dir.path().join("var/tmp/hello.sh")).unwrap(),
        b"#!/bin/sh\necho hi\n"
    );
    assert_eq!(std::fs::read(dir.path().join(&long[1..])).unwrap(), b"long");
    // An empty list is still an archive.
    let empty = tarball(&[]).unwrap();
    std::fs::write(&file, &empty).unwrap();
    let out = std::process::Command::new("tar")
        .arg("-tzf")
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success() && out.stdout.is_empty());
}

fn asset(path: &str, permissions: Option<&str>, bytes: &[u8]) -> RenderedAsset {
    RenderedAsset {
        path: Some(path.into()),
        asset_type: AssetType::File,
        permissions: permissions.map(Into::into),
        bytes: bytes.to_vec(),
        packages: None,
    }
}
