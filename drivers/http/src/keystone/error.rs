//! [`KeystoneError`]: why no token could be had, each cause its own variant
//! (wrong credentials ≠ Keystone unreachable ≠ a malformed answer).

use drydock_core::{Error, ErrorKind};

/// Largest part of Keystone's message kept.
const MESSAGE_MAX: usize = 300;

/// Why Keystone gave no token. Never holds a password or a token.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeystoneError {
    /// The Keystone settings cannot be used.
    #[error("Keystone settings: {reason}")]
    Config {
        /// What is wrong.
        reason: String,
    },
    /// Keystone could not be reached, its answer was cut off, or TLS with it failed.
    #[error("Keystone at {url} could not be reached: {reason}")]
    Transport {
        /// The token URL, redacted.
        url: String,
        /// Why.
        reason: String,
        /// Whether trying again may help.
        retryable: bool,
        /// The transport's kind (a certificate failure is `PermissionDenied`).
        kind: ErrorKind,
    },
    /// Keystone refused the credentials (401): wrong password, unknown user
    /// or project, no role on the project, disabled user.
    #[error("Keystone at {url} refused the credentials (HTTP {status}): {message}")]
    Refused {
        /// The token URL, redacted.
        url: String,
        /// The status.
        status: u16,
        /// Keystone's message, sanitised.
        message: String,
    },
    /// Keystone answered another error status.
    #[error("Keystone at {url} answered HTTP {status}: {message}")]
    Status {
        /// The token URL, redacted.
        url: String,
        /// The status.
        status: u16,
        /// Keystone's message, sanitised.
        message: String,
    },
    /// Keystone answered 201 but not with a usable token.
    #[error("Keystone at {url} gave no usable token: {reason}")]
    BadAnswer {
        /// The token URL, redacted.
        url: String,
        /// What was missing or wrong.
        reason: String,
    },
}

impl KeystoneError {
    /// Whether trying again later could succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            KeystoneError::Transport { retryable, .. } => *retryable,
            KeystoneError::Status { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }

    /// The matchable kind.
    pub fn kind(&self) -> ErrorKind {
        match self {
            KeystoneError::Config { .. } => ErrorKind::Config,
            KeystoneError::Refused { .. } => ErrorKind::PermissionDenied,
            KeystoneError::Transport { kind, .. } => *kind,
            KeystoneError::Status { .. } if self.is_retryable() => ErrorKind::Unavailable,
            KeystoneError::Status { .. } | KeystoneError::BadAnswer { .. } => ErrorKind::Rejected,
        }
    }

    /// Converts into drydock-core's error (driver `keystone`).
    pub fn into_core(self) -> Error {
        let url = match &self {
            KeystoneError::Transport { url, .. }
            | KeystoneError::Refused { url, .. }
            | KeystoneError::Status { url, .. }
            | KeystoneError::BadAnswer { url, .. } => url.clone(),
            KeystoneError::Config { .. } => "keystone".to_owned(),
        };
        let (kind, retryable) = (self.kind(), self.is_retryable());
        Error::fetch(kind, "keystone", url, self).with_retryable(retryable)
    }
}

/// Keystone's `{"error": {"message": …}}`, sanitised and bounded: the
/// request's secrets (the password) scrubbed from the whole body before it
/// is cut, so no part of one is shown.
fn message(body: &[u8], secrets: &[&str]) -> String {
    let parsed: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let text = parsed
        .as_ref()
        .and_then(|v| v.pointer("/error/message"))
        .and_then(|m| m.as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| {
            let read = MESSAGE_MAX + drydock_core::text::scrub_margin(secrets);
            String::from_utf8_lossy(&body[..body.len().min(read)]).into_owned()
        });
    drydock_core::text::safe_excerpt(&text, secrets, MESSAGE_MAX)
}

/// Maps a token request's status: 201 is a token, 401 a refusal, the rest errors.
pub(super) fn check_status(
    url: &str,
    status: u16,
    body: &[u8],
    secrets: &[&str],
) -> Result<(), KeystoneError> {
    match status {
        200 | 201 => Ok(()),
        401 => Err(KeystoneError::Refused {
            url: url.to_owned(),
            status,
            message: message(body, secrets),
        }),
        _ => Err(KeystoneError::Status {
            url: url.to_owned(),
            status,
            message: message(body, secrets),
        }),
    }
}
