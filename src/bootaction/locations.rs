//! Fetching asset locations through the resolver, with this call site's own
//! scheme allow-list and `file://` roots, remembered per URL.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use drydock_core::{Bytes, DesignRef, FetchOptions, Resolver};

/// The schemes an asset location may use unless told otherwise (`file`
/// only with roots: see [`Locations::with_file_roots`]).
pub const DEFAULT_LOCATION_SCHEMES: &[&str] = &[
    "http",
    "https",
    "deckhand+http",
    "deckhand+https",
    "promenade+http",
    "promenade+https",
];

/// Where asset locations are fetched from, and how.
#[derive(Clone, Debug)]
pub struct Locations {
    resolver: Arc<Resolver>,
    schemes: Vec<String>,
    file_roots: Vec<PathBuf>,
    fetch: FetchOptions,
    seen: Arc<Mutex<HashMap<String, (Instant, Bytes)>>>,
}

/// How long a fetched location is reused (the original memoises 180 s).
pub const LOCATION_TTL: Duration = Duration::from_secs(180);
/// Most locations remembered at once; past it the oldest are dropped.
const MAX_REMEMBERED: usize = 1024;

impl Locations {
    /// Through `resolver` (its drivers, credentials, retries, limits) with
    /// `fetch`'s bounds, the [`DEFAULT_LOCATION_SCHEMES`], no `file://`.
    pub fn new(resolver: Arc<Resolver>, fetch: FetchOptions) -> Self {
        Locations {
            resolver,
            schemes: DEFAULT_LOCATION_SCHEMES
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            file_roots: Vec::new(),
            fetch,
            seen: Arc::default(),
        }
    }

    /// Only these schemes (lower case; `file` still needs roots).
    pub fn with_schemes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, schemes: I) -> Self {
        self.schemes = schemes.into_iter().map(Into::into).collect();
        self
    }

    /// `file://` locations allowed, under these directories only.
    pub fn with_file_roots(mut self, roots: Vec<PathBuf>) -> Self {
        self.file_roots = roots;
        self
    }

    /// The bytes at `location`: its scheme allowed here, `file://` only
    /// under a root, a network answer only with a success status (the
    /// driver checks it), within the size limit. A URL fetched in the last
    /// [`LOCATION_TTL`] is not fetched again.
    pub async fn fetch(&self, location: &str) -> Result<Vec<u8>, String> {
        if let Some(bytes) = self.remembered(location) {
            return Ok(bytes.to_vec());
        }
        let reference = DesignRef::parse(location).map_err(|e| e.to_string())?;
        let scheme = reference.scheme();
        if scheme == "file" {
            self.check_file(&reference)?;
        } else if !self.schemes.iter().any(|s| s == scheme) {
            return Err(format!(
                "the scheme {scheme} is not allowed for asset locations (allowed: {}{})",
                self.schemes.join(", "),
                if self.file_roots.is_empty() {
                    ""
                } else {
                    ", file"
                }
            ));
        }
        let fetched = self
            .resolver
            .fetch(&reference, &self.fetch)
            .await
            .map_err(|e| e.to_string())?;
        if let Ok(mut seen) = self.seen.lock() {
            let now = Instant::now();
            seen.retain(|_, (at, _)| now.duration_since(*at) < LOCATION_TTL);
            if seen.len() >= MAX_REMEMBERED
                && let Some(oldest) = seen
                    .iter()
                    .min_by_key(|(_, (at, _))| *at)
                    .map(|(k, _)| k.clone())
            {
                seen.remove(&oldest);
            }
            seen.insert(location.to_owned(), (now, fetched.bytes.clone()));
        }
        Ok(fetched.bytes.to_vec())
    }

    fn remembered(&self, location: &str) -> Option<Bytes> {
        let seen = self.seen.lock().ok()?;
        let (at, bytes) = seen.get(location)?;
        (at.elapsed() < LOCATION_TTL).then(|| bytes.clone())
    }

    fn check_file(&self, reference: &DesignRef) -> Result<(), String> {
        let refused = || {
            format!(
                "{} is not under an allowed root for asset locations",
                reference.redacted()
            )
        };
        if self.file_roots.is_empty() {
            return Err("file:// asset locations need allowed roots (none configured)".into());
        }
        let path = PathBuf::from(reference.decoded_path());
        // Symlinks and `..` resolved: the file itself must be under a root.
        let real = std::fs::canonicalize(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let under = self
            .file_roots
            .iter()
            .any(|root| std::fs::canonicalize(root).is_ok_and(|root| real.starts_with(root)));
        if under { Ok(()) } else { Err(refused()) }
    }
}
