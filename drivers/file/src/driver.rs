//! [`FileDriver`]: serves `file://` references from the local file system.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use std::sync::Arc;

use drydock_core::{
    Bytes, Capabilities, DesignRef, Driver, DriverConfig, FetchOptions, Fetched, Result,
    async_trait,
};
use url::Url;

use crate::error::FileError;
use crate::options::FileOptions;
use crate::path::local_path;
use crate::read::{Request, confine, read_file};

/// Content below this size is hashed on the async worker (a few microseconds).
const INLINE_DIGEST_MAX: usize = 256 << 10;

/// A file's bytes and what the driver learnt about it, before any digest.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct FileContent {
    /// The content.
    pub bytes: Bytes,
    /// The canonical path read (symlinks and `..` resolved).
    pub path: PathBuf,
    /// The file's modification time, where the file system keeps one.
    pub modified: Option<SystemTime>,
    /// The file's ETag (size and modification time).
    pub etag: String,
    /// True when the fetch's `if_none_match` matched the ETag: nothing was read.
    pub not_modified: bool,
}

/// Reads absolute local paths named by `file://` references.
///
/// The file is resolved (symlinks, `..`) and, if allowed roots are configured,
/// must lie under one of them; it must be a regular file no larger than the
/// limit, checked before reading and enforced while reading. Reading happens
/// on tokio's blocking pool and stops on cancellation or deadline.
#[derive(Debug, Clone)]
pub struct FileDriver {
    options: FileOptions,
    /// `options.allowed_roots`, canonicalised.
    roots: Vec<PathBuf>,
}

impl Default for FileDriver {
    /// A driver reading any absolute path, with default options.
    fn default() -> Self {
        FileDriver {
            options: FileOptions::default(),
            roots: Vec::new(),
        }
    }
}

impl FileDriver {
    /// A driver with `options`; fails if an allowed root cannot be
    /// canonicalised (it does not exist, or is not reachable).
    pub fn new(options: FileOptions) -> std::result::Result<Self, FileError> {
        let roots = options
            .allowed_roots
            .iter()
            .map(|root| canonical_root(root))
            .collect::<std::result::Result<_, _>>()?;
        Ok(FileDriver { options, roots })
    }

    /// Builds the driver from its configuration section (the registry's
    /// `configure`): an allowed root that cannot be used is an error naming it.
    pub fn configure(options: FileOptions, config: &DriverConfig) -> Result<Arc<dyn Driver>> {
        let driver = FileDriver::new(options).map_err(|e| config.error(e.to_string()))?;
        Ok(Arc::new(driver))
    }

    /// The options it was built with.
    pub fn options(&self) -> &FileOptions {
        &self.options
    }

    /// The allowed roots after canonicalisation (empty: no restriction).
    pub fn allowed_roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// The absolute local path `reference` names, or why it names none.
    /// Does not touch the file system.
    pub fn local_path(&self, reference: &DesignRef) -> std::result::Result<PathBuf, FileError> {
        local_path(reference)
    }

    /// Reads the file `reference` names with every check of
    /// [`Driver::fetch`], without computing a digest: `fetch` is this plus
    /// [`Fetched::new`] (which hashes the bytes) and the metadata.
    pub async fn read(&self, reference: &DesignRef, options: &FetchOptions) -> Result<FileContent> {
        let path = self
            .local_path(reference)
            .map_err(|e| e.into_core(reference))?;
        // A child token: cancelled with the caller's, and by us on deadline or drop,
        // so the blocking reader never outlives the fetch by more than one chunk.
        let stop = options.cancel.child_token();
        let _stop_on_drop = stop.clone().drop_guard();
        let request = Request {
            reference: reference.clone(),
            path,
            limit: self.limit(options),
            roots: self.roots.clone(),
            configured_roots: self.options.allowed_roots.clone(),
            cancel: stop.clone(),
            if_none_match: options.if_none_match.clone(),
            validated_at: options.validated_at.clone(),
            progress: options.on_progress.clone(),
        };
        let cancelled = || FileError::Cancelled {
            reference: reference.redacted().to_owned(),
        };
        if stop.is_cancelled() {
            return Err(cancelled().into_core(reference));
        }
        // The deadline is the resolver's layer: when it passes, this future is
        // dropped, and the drop guard above stops the blocking reader.
        let reader = tokio::task::spawn_blocking(move || read_file(&request));
        let read = tokio::select! {
            biased;
            _ = stop.cancelled() => Err(cancelled()),
            outcome = reader => match outcome {
                Err(join) => Err(FileError::Worker {
                    reference: reference.redacted().to_owned(),
                    reason: join.to_string(),
                }),
                Ok(read) => read,
            },
        }
        .map_err(|e| e.into_core(reference))?;
        Ok(FileContent {
            bytes: Bytes::from(read.bytes),
            path: read.canonical,
            modified: read.modified,
            etag: read.etag,
            not_modified: read.not_modified,
        })
    }

    fn limit(&self, options: &FetchOptions) -> u64 {
        match self.options.max_size {
            Some(cap) => cap.min(options.max_size),
            None => options.max_size,
        }
    }
}

fn canonical_root(root: &Path) -> std::result::Result<PathBuf, FileError> {
    let invalid = |source| FileError::InvalidRoot {
        root: root.to_owned(),
        source,
    };
    let canonical = fs::canonicalize(root).map_err(invalid)?;
    if !canonical.is_dir() {
        return Err(invalid(std::io::Error::new(
            std::io::ErrorKind::NotADirectory,
            "not a directory",
        )));
    }
    Ok(canonical)
}

#[async_trait]
impl Driver for FileDriver {
    /// A file answers a conditional fetch by its ETag (size and modification
    /// time), without reading it.
    fn capabilities(&self) -> Capabilities {
        Capabilities::NONE.with_conditional_fetch()
    }

    /// The reference names a local path under the allowed roots.
    fn admit(&self, reference: &DesignRef) -> Result<()> {
        let path = self
            .local_path(reference)
            .map_err(|e| e.into_core(reference))?;
        let request = Request {
            reference: reference.clone(),
            path,
            limit: 0,
            roots: self.roots.clone(),
            configured_roots: self.options.allowed_roots.clone(),
            cancel: drydock_core::CancellationToken::new(),
            if_none_match: None,
            validated_at: None,
            progress: None,
        };
        confine(&request).map_err(|e| e.into_core(reference))
    }

    async fn fetch(&self, reference: &DesignRef, options: &FetchOptions) -> Result<Fetched> {
        let content = self.read(reference, options).await?;
        if content.not_modified {
            let mut fetched = Fetched::not_modified(crate::NAME, reference, Some(content.etag));
            if let Ok(location) = Url::from_file_path(&content.path) {
                fetched = fetched.with_location(location.to_string());
            }
            if let Some(modified) = content.modified {
                fetched = fetched.with_last_modified(http_date(modified));
            }
            return Ok(fetched);
        }
        let etag = content.etag.clone();
        let mut fetched = if content.bytes.len() < INLINE_DIGEST_MAX {
            Fetched::new(crate::NAME, reference, content.bytes)
        } else {
            // Fetched::new hashes the bytes (~1 GB/s): keep that off the async workers.
            let (name, owned) = (crate::NAME, reference.clone());
            tokio::task::spawn_blocking(move || Fetched::new(name, &owned, content.bytes))
                .await
                .map_err(|join| {
                    FileError::Worker {
                        reference: reference.redacted().to_owned(),
                        reason: join.to_string(),
                    }
                    .into_core(reference)
                })?
        };
        if let Ok(location) = Url::from_file_path(&content.path) {
            fetched = fetched.with_location(location.to_string());
        }
        if let Some(modified) = content.modified {
            fetched = fetched.with_last_modified(http_date(modified));
        }
        if let Some(content_type) = content_type(&content.path) {
            fetched = fetched.with_content_type(content_type);
        }
        Ok(fetched.with_etag(etag))
    }
}

/// `modified` as an HTTP date (`Tue, 24 Nov 2026 14:05:41 GMT`), as HTTP sources give it.
fn http_date(modified: SystemTime) -> String {
    DateTime::<Utc>::from(modified)
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

fn content_type(path: &Path) -> Option<&'static str> {
    match path.extension()?.to_str()? {
        "yaml" | "yml" => Some("application/yaml"),
        "json" => Some("application/json"),
        _ => None,
    }
}
