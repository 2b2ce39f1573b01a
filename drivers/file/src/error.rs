//! [`FileError`]: everything the file driver can refuse, and its mapping to
//! [`drydock_core::ErrorKind`].

use std::io;
use std::path::PathBuf;

use drydock_core::{DesignRef, Error, ErrorKind};

/// What went wrong while reading a `file://` reference.
///
/// Each variant names the (redacted) reference it is about; paths are local
/// file paths, which carry no credentials. Convert to [`drydock_core::Error`]
/// with [`FileError::into_core`]; the original stays reachable through
/// [`drydock_core::Error::downcast_source`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// The reference's scheme is not `file`.
    #[error("{reference}: the file driver serves only file:// references, not `{scheme}://`")]
    NotFileScheme {
        /// The reference, redacted.
        reference: String,
        /// The scheme it has.
        scheme: String,
    },
    /// The reference names no file (`file://`, `file:///`).
    #[error(
        "{reference}: the reference names no file (its path is empty); write an absolute path, e.g. file:///srv/site.yaml"
    )]
    EmptyPath {
        /// The reference, redacted.
        reference: String,
    },
    /// The reference has a host other than the local one. `file://etc/x`
    /// lands here too: its `etc` is parsed as a host, not as a path segment.
    #[error(
        "{reference}: `{host}` is parsed as a host name, and the file driver reads local files only; \
         for the local absolute path {suggested_path} write {suggestion} (three slashes), \
         and fetch remote designs over http(s)://"
    )]
    RemoteHost {
        /// The reference, redacted.
        reference: String,
        /// The host found.
        host: String,
        /// The absolute path the user probably meant (`/<host>/<path>`).
        suggested_path: String,
        /// The reference written the correct way for that path.
        suggestion: String,
    },
    /// The path cannot name a local file (e.g. it contains a NUL byte).
    #[error(
        "{reference}: not a valid local path: {reason}; write an absolute path, e.g. file:///srv/site.yaml"
    )]
    InvalidPath {
        /// The reference, redacted.
        reference: String,
        /// Why it is not valid.
        reason: String,
    },
    /// Nothing exists at the path (or a directory on the way is missing).
    #[error("{reference}: no such file: {}", path.display())]
    NotFound {
        /// The reference, redacted.
        reference: String,
        /// The local path.
        path: PathBuf,
    },
    /// The operating system refused access to the path or a directory on the way.
    #[error("{reference}: permission denied reading {}", path.display())]
    PermissionDenied {
        /// The reference, redacted.
        reference: String,
        /// The local path.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// The path names a directory, not a file.
    #[error("{reference}: {} is a directory; name a file inside it", path.display())]
    IsDirectory {
        /// The reference, redacted.
        reference: String,
        /// The local path.
        path: PathBuf,
    },
    /// The path names a FIFO, device or socket, which the driver does not read.
    #[error("{reference}: {} is a {kind}, not a regular file; only regular files are read", path.display())]
    SpecialFile {
        /// The reference, redacted.
        reference: String,
        /// The local path.
        path: PathBuf,
        /// What it is: `FIFO`, `character device`, `block device`, `socket`.
        kind: &'static str,
    },
    /// The file is larger than the limit: by its declared size, or it grew
    /// past the limit while being read (`size` is then `None`).
    #[error("{reference}: {} holds {} (limit {limit} bytes)", path.display(), size_text(*size))]
    TooLarge {
        /// The reference, redacted.
        reference: String,
        /// The local path.
        path: PathBuf,
        /// The limit in bytes.
        limit: u64,
        /// The declared size, when the pre-check failed.
        size: Option<u64>,
    },
    /// The file resolves (after symlinks and `..`) outside every allowed
    /// root. Only the path as given is named, never where it leads, and the
    /// answer is the same whether or not the target exists.
    #[error(
        "{reference}: {} lies outside the allowed roots ({}); symlinks and `..` are resolved before checking",
        path.display(), roots_text(roots)
    )]
    OutsideRoots {
        /// The reference, redacted.
        reference: String,
        /// The path the reference names.
        path: PathBuf,
        /// The allowed roots, canonicalised.
        roots: Vec<PathBuf>,
    },
    /// An allowed root given in the options cannot be used.
    #[error("allowed root {} cannot be used: {source}", root.display())]
    InvalidRoot {
        /// The root as configured.
        root: PathBuf,
        /// Why it cannot be canonicalised.
        #[source]
        source: io::Error,
    },
    /// The caller cancelled the fetch (or its deadline passed) while reading.
    #[error("{reference}: reading was cancelled")]
    Cancelled {
        /// The reference, redacted.
        reference: String,
    },
    /// Any other I/O failure.
    #[error("{reference}: cannot read {}: {source}", path.display())]
    Io {
        /// The reference, redacted.
        reference: String,
        /// The local path.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// The blocking reader task failed to complete.
    #[error("{reference}: the reader task failed: {reason}")]
    Worker {
        /// The reference, redacted.
        reference: String,
        /// What happened to it.
        reason: String,
    },
}

fn size_text(size: Option<u64>) -> String {
    match size {
        Some(size) => format!("{size} bytes"),
        None => "more bytes than allowed (it grew, or its declared size was wrong)".to_owned(),
    }
}

fn roots_text(roots: &[PathBuf]) -> String {
    let shown: Vec<String> = roots.iter().map(|r| r.display().to_string()).collect();
    shown.join(", ")
}

impl FileError {
    /// Classifies an I/O error on `path` into the matching variant.
    pub(crate) fn from_io(reference: &DesignRef, path: PathBuf, source: io::Error) -> Self {
        let reference = reference.redacted().to_owned();
        match source.kind() {
            io::ErrorKind::NotFound | io::ErrorKind::NotADirectory => {
                FileError::NotFound { reference, path }
            }
            io::ErrorKind::PermissionDenied => FileError::PermissionDenied {
                reference,
                path,
                source,
            },
            io::ErrorKind::IsADirectory => FileError::IsDirectory { reference, path },
            _ => FileError::Io {
                reference,
                path,
                source,
            },
        }
    }

    /// The matchable kind this error has in [`drydock_core::Error`].
    pub fn kind(&self) -> ErrorKind {
        match self {
            FileError::NotFileScheme { .. }
            | FileError::EmptyPath { .. }
            | FileError::RemoteHost { .. }
            | FileError::InvalidPath { .. }
            | FileError::IsDirectory { .. }
            | FileError::SpecialFile { .. }
            | FileError::InvalidRoot { .. } => ErrorKind::InvalidReference,
            FileError::NotFound { .. } => ErrorKind::NotFound,
            FileError::PermissionDenied { .. } | FileError::OutsideRoots { .. } => {
                ErrorKind::PermissionDenied
            }
            FileError::TooLarge { .. } => ErrorKind::TooLarge,
            FileError::Cancelled { .. } => ErrorKind::Cancelled,
            FileError::Io { .. } | FileError::Worker { .. } => ErrorKind::Other,
        }
    }

    /// Converts into the core error about `reference`: a file over the limit
    /// becomes [`Error::TooLarge`] and a cancelled read [`Error::Cancelled`],
    /// as from every driver; everything else an [`Error::Fetch`] of this
    /// driver whose source is this error.
    pub fn into_core(self, reference: &DesignRef) -> Error {
        match self {
            FileError::TooLarge { limit, size, .. } => Error::TooLarge {
                reference: reference.redacted().to_owned(),
                limit,
                size,
                source: Some(Box::new(self)),
            },
            FileError::Cancelled { .. } => Error::Cancelled {
                reference: reference.redacted().to_owned(),
            },
            other => {
                let hint = other.hint();
                let error = Error::fetch(other.kind(), crate::NAME, reference.redacted(), other);
                match hint {
                    Some(hint) => error.with_hint(hint),
                    None => error,
                }
            }
        }
    }

    /// A hint fitting this error better than its kind's general one.
    fn hint(&self) -> Option<&'static str> {
        Some(match self {
            FileError::IsDirectory { .. } => "name a file inside the directory",
            FileError::SpecialFile { .. } => {
                "copy the design into a regular file and name that file"
            }
            FileError::EmptyPath { .. } | FileError::RemoteHost { .. } => {
                "write a local absolute path after file:// (three slashes: file:///srv/site.yaml), or a plain path"
            }
            FileError::InvalidPath { .. } => {
                "write a local absolute path, e.g. file:///srv/site.yaml"
            }
            FileError::OutsideRoots { .. } => {
                "name a file under an allowed root (--allow-root, [drivers.file] allowed_roots)"
            }
            FileError::InvalidRoot { .. } => {
                "fix the allowed root: it must be an existing directory (--allow-root, [drivers.file] allowed_roots)"
            }
            FileError::PermissionDenied { .. } => {
                "check the file's permissions, and its directories'"
            }
            _ => return None,
        })
    }
}
