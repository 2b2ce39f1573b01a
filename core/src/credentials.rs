//! The credential seam: a driver asks a [`CredentialSource`] for the header to
//! send, and tells it when the server answered 401 so it can refresh once.
//!
//! Core provides the two sources that need no network: [`StaticToken`] (a
//! bearer token, or any fixed header such as Deckhand's `X-Auth-Token`) and
//! [`BasicAuth`] (a reference's userinfo). Sources that talk to an identity
//! service (Keystone) live in driver crates and implement the same trait, as
//! third-party sources do.

use std::fmt;

use async_trait::async_trait;
use base64::Engine as _;
use url::Url;

use crate::error::Result;

/// A secret string whose `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The secret itself: pass it to a transport, never print it.
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// True for an empty secret.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl serde::Serialize for Secret {
    /// Serialises as `***`: options holding secrets can be printed as JSON.
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(crate::redact::REDACTED)
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

/// A header carrying credentials, and the secrets inside it (for scrubbing
/// them from anything a server sends back).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthHeader {
    /// The header name, e.g. `Authorization` or `X-Auth-Token`.
    pub name: String,
    /// The whole header value.
    pub value: Secret,
    /// The secrets the value is made of (a token; a password), each of which
    /// must never be shown, in any encoding.
    pub secrets: Vec<Secret>,
}

impl AuthHeader {
    /// `Authorization: Bearer <token>`.
    pub fn bearer(token: &Secret) -> Self {
        AuthHeader {
            name: "Authorization".into(),
            value: Secret::new(format!("Bearer {}", token.expose())),
            secrets: vec![token.clone()],
        }
    }
    /// `<name>: <token>`, e.g. `X-Auth-Token`.
    pub fn token(name: &str, token: &Secret) -> Self {
        AuthHeader {
            name: name.to_owned(),
            value: token.clone(),
            secrets: vec![token.clone()],
        }
    }
    /// `Authorization: Basic base64(user:password)`.
    pub fn basic(username: &str, password: &Secret) -> Self {
        let pair = format!("{username}:{}", password.expose());
        let encoded = base64::engine::general_purpose::STANDARD.encode(pair.as_bytes());
        AuthHeader {
            name: "Authorization".into(),
            value: Secret::new(format!("Basic {encoded}")),
            secrets: vec![password.clone(), Secret::new(pair), Secret::new(encoded)],
        }
    }
}

/// Who a fetch presents itself as, so that a cache serves what one caller
/// fetched with credentials only to the same identity (anyone else is
/// revalidated with their own credentials, and the source decides).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Access {
    /// No credentials.
    Anonymous,
    /// A credential identity, not secret in itself (a Keystone user and
    /// project, a digest of a token or of a basic user and password).
    As(String),
    /// Credentials whose identity the source cannot tell: nothing is ever
    /// served to it, or from it, without asking the source.
    Unknown,
}

impl Access {
    /// The access of a fetch sending `source`'s credentials (`None`: none).
    pub fn of(source: Option<&dyn CredentialSource>) -> Access {
        match source {
            None => Access::Anonymous,
            Some(source) => source.identity().map_or(Access::Unknown, Access::As),
        }
    }

    /// Both: the credentials of `self` and more sent with them (secrets in
    /// a reference's query).
    pub fn and(self, more: Access) -> Access {
        match (self, more) {
            (Access::Unknown, _) | (_, Access::Unknown) => Access::Unknown,
            (Access::Anonymous, other) | (other, Access::Anonymous) => other,
            (Access::As(a), Access::As(b)) => Access::As(format!("{a}\n{b}")),
        }
    }

    /// What a resolution records ([`crate::FetchMetadata::access`]): none
    /// when anonymous, a digest of the identity, or a value no other access
    /// has when unknown.
    pub fn stored(&self) -> Option<String> {
        match self {
            Access::Anonymous => None,
            Access::As(identity) => Some(crate::Digest::of(identity.as_bytes()).to_string()),
            Access::Unknown => Some("unknown".to_owned()),
        }
    }

    /// True when a resolution recorded with `stored` may be served to this
    /// access without asking the source.
    pub fn may_read(&self, stored: Option<&str>) -> bool {
        *self != Access::Unknown && self.stored().as_deref() == stored
    }
}

/// Where a driver gets the credentials for a request.
///
/// The driver calls [`CredentialSource::header`] before each request (the
/// source caches and shares what it can: one authentication for many
/// concurrent fetches) and [`CredentialSource::rejected`] when the server
/// answered 401 to that header; if it returns true, the driver asks again
/// and retries once. A driver sends the header only to the origin the
/// request was made for, never across a redirect to another origin.
#[async_trait]
pub trait CredentialSource: Send + Sync + fmt::Debug + 'static {
    /// A short name for messages (`bearer`, `basic`, `keystone`).
    fn name(&self) -> &'static str;
    /// The header to send with a request to `target`; `None` sends none.
    async fn header(&self, target: &Url) -> Result<Option<AuthHeader>>;
    /// The server refused `header` with 401. Returns true when asking
    /// [`CredentialSource::header`] again may give a better one (a refreshed
    /// token); static sources return false.
    async fn rejected(&self, _header: &AuthHeader) -> bool {
        false
    }
    /// Who these credentials authenticate as, not secret in itself (see
    /// [`Access`]); `None`, the default, when the source cannot tell:
    /// a cache then serves nothing to it without asking the source.
    fn identity(&self) -> Option<String> {
        None
    }
}

/// The identity of a fixed header: a digest of its name and value.
fn header_identity(header: &AuthHeader) -> String {
    let named = format!("{}: {}", header.name, header.value.expose());
    format!("{} {}", header.name, crate::Digest::of(named.as_bytes()))
}

/// A fixed token sent in a fixed header: `Authorization: Bearer …` or, for
/// Deckhand and other OpenStack services, `X-Auth-Token: …`.
#[derive(Clone, Debug)]
pub struct StaticToken {
    header: AuthHeader,
}

impl StaticToken {
    /// A bearer token (`Authorization: Bearer …`).
    pub fn bearer(token: impl Into<String>) -> Self {
        StaticToken {
            header: AuthHeader::bearer(&Secret::new(token)),
        }
    }
    /// A token sent as is in header `name` (e.g. `X-Auth-Token`).
    pub fn in_header(name: &str, token: impl Into<String>) -> Self {
        StaticToken {
            header: AuthHeader::token(name, &Secret::new(token)),
        }
    }
}

#[async_trait]
impl CredentialSource for StaticToken {
    fn name(&self) -> &'static str {
        "token"
    }
    async fn header(&self, _target: &Url) -> Result<Option<AuthHeader>> {
        Ok(Some(self.header.clone()))
    }
    fn identity(&self) -> Option<String> {
        Some(header_identity(&self.header))
    }
}

/// HTTP basic authentication, e.g. from a reference's userinfo
/// (`https://user:pa%40ss@host/…`, percent-decoded).
#[derive(Clone, Debug)]
pub struct BasicAuth {
    header: AuthHeader,
}

impl BasicAuth {
    /// Basic auth for `username` and `password`.
    pub fn new(username: &str, password: Secret) -> Self {
        BasicAuth {
            header: AuthHeader::basic(username, &password),
        }
    }
}

#[async_trait]
impl CredentialSource for BasicAuth {
    fn name(&self) -> &'static str {
        "basic"
    }
    async fn header(&self, _target: &Url) -> Result<Option<AuthHeader>> {
        Ok(Some(self.header.clone()))
    }
    fn identity(&self) -> Option<String> {
        Some(header_identity(&self.header))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let h = AuthHeader::basic("user", &Secret::new("hunter2"));
        let shown = format!("{h:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("dXNlcjpodW50ZXIy"), "{shown}");
        assert_eq!(h.value.expose(), "Basic dXNlcjpodW50ZXIy");
        assert_eq!(serde_json::to_string(&Secret::new("x")).unwrap(), "\"***\"");
    }

    #[tokio::test]
    async fn static_sources_answer_the_same_header() {
        let url = Url::parse("https://h/x").unwrap();
        let t = StaticToken::in_header("X-Auth-Token", "tok");
        let h = t.header(&url).await.unwrap().unwrap();
        assert_eq!((h.name.as_str(), h.value.expose()), ("X-Auth-Token", "tok"));
        assert!(!t.rejected(&h).await);
        let b = StaticToken::bearer("tok");
        let h = b.header(&url).await.unwrap().unwrap();
        assert_eq!(h.value.expose(), "Bearer tok");
    }
}
