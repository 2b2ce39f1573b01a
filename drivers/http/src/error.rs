//! [`HttpError`]: everything that can go wrong in an HTTP fetch, and its
//! conversion into [`drydock_core::Error`].

use std::time::Duration;

use drydock_core::{DesignRef, Error, ErrorKind};

/// An HTTP fetch failure. Every message names the reference redacted
/// (`user:***@`, secret query values `***`) and never holds a credential.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    /// The URL cannot be fetched over HTTP (wrong scheme, no host).
    #[error("{reference}: not an http(s) URL: {reason}")]
    InvalidUrl {
        /// The reference, redacted.
        reference: String,
        /// Why.
        reason: String,
    },
    /// The client could not be built from the options (bad CA bundle, key…).
    #[error("http client configuration: {0}")]
    Config(String),
    /// The server answered 404 or 410.
    #[error("{reference}: not found (HTTP {status})")]
    NotFound {
        /// The reference, redacted.
        reference: String,
        /// The status code.
        status: u16,
    },
    /// The server answered 401 or 403.
    #[error("{reference}: {} (HTTP {status}): check the credentials for this reference{}", if *status == 403 { "forbidden" } else { "unauthorized" }, if body.is_empty() { String::new() } else { format!(": {body}") })]
    Unauthorized {
        /// The reference, redacted.
        reference: String,
        /// The status code.
        status: u16,
        /// The first bytes of the body, lossily decoded, secrets scrubbed, control characters escaped.
        body: String,
    },
    /// The server answered another 4xx; `body` holds the first bytes of its answer.
    #[error("{reference}: the server refused the request (HTTP {status}): {body}")]
    ClientError {
        /// The reference, redacted.
        reference: String,
        /// The status code.
        status: u16,
        /// The first bytes of the body, lossily decoded, secrets scrubbed, control characters escaped.
        body: String,
    },
    /// The server answered 5xx or 429 (retried).
    #[error("{reference}: server error (HTTP {status}): {body}")]
    ServerError {
        /// The reference, redacted.
        reference: String,
        /// The status code.
        status: u16,
        /// The first bytes of the body, lossily decoded, secrets scrubbed, control characters escaped.
        body: String,
        /// How long the server asked to wait (`Retry-After`).
        retry_after: Option<Duration>,
    },
    /// The server answered a status that is neither content nor an error (1xx, 3xx without `Location`).
    #[error("{reference}: unexpected HTTP status {status}")]
    UnexpectedStatus {
        /// The reference, redacted.
        reference: String,
        /// The status code.
        status: u16,
    },
    /// Could not connect, or the connection failed mid-request (retried).
    #[error("{reference}: connection failed: {reason}")]
    Connect {
        /// The reference, redacted.
        reference: String,
        /// Why.
        reason: String,
    },
    /// No byte arrived for longer than the read timeout, or connecting took longer than the connect timeout (retried).
    #[error("{reference}: {what} timed out after {after:?}")]
    Timeout {
        /// The reference, redacted.
        reference: String,
        /// `connecting`, `waiting for the response` or `reading the body`.
        what: &'static str,
        /// The timeout that expired.
        after: Duration,
    },
    /// The body ended early or broke mid-stream (retried).
    #[error("{reference}: the body was cut off after {received} bytes: {reason}")]
    Truncated {
        /// The reference, redacted.
        reference: String,
        /// Bytes received before the break.
        received: u64,
        /// Why.
        reason: String,
    },
    /// The server's certificate was rejected, or the TLS handshake failed.
    #[error("{reference}: TLS with host {host} failed: {reason}")]
    Tls {
        /// The reference, redacted.
        reference: String,
        /// The host name.
        host: String,
        /// Why, in rustls's words.
        reason: String,
    },
    /// A redirect from https to plain http (refused: it would drop TLS).
    #[error("{reference}: refused a redirect from https to plain http ({to})")]
    InsecureRedirect {
        /// The reference, redacted.
        reference: String,
        /// The redirect target, redacted.
        to: String,
    },
    /// More redirects than allowed (or a loop).
    #[error("{reference}: more than {limit} redirects (last to {last})")]
    TooManyRedirects {
        /// The reference, redacted.
        reference: String,
        /// The limit.
        limit: usize,
        /// The last target, redacted.
        last: String,
    },
    /// The body is larger than allowed (declared or while streaming, decompressed size).
    #[error("{reference}: content of {} exceeds the limit of {limit} bytes", size.map(|s| format!("{s} bytes")).unwrap_or_else(|| "more bytes than allowed".into()))]
    TooLarge {
        /// The reference, redacted.
        reference: String,
        /// The limit.
        limit: u64,
        /// The declared size, if there was one.
        size: Option<u64>,
    },
    /// The credential source could not provide credentials (e.g. an
    /// identity service refused or could not be reached).
    #[error("{reference}: {source}")]
    Credentials {
        /// The reference, redacted.
        reference: String,
        /// The credential source's error.
        #[source]
        source: Box<Error>,
    },
}

impl HttpError {
    /// Whether another attempt could succeed (connection errors, timeouts,
    /// truncated bodies, 5xx and 429).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            HttpError::Connect { .. }
                | HttpError::Timeout { .. }
                | HttpError::Truncated { .. }
                | HttpError::ServerError { .. }
        )
    }

    /// The matchable kind in drydock-core's terms.
    pub fn kind(&self) -> ErrorKind {
        match self {
            HttpError::InvalidUrl { .. } => ErrorKind::InvalidReference,
            HttpError::Config(_) => ErrorKind::Config,
            HttpError::NotFound { .. } => ErrorKind::NotFound,
            HttpError::Unauthorized { .. } | HttpError::Tls { .. } => ErrorKind::PermissionDenied,
            HttpError::ClientError { .. }
            | HttpError::UnexpectedStatus { .. }
            | HttpError::InsecureRedirect { .. }
            | HttpError::TooManyRedirects { .. } => ErrorKind::Rejected,
            HttpError::ServerError { .. }
            | HttpError::Connect { .. }
            | HttpError::Timeout { .. }
            | HttpError::Truncated { .. } => ErrorKind::Unavailable,
            HttpError::TooLarge { .. } => ErrorKind::TooLarge,
            HttpError::Credentials { source, .. } => source.kind(),
        }
    }

    /// The HTTP status behind this error, if a server answered one.
    pub fn status(&self) -> Option<u16> {
        match self {
            HttpError::NotFound { status, .. }
            | HttpError::Unauthorized { status, .. }
            | HttpError::ClientError { status, .. }
            | HttpError::ServerError { status, .. }
            | HttpError::UnexpectedStatus { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Converts into drydock-core's error about `reference`: a too-large body
    /// becomes [`Error::TooLarge`]; everything else an [`Error::Fetch`] of
    /// this driver whose source is this error, retryable as
    /// [`HttpError::is_retryable`] says, with the server's `Retry-After`.
    pub fn into_core(self, reference: &DesignRef) -> Error {
        self.into_core_for(crate::NAME, reference.redacted())
    }

    /// As [`HttpError::into_core`], for a driver built on this crate's client
    /// (Deckhand, Keystone): `driver` names it, `reference` is already redacted.
    pub fn into_core_for(self, driver: &str, reference: &str) -> Error {
        match self {
            HttpError::TooLarge {
                reference,
                limit,
                size,
            } => Error::TooLarge {
                reference,
                limit,
                size,
                source: None,
            },
            HttpError::Credentials { source, .. } if source.kind() != ErrorKind::Other => *source,
            other => {
                let (kind, retryable) = (other.kind(), other.is_retryable());
                let retry_after = match &other {
                    HttpError::ServerError { retry_after, .. } => *retry_after,
                    _ => None,
                };
                Error::fetch(kind, driver, reference, other)
                    .with_retryable(retryable)
                    .with_retry_after(retry_after)
            }
        }
    }
}
