//! [`DeckhandError`]: what Deckhand (or the way to it) refused, each with
//! the hint a user needs, and its one conversion into drydock-core's error.

use std::time::Duration;

use drydock_core::{DesignRef, Error, ErrorKind};
use drydock_driver_http::HttpError;

use crate::revision::RevisionError;

/// A Deckhand fetch failure. Every message names the reference redacted and
/// shows Deckhand's own message and details, sanitised and bounded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeckhandError {
    /// The reference is not one Deckhand can answer (refused before any request).
    #[error(transparent)]
    Reference(#[from] RevisionError),
    /// The transport failed (connection, TLS, timeout, size, credentials).
    #[error(transparent)]
    Transport(#[from] HttpError),
    /// Deckhand has no such revision (404).
    #[error("{reference}: Deckhand has no revision {revision} (HTTP 404): {said}")]
    UnknownRevision {
        /// The reference, redacted.
        reference: String,
        /// The revision asked for.
        revision: u32,
        /// What Deckhand said.
        said: String,
    },
    /// Deckhand asked for credentials (401) and none were configured.
    #[error(
        "{reference}: Deckhand requires credentials (HTTP 401) and none are configured: {said}"
    )]
    NoCredentials {
        /// The reference, redacted.
        reference: String,
        /// What Deckhand said.
        said: String,
    },
    /// Deckhand refused the token (401), after one renewal.
    #[error("{reference}: Deckhand refused the token (HTTP 401): {said}")]
    Unauthorized {
        /// The reference, redacted.
        reference: String,
        /// What Deckhand said.
        said: String,
    },
    /// Deckhand's policy does not allow it (403).
    #[error("{reference}: Deckhand's policy does not allow this (HTTP 403): {said}")]
    Forbidden {
        /// The reference, redacted.
        reference: String,
        /// What Deckhand said.
        said: String,
    },
    /// The revision cannot be rendered: no layering policy (409).
    #[error(
        "{reference}: revision {revision} cannot be rendered: no layering policy (HTTP 409): {said}"
    )]
    NoLayeringPolicy {
        /// The reference, redacted.
        reference: String,
        /// The revision asked for.
        revision: u32,
        /// What Deckhand said.
        said: String,
    },
    /// Deckhand refused the request or the rendered documents failed validation (400).
    #[error("{reference}: Deckhand refused the request (HTTP 400): {said}")]
    Invalid {
        /// The reference, redacted.
        reference: String,
        /// What Deckhand said.
        said: String,
    },
    /// Deckhand failed (5xx); `retryable` says whether another attempt may help.
    #[error("{reference}: Deckhand failed (HTTP {status}{}): {said}", error_type.as_ref().map(|t| format!(", {t}")).unwrap_or_default())]
    ServerError {
        /// The reference, redacted.
        reference: String,
        /// The status.
        status: u16,
        /// `details.errorType`.
        error_type: Option<String>,
        /// What Deckhand said.
        said: String,
        /// Whether another attempt may help (a permanent failure is not
        /// retried, whatever Deckhand's `retry: true` says).
        retryable: bool,
        /// `Retry-After`, if Deckhand sent one.
        retry_after: Option<Duration>,
    },
    /// Another status.
    #[error("{reference}: Deckhand answered HTTP {status}: {said}")]
    Status {
        /// The reference, redacted.
        reference: String,
        /// The status.
        status: u16,
        /// What Deckhand said.
        said: String,
    },
    /// The revision holds no document matching the request (an empty 200).
    #[error("{reference}: revision {revision} holds no matching documents")]
    Empty {
        /// The reference, redacted.
        reference: String,
        /// The revision.
        revision: u32,
    },
    /// The answer is not Deckhand's YAML (an HTML page, another content type).
    #[error(
        "{reference}: the answer is {content_type}, not Deckhand's YAML: is this Deckhand's URL?"
    )]
    NotDeckhand {
        /// The reference, redacted.
        reference: String,
        /// What it said it was.
        content_type: String,
    },
    /// `latest` found no revision, or the revision list was unreadable.
    #[error("{reference}: cannot find the latest revision: {reason}")]
    Latest {
        /// The reference, redacted.
        reference: String,
        /// Why.
        reason: String,
    },
}

impl DeckhandError {
    /// The matchable kind in drydock-core's terms.
    pub fn kind(&self) -> ErrorKind {
        match self {
            DeckhandError::Reference(e) => e.kind(),
            DeckhandError::Transport(e) => e.kind(),
            DeckhandError::UnknownRevision { .. } | DeckhandError::Empty { .. } => {
                ErrorKind::NotFound
            }
            DeckhandError::Unauthorized { .. }
            | DeckhandError::NoCredentials { .. }
            | DeckhandError::Forbidden { .. } => ErrorKind::PermissionDenied,
            DeckhandError::ServerError {
                retryable: true, ..
            } => ErrorKind::Unavailable,
            DeckhandError::Latest { .. } => ErrorKind::NotFound,
            _ => ErrorKind::Rejected,
        }
    }

    /// Whether another attempt may help.
    pub fn is_retryable(&self) -> bool {
        match self {
            DeckhandError::Transport(e) => e.is_retryable(),
            DeckhandError::ServerError { retryable, .. } => *retryable,
            _ => false,
        }
    }

    /// Converts into drydock-core's error about `reference`, keeping this
    /// error as its source (the same signature in every driver).
    pub fn into_core(self, reference: &DesignRef) -> Error {
        match self {
            DeckhandError::Transport(e) => e.into_core_for(crate::NAME, reference.redacted()),
            other => {
                let (kind, retryable) = (other.kind(), other.is_retryable());
                let retry_after = match &other {
                    DeckhandError::ServerError { retry_after, .. } => *retry_after,
                    _ => None,
                };
                let hint = match &other {
                    DeckhandError::Reference(e) => Some(e.hint()),
                    DeckhandError::NoCredentials { .. } => Some(
                        "set OS_AUTH_URL, OS_USERNAME, OS_PASSWORD and OS_PROJECT_NAME (Keystone), or give --token",
                    ),
                    _ => None,
                };
                let error = Error::fetch(kind, crate::NAME, reference.redacted(), other)
                    .with_retryable(retryable)
                    .with_retry_after(retry_after);
                match hint {
                    Some(hint) => error.with_hint(hint),
                    None => error,
                }
            }
        }
    }
}
