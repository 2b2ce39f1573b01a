//! [`RevisionError`]: why a reference names no Deckhand request.

use drydock_core::ErrorKind;

/// Why a reference cannot be turned into a Deckhand request. Every message
/// names the reference with its credentials removed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RevisionError {
    /// The scheme is not one this driver serves.
    #[error(
        "invalid Deckhand reference `{reference}`: scheme `{scheme}` is not served here (expected one of deckhand+http, deckhand+https, promenade+http, promenade+https)"
    )]
    UnsupportedScheme {
        /// The reference, credentials removed.
        reference: String,
        /// The scheme found.
        scheme: String,
    },
    /// The reference has no host.
    #[error("invalid Deckhand reference `{reference}`: it has no host")]
    NoHost {
        /// The reference, credentials removed.
        reference: String,
    },
    /// The reference carries a user name or password.
    #[error(
        "invalid Deckhand reference `{reference}`: it carries user credentials before the host, which are refused; Deckhand credentials come from Keystone (configure the Keystone credential source)"
    )]
    Credentials {
        /// The reference, credentials removed.
        reference: String,
    },
    /// The revision is a UUID (the form of the original's documentation).
    #[error(
        "invalid Deckhand reference `{reference}`: revision `{revision}` is a UUID, but Deckhand's revision IDs are integers from 1 to 2147483647; write it as {suggestion}"
    )]
    UuidRevision {
        /// The reference, credentials removed.
        reference: String,
        /// The UUID found.
        revision: String,
        /// The form that works, built from the reference's own host.
        suggestion: String,
    },
    /// The revision segment is not a valid revision ID.
    #[error("invalid Deckhand reference `{reference}`: revision `{revision}` {reason}")]
    InvalidRevision {
        /// The reference, credentials removed.
        reference: String,
        /// The segment found where the revision belongs.
        revision: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The path names no revision at all.
    #[error("invalid Deckhand reference `{reference}`: it names no revision: {reason}")]
    MissingRevision {
        /// The reference, credentials removed.
        reference: String,
        /// Where the revision was looked for.
        reason: String,
    },
    /// The path ends with `/`, which Deckhand answers with 404.
    #[error(
        "invalid Deckhand reference `{reference}`: the path ends with `/`, which Deckhand answers with 404 (it never strips a trailing slash); remove it"
    )]
    TrailingSlash {
        /// The reference, credentials removed.
        reference: String,
    },
    /// The path has an empty segment (`//`).
    #[error("invalid Deckhand reference `{reference}`: the path has an empty segment (`//`)")]
    EmptySegment {
        /// The reference, credentials removed.
        reference: String,
    },
    /// Segments follow the revision that Deckhand has no route for.
    #[error(
        "invalid Deckhand reference `{reference}`: unexpected `{extra}` after `{after}`; the path must end with /revisions/<N>, /revisions/<N>/rendered-documents or /revisions/<N>/documents"
    )]
    UnexpectedSegments {
        /// The reference, credentials removed.
        reference: String,
        /// The part of the path that is fine.
        after: String,
        /// The part that is not.
        extra: String,
    },
    /// The reference is not a valid URL once its scheme prefix is stripped.
    #[error("invalid Deckhand reference `{reference}`: {reason}")]
    Transport {
        /// The reference, credentials removed.
        reference: String,
        /// Why the transport URL could not be made.
        reason: String,
    },
}

impl RevisionError {
    /// What to do about it: each case its own advice (the message already
    /// says what is wrong).
    pub fn hint(&self) -> &'static str {
        match self {
            RevisionError::UnsupportedScheme { .. } => {
                "write deckhand+https://host/api/v1.0/revisions/<N> (or deckhand+http, promenade+http(s))"
            }
            RevisionError::NoHost { .. } => {
                "name Deckhand's host: deckhand+https://deckhand.example:9000/api/v1.0/revisions/<N>"
            }
            RevisionError::Credentials { .. } => {
                "remove user:password@ and set OS_AUTH_URL, OS_USERNAME, OS_PASSWORD (or --token)"
            }
            RevisionError::UuidRevision { .. }
            | RevisionError::InvalidRevision { .. }
            | RevisionError::MissingRevision { .. } => {
                "give the revision as a number from 1 to 2147483647, or `latest`"
            }
            RevisionError::TrailingSlash { .. } | RevisionError::EmptySegment { .. } => {
                "remove the extra `/` from the path"
            }
            RevisionError::UnexpectedSegments { .. } => {
                "end the path with /revisions/<N>, /revisions/<N>/rendered-documents or /revisions/<N>/documents"
            }
            RevisionError::Transport { .. } => {
                "write the reference as deckhand+https://host/api/v1.0/revisions/<N>"
            }
        }
    }

    /// Always [`ErrorKind::InvalidReference`]: nothing is sent, and retrying cannot help.
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::InvalidReference
    }

    /// The reference the message names (credentials removed).
    pub fn reference(&self) -> &str {
        match self {
            RevisionError::UnsupportedScheme { reference, .. }
            | RevisionError::NoHost { reference }
            | RevisionError::Credentials { reference }
            | RevisionError::UuidRevision { reference, .. }
            | RevisionError::InvalidRevision { reference, .. }
            | RevisionError::MissingRevision { reference, .. }
            | RevisionError::TrailingSlash { reference }
            | RevisionError::EmptySegment { reference }
            | RevisionError::UnexpectedSegments { reference, .. }
            | RevisionError::Transport { reference, .. } => reference,
        }
    }
}
