//! What a driver is asked ([`FetchOptions`]) and what it answers ([`Fetched`]).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use crate::credentials::CredentialSource;
use crate::digest::{Digest, HashedBytes};
use crate::layer::SharedProgress;
use crate::reference::DesignRef;

/// Default maximum size of a fetched design: 64 MiB.
pub const DEFAULT_MAX_SIZE: u64 = 64 * 1024 * 1024;

/// Bounds and extras for one fetch. Build from `Default` with the `with_*` methods.
///
/// ```
/// use std::time::Duration;
/// use drydock_core::FetchOptions;
/// let opts = FetchOptions::default().with_deadline(Duration::from_secs(5)).with_max_size(1 << 20);
/// assert_eq!(opts.max_size, 1 << 20);
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct FetchOptions {
    /// Overall deadline for the whole fetch, retries included.
    pub deadline: Duration,
    /// Time allowed to establish a connection (network drivers).
    pub connect_timeout: Duration,
    /// Longest silence allowed while reading (network drivers).
    pub read_timeout: Duration,
    /// Largest accepted content, in bytes.
    pub max_size: u64,
    /// Cancels the fetch when triggered.
    pub cancel: CancellationToken,
    /// When set, the content's SHA-256 must equal it.
    pub expected_digest: Option<Digest>,
    /// Credentials for this fetch, overriding the reference's userinfo and
    /// whatever the driver was configured with.
    pub credentials: Option<Arc<dyn CredentialSource>>,
    /// A previous ETag: a driver that supports it may answer "not modified".
    pub if_none_match: Option<String>,
    /// A previous Last-Modified: a driver that supports it may answer "not modified".
    pub if_modified_since: Option<String>,
    /// Where the validators (`if_none_match`, `if_modified_since`) came
    /// from, as [`FetchMetadata::location`] showed it: a driver sends them
    /// only there (never to where a redirect now leads) and believes "not
    /// modified" only from there. `None`: the reference's own location.
    pub validated_at: Option<String>,
    /// Told how many bytes arrived so far (and the total, when known), for a
    /// progress bar; drivers call it as they read.
    pub on_progress: Option<OnProgress>,
    /// Attempts and last error, shared by the deadline and retry layers.
    pub(crate) progress: Option<SharedProgress>,
}

/// A callback told how many bytes a fetch has read so far, and the total
/// when the source declared it. Cheap to clone.
#[derive(Clone)]
pub struct OnProgress(Arc<dyn Fn(u64, Option<u64>) + Send + Sync>);

impl OnProgress {
    /// Wraps `report(read, total)`.
    pub fn new(report: impl Fn(u64, Option<u64>) + Send + Sync + 'static) -> Self {
        OnProgress(Arc::new(report))
    }
    /// Reports `read` bytes of `total`.
    pub fn report(&self, read: u64, total: Option<u64>) {
        (self.0)(read, total)
    }
}

impl std::fmt::Debug for OnProgress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OnProgress")
    }
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            deadline: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            max_size: DEFAULT_MAX_SIZE,
            cancel: CancellationToken::new(),
            expected_digest: None,
            credentials: None,
            if_none_match: None,
            if_modified_since: None,
            validated_at: None,
            on_progress: None,
            progress: None,
        }
    }
}

impl FetchOptions {
    /// Sets the overall deadline.
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }
    /// Sets the connect timeout.
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }
    /// Sets the read timeout.
    pub fn with_read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }
    /// Sets the maximum size in bytes.
    pub fn with_max_size(mut self, max_size: u64) -> Self {
        self.max_size = max_size;
        self
    }
    /// Sets the cancellation token.
    pub fn with_cancel(mut self, cancel: CancellationToken) -> Self {
        self.cancel = cancel;
        self
    }
    /// Requires the content to have this digest.
    pub fn with_expected_digest(mut self, digest: Digest) -> Self {
        self.expected_digest = Some(digest);
        self
    }
    /// Sets the credentials for this fetch.
    pub fn with_credentials(mut self, credentials: Arc<dyn CredentialSource>) -> Self {
        self.credentials = Some(credentials);
        self
    }
    /// Sets a previous ETag for a conditional fetch.
    pub fn with_if_none_match(mut self, etag: impl Into<String>) -> Self {
        self.if_none_match = Some(etag.into());
        self
    }
    /// Sets a previous Last-Modified for a conditional fetch.
    pub fn with_if_modified_since(mut self, date: impl Into<String>) -> Self {
        self.if_modified_since = Some(date.into());
        self
    }
    /// Binds the validators to the location they came from.
    pub fn with_validated_at(mut self, location: impl Into<String>) -> Self {
        self.validated_at = Some(location.into());
        self
    }
    /// Reports progress to `on_progress`.
    pub fn with_progress(mut self, on_progress: OnProgress) -> Self {
        self.on_progress = Some(on_progress);
        self
    }
    /// True when the fetch carries a condition (ETag or Last-Modified).
    pub fn is_conditional(&self) -> bool {
        self.if_none_match.is_some() || self.if_modified_since.is_some()
    }
}

/// What a driver knows about what it fetched. Never holds credentials.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FetchMetadata {
    /// Name of the driver that fetched it.
    pub driver: String,
    /// Content type, if the source said.
    pub content_type: Option<String>,
    /// Length in bytes.
    pub length: u64,
    /// SHA-256 of the bytes.
    pub digest: Digest,
    /// ETag, if the source gave one.
    pub etag: Option<String>,
    /// Revision, for sources that have them.
    pub revision: Option<String>,
    /// Last-Modified, if the source gave one.
    pub last_modified: Option<String>,
    /// Where the content finally came from (after redirects or symlinks), redacted.
    pub location: String,
    /// When the fetch completed.
    pub fetched_at: DateTime<Utc>,
    /// True when a conditional fetch found the content unchanged (the bytes are then empty).
    pub not_modified: bool,
    /// Where the resolution came from: fetched and ingested (`miss`), a
    /// stored resolution revalidated with the source (`revalidated`), or
    /// served from the cache without asking the source (`hit`).
    #[serde(default)]
    pub cache: CacheStatus,
    /// Who the fetch presented itself as ([`crate::Access::stored`]): none
    /// when anonymous, else a digest of the credential identity. A cache
    /// serves a resolution without asking the source only to the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<String>,
}

/// How a resolution used the cache (see [`crate::ResolveCache`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CacheStatus {
    /// Fetched and ingested (no cache, nothing cached, or the content changed).
    #[default]
    Miss,
    /// A cached resolution the source confirmed unchanged (a conditional
    /// request, or the same digest): not ingested again.
    Revalidated,
    /// Served from the cache without asking the source (an immutable
    /// reference, a pinned digest, within the TTL, or a concurrent resolve).
    Hit,
}

impl CacheStatus {
    /// `miss`, `revalidated` or `hit`.
    pub fn as_str(self) -> &'static str {
        match self {
            CacheStatus::Miss => "miss",
            CacheStatus::Revalidated => "revalidated",
            CacheStatus::Hit => "hit",
        }
    }
}

/// The answer of a driver: the bytes and their metadata.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Fetched {
    /// The content.
    pub bytes: Bytes,
    /// What is known about it.
    pub metadata: FetchMetadata,
    /// The digest computed by [`Fetched::new`] and the buffer it was computed
    /// over, so the resolver need not hash the same bytes twice.
    seal: Seal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Seal {
    digest: Digest,
    ptr: usize,
    len: usize,
}

impl Seal {
    fn of(bytes: &Bytes, digest: Digest) -> Self {
        Seal {
            digest,
            ptr: bytes.as_ptr() as usize,
            len: bytes.len(),
        }
    }
}

impl Fetched {
    /// Content fetched by `driver` for `reference`; computes length and digest.
    pub fn new(driver: &str, reference: &DesignRef, bytes: Bytes) -> Self {
        Fetched::from_hashed(driver, reference, HashedBytes::new(bytes))
    }

    /// Content whose digest core already computed, e.g. while it streamed in
    /// through [`crate::LimitedBody`]: no second pass over the bytes.
    pub fn from_hashed(driver: &str, reference: &DesignRef, hashed: HashedBytes) -> Self {
        let digest = hashed.digest();
        let bytes = hashed.into_bytes();
        let seal = Seal::of(&bytes, digest);
        let metadata = FetchMetadata {
            driver: driver.to_owned(),
            content_type: None,
            length: bytes.len() as u64,
            digest,
            etag: None,
            revision: None,
            last_modified: None,
            location: reference.redacted().to_owned(),
            fetched_at: Utc::now(),
            not_modified: false,
            cache: CacheStatus::Miss,
            access: None,
        };
        Fetched {
            bytes,
            metadata,
            seal,
        }
    }

    /// The SHA-256 of the bytes: the one computed by [`Fetched::new`] while the
    /// bytes and the metadata are as it made them, else computed afresh.
    /// `Bytes` is immutable, so the same buffer means the same content.
    pub fn verified_digest(&self) -> Digest {
        let current = Seal::of(&self.bytes, self.metadata.digest);
        if current == self.seal {
            self.seal.digest
        } else {
            Digest::of(&self.bytes)
        }
    }

    /// A "not modified" answer to a conditional fetch: no bytes.
    pub fn not_modified(driver: &str, reference: &DesignRef, etag: Option<String>) -> Self {
        let mut fetched = Fetched::new(driver, reference, Bytes::new());
        fetched.metadata.not_modified = true;
        fetched.metadata.etag = etag;
        fetched
    }

    /// Content already held elsewhere (a cache), with the metadata it was
    /// fetched with; the digest is recomputed once over the bytes.
    pub fn from_parts(bytes: Bytes, metadata: FetchMetadata) -> Self {
        Fetched::from_hashed_parts(HashedBytes::new(bytes), metadata)
    }

    /// Content already held elsewhere and hashed by core, with the metadata
    /// it was fetched with: digest and length are the hashed bytes', with
    /// no second pass over them.
    pub(crate) fn from_hashed_parts(content: HashedBytes, metadata: FetchMetadata) -> Self {
        let seal = Seal::of(&content, content.digest());
        let mut metadata = metadata;
        metadata.digest = content.digest();
        metadata.length = content.len() as u64;
        Fetched {
            bytes: content.into_bytes(),
            metadata,
            seal,
        }
    }

    /// Sets the content type.
    pub fn with_content_type(mut self, v: impl Into<String>) -> Self {
        self.metadata.content_type = Some(v.into());
        self
    }
    /// Sets the ETag.
    pub fn with_etag(mut self, v: impl Into<String>) -> Self {
        self.metadata.etag = Some(v.into());
        self
    }
    /// Sets the revision.
    pub fn with_revision(mut self, v: impl Into<String>) -> Self {
        self.metadata.revision = Some(v.into());
        self
    }
    /// Sets Last-Modified.
    pub fn with_last_modified(mut self, v: impl Into<String>) -> Self {
        self.metadata.last_modified = Some(v.into());
        self
    }
    /// Sets the final location; pass something without credentials.
    pub fn with_location(mut self, v: impl Into<String>) -> Self {
        self.metadata.location = v.into();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verified_digest_sees_replaced_bytes_and_digests() {
        let r = DesignRef::parse("file:///x").unwrap();
        let fetched = Fetched::new("t", &r, Bytes::from_static(b"abc"));
        assert_eq!(fetched.verified_digest(), Digest::of(b"abc"));
        let mut swapped = fetched.clone();
        swapped.bytes = Bytes::from_static(b"abd");
        assert_eq!(swapped.verified_digest(), Digest::of(b"abd"));
        let mut lied = fetched.clone();
        lied.metadata.digest = Digest::of(b"other");
        assert_eq!(lied.verified_digest(), Digest::of(b"abc"));
    }
}
