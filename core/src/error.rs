//! The one error type of drydock-core, and the matchable [`ErrorKind`].

use std::time::Duration;

/// A boxed error from a driver or ingester crate; reachable again by downcasting.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Result alias used throughout drydock.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, in a form a caller can match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The reference is malformed or names something the driver cannot serve.
    InvalidReference,
    /// No driver serves the reference's scheme.
    UnsupportedScheme,
    /// The scheme exists but this resolver does not allow it.
    SchemeNotAllowed,
    /// The registry is inconsistent (duplicate scheme or ingester name).
    Registry,
    /// No ingester matches the content, or the named one does not exist.
    NoIngester,
    /// The design does not exist at the reference.
    NotFound,
    /// Access was refused (permissions, credentials).
    PermissionDenied,
    /// The content is larger than the configured limit.
    TooLarge,
    /// The content's digest is not the expected one.
    Integrity,
    /// The overall deadline passed.
    DeadlineExceeded,
    /// The caller cancelled the operation.
    Cancelled,
    /// The source is (perhaps temporarily) unavailable: network, server errors.
    Unavailable,
    /// The source refused the request for a reason other than access.
    Rejected,
    /// The content could not be processed into a design.
    InvalidDocument,
    /// The configuration is invalid (unknown key, wrong type, unusable value).
    Config,
    /// Anything else a driver reports.
    Other,
}

impl ErrorKind {
    /// The kind in snake case, as `--json` errors show it (`not_found`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidReference => "invalid_reference",
            ErrorKind::UnsupportedScheme => "unsupported_scheme",
            ErrorKind::SchemeNotAllowed => "scheme_not_allowed",
            ErrorKind::Registry => "registry",
            ErrorKind::NoIngester => "no_ingester",
            ErrorKind::NotFound => "not_found",
            ErrorKind::PermissionDenied => "permission_denied",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::Integrity => "integrity",
            ErrorKind::DeadlineExceeded => "deadline_exceeded",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::Rejected => "rejected",
            ErrorKind::InvalidDocument => "invalid_document",
            ErrorKind::Config => "config",
            ErrorKind::Other => "other",
        }
    }
}

/// The error type of drydock-core. Every message names the (redacted) reference.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The reference string could not be parsed.
    #[error("invalid design reference `{input}`: {reason}")]
    InvalidReference {
        /// The input, credentials redacted.
        input: String,
        /// Why it is invalid.
        reason: String,
    },
    /// No driver is registered for the scheme.
    #[error(
        "no driver for scheme `{scheme}` (registered schemes: {})",
        list(known)
    )]
    UnsupportedScheme {
        /// The scheme asked for.
        scheme: String,
        /// The schemes that are registered.
        known: Vec<String>,
    },
    /// The resolver's allow-list excludes the scheme.
    #[error("scheme `{scheme}` is not allowed here (allowed: {})", list(allowed))]
    SchemeNotAllowed {
        /// The scheme asked for.
        scheme: String,
        /// The schemes this resolver allows.
        allowed: Vec<String>,
    },
    /// Two registrations claim one scheme.
    #[error("scheme `{scheme}` is registered twice: by crate `{first}` and by crate `{second}`")]
    DuplicateScheme {
        /// The contested scheme.
        scheme: String,
        /// Crate of the first registration.
        first: String,
        /// Crate of the second registration.
        second: String,
    },
    /// Two ingesters share one name.
    #[error("ingester `{name}` is registered twice: by crate `{first}` and by crate `{second}`")]
    DuplicateIngester {
        /// The contested name.
        name: String,
        /// Crate of the first registration.
        first: String,
        /// Crate of the second registration.
        second: String,
    },
    /// An ingester was asked for by a name nobody registered.
    #[error("no ingester named `{name}` (registered ingesters: {})", list(known))]
    UnknownIngester {
        /// The name asked for.
        name: String,
        /// The registered names.
        known: Vec<String>,
    },
    /// No registered ingester recognised the content.
    #[error(
        "no ingester recognises the content of {reference} (registered ingesters: {})",
        list(known)
    )]
    NoIngesterDetected {
        /// The reference, redacted.
        reference: String,
        /// The registered names.
        known: Vec<String>,
    },
    /// The content exceeds the size limit.
    #[error("{}", match source {
        Some(driver) => driver.to_string(),
        None => format!("{reference}: content of {} exceeds the limit of {limit} bytes", size_text(*size)),
    })]
    TooLarge {
        /// The reference, redacted.
        reference: String,
        /// The limit in bytes.
        limit: u64,
        /// The size, when known (None: the limit was crossed while reading).
        size: Option<u64>,
        /// The driver's own error, with what only it knows (e.g. the local path).
        #[source]
        source: Option<BoxError>,
    },
    /// The content's digest is not the one the caller expected.
    #[error("{reference}: integrity check failed: expected {expected}, got {actual}")]
    IntegrityMismatch {
        /// The reference, redacted.
        reference: String,
        /// The digest the caller expected.
        expected: String,
        /// The digest of what was fetched.
        actual: String,
    },
    /// The overall deadline passed.
    #[error(
        "{reference}: deadline of {} exceeded{}{}",
        humantime::format_duration(*deadline),
        attempts_text(*attempts),
        last.as_ref().map(|e| format!("; last error: {e}")).unwrap_or_default()
    )]
    DeadlineExceeded {
        /// The reference, redacted.
        reference: String,
        /// The deadline that passed.
        deadline: Duration,
        /// Attempts started before it passed (0 when not counted).
        attempts: u32,
        /// The last failed attempt's error, if one failed before the deadline.
        last: Option<Box<Error>>,
    },
    /// Retrying did not help: the last attempt's error and how many were made.
    #[error("{last} (gave up after {attempts} attempts)")]
    Retried {
        /// Attempts made.
        attempts: u32,
        /// The last attempt's error.
        last: Box<Error>,
    },
    /// A configuration section cannot be used.
    #[error("configuration [{section}] in {origin}: {reason}")]
    Config {
        /// The section, e.g. `drivers.http`.
        section: String,
        /// Where it came from: a file path, "the command line", …
        origin: String,
        /// What is wrong, naming the key.
        reason: String,
    },
    /// The caller cancelled.
    #[error("{reference}: cancelled")]
    Cancelled {
        /// The reference, redacted.
        reference: String,
    },
    /// A driver failed; `source` is the driver crate's own error.
    #[error("{source}")]
    Fetch {
        /// What kind of failure it is.
        kind: ErrorKind,
        /// The driver's name.
        driver: String,
        /// The reference, redacted.
        reference: String,
        /// Whether trying again later could succeed.
        retryable: bool,
        /// How long the source asked to wait before trying again (`Retry-After`).
        retry_after: Option<Duration>,
        /// What the user can do about it, when the driver knows better than
        /// the kind's general hint.
        hint: Option<&'static str>,
        /// The driver's error; its message names the reference (redacted).
        #[source]
        source: BoxError,
    },
    /// The store (database) failed; `source` is the store crate's own error,
    /// whose message names the (redacted) database.
    #[error("{source}")]
    Store {
        /// What kind of failure it is.
        kind: ErrorKind,
        /// Whether trying again later could succeed.
        retryable: bool,
        /// What the user can do about it, chosen by the store for this error.
        hint: &'static str,
        /// The store's error.
        #[source]
        source: BoxError,
    },
    /// An ingester failed outright (validation problems go into the report instead).
    #[error("{ingester} ingester failed on {reference}: {source}")]
    Ingest {
        /// The ingester's name.
        ingester: String,
        /// The reference, redacted.
        reference: String,
        /// The ingester's own error.
        #[source]
        source: BoxError,
    },
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

fn attempts_text(attempts: u32) -> String {
    match attempts {
        0 => String::new(),
        1 => " after 1 attempt".to_owned(),
        n => format!(" after {n} attempts"),
    }
}

fn size_text(size: Option<u64>) -> String {
    match size {
        Some(size) => format!("{size} bytes"),
        None => "more bytes than allowed".to_owned(),
    }
}

impl Error {
    /// Wraps a driver crate's error, keeping it reachable by downcasting.
    pub fn fetch(
        kind: ErrorKind,
        driver: &str,
        reference: impl Into<String>,
        source: impl Into<BoxError>,
    ) -> Self {
        let retryable = matches!(kind, ErrorKind::Unavailable | ErrorKind::DeadlineExceeded);
        Error::Fetch {
            kind,
            driver: driver.to_owned(),
            reference: reference.into(),
            retryable,
            retry_after: None,
            hint: None,
            source: source.into(),
        }
    }

    /// For a [`Error::Fetch`]: the hint to show instead of the kind's general one.
    pub fn with_hint(mut self, text: &'static str) -> Self {
        if let Error::Fetch { hint, .. } = &mut self {
            *hint = Some(text);
        }
        self
    }

    /// For a [`Error::Fetch`]: says whether retrying can help, overriding
    /// what its kind implies (e.g. a server error known to be permanent).
    pub fn with_retryable(mut self, value: bool) -> Self {
        if let Error::Fetch { retryable, .. } = &mut self {
            *retryable = value;
        }
        self
    }

    /// For a [`Error::Fetch`]: how long the source asked to wait (`Retry-After`).
    pub fn with_retry_after(mut self, wait: Option<Duration>) -> Self {
        if let Error::Fetch { retry_after, .. } = &mut self {
            *retry_after = wait;
        }
        self
    }

    /// How long the source asked to wait before another attempt, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Fetch { retry_after, .. } => *retry_after,
            Error::Retried { last, .. } => last.retry_after(),
            _ => None,
        }
    }

    /// Attempts made, for errors that count them (1 otherwise).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Retried { attempts, .. } => *attempts,
            Error::DeadlineExceeded { attempts, .. } => (*attempts).max(1),
            _ => 1,
        }
    }

    /// The matchable kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidReference { .. } => ErrorKind::InvalidReference,
            Error::UnsupportedScheme { .. } => ErrorKind::UnsupportedScheme,
            Error::SchemeNotAllowed { .. } => ErrorKind::SchemeNotAllowed,
            Error::DuplicateScheme { .. } | Error::DuplicateIngester { .. } => ErrorKind::Registry,
            Error::UnknownIngester { .. } | Error::NoIngesterDetected { .. } => {
                ErrorKind::NoIngester
            }
            Error::TooLarge { .. } => ErrorKind::TooLarge,
            Error::IntegrityMismatch { .. } => ErrorKind::Integrity,
            Error::DeadlineExceeded { .. } => ErrorKind::DeadlineExceeded,
            Error::Cancelled { .. } => ErrorKind::Cancelled,
            Error::Fetch { kind, .. } | Error::Store { kind, .. } => *kind,
            Error::Retried { last, .. } => last.kind(),
            Error::Config { .. } => ErrorKind::Config,
            Error::Ingest { .. } => ErrorKind::InvalidDocument,
        }
    }

    /// Whether trying the same operation again later could succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Fetch { retryable, .. } | Error::Store { retryable, .. } => *retryable,
            Error::Retried { last, .. } => last.is_retryable(),
            Error::DeadlineExceeded { .. } => true,
            _ => false,
        }
    }

    /// A one-line suggestion of what the user can do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            Error::Store { hint, .. } => return hint,
            Error::Fetch {
                hint: Some(hint), ..
            } => return hint,
            Error::Retried { last, .. } => return last.hint(),
            _ => {}
        }
        match self.kind() {
            ErrorKind::InvalidReference => {
                "write the reference as a full URI, e.g. file:///abs/path/site.yaml or https://host/site.yaml"
            }
            ErrorKind::UnsupportedScheme => {
                "use one of the registered schemes (`drydock schemes` lists them) or link a driver crate for this one"
            }
            ErrorKind::SchemeNotAllowed => "use a reference with one of the allowed schemes",
            ErrorKind::Registry => "remove one of the two crates that register the same name",
            ErrorKind::NoIngester => {
                "name an ingester with --ingester (`drydock schemes` lists them), or check the content's format"
            }
            ErrorKind::NotFound => "check that the reference points at an existing design",
            ErrorKind::PermissionDenied => "check permissions or the credentials for this source",
            ErrorKind::TooLarge => {
                "raise the size limit (--max-size) if the design really is this large"
            }
            ErrorKind::Integrity => {
                "the content changed: check the source, or update the expected digest"
            }
            ErrorKind::DeadlineExceeded => {
                "raise the deadline (--timeout) or check that the source answers"
            }
            ErrorKind::Cancelled => "the operation was cancelled on request",
            ErrorKind::Unavailable => "the source is unavailable: try again later",
            ErrorKind::Rejected => "the source refused the request: check the reference",
            ErrorKind::InvalidDocument => "check that the content is a drydock site design",
            ErrorKind::Config => {
                "fix the named key in the configuration file (--config / DRYDOCK_CONFIG) or the flag that set it"
            }
            ErrorKind::Other => "see the message above",
        }
    }

    /// The driver crate's own error, if this is one and it is of type `E`.
    pub fn downcast_source<E: std::error::Error + 'static>(&self) -> Option<&E> {
        match self {
            Error::Fetch { source, .. }
            | Error::Ingest { source, .. }
            | Error::Store { source, .. } => source.downcast_ref(),
            Error::TooLarge {
                source: Some(source),
                ..
            } => source.downcast_ref(),
            Error::Retried { last, .. } => last.downcast_source(),
            Error::DeadlineExceeded {
                last: Some(last), ..
            } => last.downcast_source(),
            _ => None,
        }
    }
}
