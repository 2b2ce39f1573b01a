//! From a `file://` reference to an absolute local path, refusing everything else.

use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use drydock_core::DesignRef;

use crate::error::FileError;

/// The absolute local path `reference` names.
///
/// Percent-encoded bytes are decoded (non-UTF-8 names included). A host, an
/// empty path, a query or a fragment are refused with an error showing the
/// correct form. (`localhost` never reaches here: the URL parser turns
/// `file://localhost/x` into `file:///x`.)
pub(crate) fn local_path(reference: &DesignRef) -> Result<PathBuf, FileError> {
    let redacted = || reference.redacted().to_owned();
    let url = reference.url();
    if url.scheme() != "file" {
        return Err(FileError::NotFileScheme {
            reference: redacted(),
            scheme: url.scheme().to_owned(),
        });
    }
    let path_part = url.path();
    if let Some(host) = url.host_str().filter(|h| !h.is_empty()) {
        let tail = if path_part == "/" { "" } else { path_part };
        let decoded_tail = if tail.is_empty() {
            String::new()
        } else {
            reference.decoded_path()
        };
        return Err(FileError::RemoteHost {
            reference: redacted(),
            host: host.to_owned(),
            suggested_path: format!("/{host}{decoded_tail}"),
            suggestion: format!("file:///{host}{tail}"),
        });
    }
    if path_part.is_empty() || path_part == "/" {
        return Err(FileError::EmptyPath {
            reference: redacted(),
        });
    }
    let invalid = |reason: &str| FileError::InvalidPath {
        reference: redacted(),
        reason: reason.to_owned(),
    };
    if url.query().is_some() {
        return Err(invalid(
            "it has a query (`?…`), which a file path cannot have; if `?` is part of the file name, write it as %3F",
        ));
    }
    if url.fragment().is_some() {
        return Err(invalid(
            "it has a fragment (`#…`), which a file path cannot have; if `#` is part of the file name, write it as %23",
        ));
    }
    let path = url
        .to_file_path()
        .map_err(|()| invalid("it cannot be turned into a local path"))?;
    if path.as_os_str().as_bytes().contains(&0) {
        return Err(invalid("it contains a NUL byte (%00)"));
    }
    if !path.is_absolute() {
        return Err(invalid("the path is not absolute"));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    use super::*;

    fn path_of(input: &str) -> Result<PathBuf, FileError> {
        local_path(&DesignRef::parse(input).unwrap())
    }

    #[test]
    fn absolute_paths_decode_percent_escapes() {
        assert_eq!(
            path_of("file:///etc/site.yaml").unwrap(),
            PathBuf::from("/etc/site.yaml")
        );
        assert_eq!(
            path_of("file:///tmp/my%20site/d%C3%A9sign.yaml").unwrap(),
            PathBuf::from("/tmp/my site/désign.yaml")
        );
        // Not UTF-8: kept byte for byte, not replaced by U+FFFD.
        let raw = path_of("file:///tmp/%FF.yaml").unwrap();
        assert_eq!(raw.as_os_str(), OsStr::from_bytes(b"/tmp/\xff.yaml"));
        assert_eq!(path_of("file:///a/%3F%23").unwrap(), PathBuf::from("/a/?#"));
    }

    #[test]
    fn localhost_is_the_local_host() {
        assert_eq!(
            path_of("file://localhost/etc/x").unwrap(),
            PathBuf::from("/etc/x")
        );
        assert_eq!(
            path_of("file://LOCALHOST/etc/x").unwrap(),
            PathBuf::from("/etc/x")
        );
    }

    /// The URL standard makes `file:etc/x` (no slashes) absolute before the
    /// driver sees it; only `file://etc/x` keeps the mistake visible.
    #[test]
    fn a_reference_without_slashes_is_refused_before_the_driver() {
        // The URL parser would make `file:etc/x` into /etc/x; DesignRef refuses it.
        for input in ["file:etc/x", "file:", "file:/etc/x"] {
            let err = DesignRef::parse(input).unwrap_err();
            assert!(err.to_string().contains("file:///"), "{err}");
        }
    }

    #[test]
    fn a_relative_looking_path_is_a_host_and_the_error_shows_the_fix() {
        let err = path_of("file://etc/x.yaml").unwrap_err();
        let FileError::RemoteHost {
            host,
            suggestion,
            suggested_path,
            ..
        } = &err
        else {
            panic!("{err:?}");
        };
        assert_eq!(host, "etc");
        assert_eq!(suggestion, "file:///etc/x.yaml");
        assert_eq!(suggested_path, "/etc/x.yaml");
        let shown = err.to_string();
        assert!(shown.contains("`etc` is parsed as a host"), "{shown}");
        assert!(shown.contains("file:///etc/x.yaml"), "{shown}");
    }

    #[test]
    fn remote_hosts_are_refused() {
        let err = path_of("file://server/share/site.yaml").unwrap_err();
        assert!(
            matches!(&err, FileError::RemoteHost { host, .. } if host == "server"),
            "{err:?}"
        );
        assert!(err.to_string().contains("http(s)://"), "{err}");
        assert!(matches!(
            path_of("file://10.0.0.1/x"),
            Err(FileError::RemoteHost { .. })
        ));
        assert!(matches!(
            path_of("file://server"),
            Err(FileError::RemoteHost { .. })
        ));
    }

    #[test]
    fn empty_paths_are_refused() {
        for input in ["file://", "file:///", "file://localhost"] {
            let err = path_of(input).unwrap_err();
            assert!(
                matches!(err, FileError::EmptyPath { .. }),
                "{input}: {err:?}"
            );
            assert!(err.to_string().contains("file:///srv/site.yaml"), "{err}");
        }
    }

    #[test]
    fn queries_fragments_and_nul_are_refused() {
        for input in ["file:///x?rev=1", "file:///x#frag", "file:///x%00y"] {
            let err = path_of(input).unwrap_err();
            assert!(
                matches!(err, FileError::InvalidPath { .. }),
                "{input}: {err:?}"
            );
        }
    }

    #[test]
    fn other_schemes_are_refused() {
        let err = path_of("https://h/x").unwrap_err();
        assert!(matches!(err, FileError::NotFileScheme { .. }), "{err:?}");
    }
}
