//! What one fetch asks for ([`HttpRequest`], [`Auth`]) and what it returns ([`HttpResponse`]).

use drydock_core::{DesignRef, HashedBytes, Secret};
use url::Url;

use crate::error::HttpError;

/// How a request authenticates. Sent only to the origin of the first URL:
/// a redirect to another origin drops it.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub enum Auth {
    /// No credentials.
    #[default]
    None,
    /// `Authorization: Basic …`.
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: Secret,
    },
    /// `Authorization: Bearer …`.
    Bearer(Secret),
    /// A custom header carrying a secret (e.g. Deckhand's `X-Auth-Token`).
    Header {
        /// The header name.
        name: String,
        /// The secret value.
        value: Secret,
    },
}

impl Auth {
    /// The secret strings this auth carries, to scrub from anything shown.
    pub(crate) fn secrets(&self) -> Vec<String> {
        match self {
            Auth::None => Vec::new(),
            Auth::Basic { password, .. } => vec![password.expose().to_owned()],
            Auth::Bearer(token) | Auth::Header { value: token, .. } => {
                vec![token.expose().to_owned()]
            }
        }
    }
}

/// One request: the URL (without userinfo), its redacted form for messages,
/// the credentials and any extra headers.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct HttpRequest {
    /// The URL to fetch; never carries userinfo.
    pub url: Url,
    /// What messages call it: the reference, redacted.
    pub reference: String,
    /// Credentials.
    pub auth: Auth,
    /// Extra headers sent with every hop (e.g. `Accept`).
    pub headers: Vec<(String, String)>,
    /// Secret query values of the URL, scrubbed from anything a server sends back.
    query_secrets: Vec<String>,
}

impl HttpRequest {
    /// A request for an `http`/`https` URL. Userinfo in the URL becomes
    /// [`Auth::Basic`] (percent-decoded) and is removed from the URL.
    pub fn new(url: &Url) -> Result<Self, HttpError> {
        let reference = drydock_core::redact_url(url);
        if !matches!(url.scheme(), "http" | "https") {
            return Err(HttpError::InvalidUrl {
                reference,
                reason: format!("scheme `{}` is not http or https", url.scheme()),
            });
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(HttpError::InvalidUrl {
                reference,
                reason: "it has no host".into(),
            });
        }
        let mut clean = url.clone();
        clean.set_fragment(None);
        let auth = if !url.username().is_empty() || url.password().is_some() {
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            };
            let username = decode(url.username());
            let password = Secret::new(decode(url.password().unwrap_or("")));
            // Both setters fail only for URLs that cannot carry userinfo.
            let _ = clean.set_username("");
            let _ = clean.set_password(None);
            Auth::Basic { username, password }
        } else {
            Auth::None
        };
        let query_secrets = secret_query_values(&clean, &reference);
        Ok(HttpRequest {
            url: clean,
            reference,
            auth,
            headers: Vec::new(),
            query_secrets,
        })
    }

    /// A request for a design reference; `reference.redacted()` names it in messages.
    pub fn for_reference(reference: &DesignRef) -> Result<Self, HttpError> {
        let url = reference
            .transport_url()
            .map_err(|e| HttpError::InvalidUrl {
                reference: reference.redacted().to_owned(),
                reason: e.to_string(),
            })?;
        let mut request = HttpRequest::new(&url)?;
        request.reference = reference.redacted().to_owned();
        Ok(request)
    }

    /// Replaces the credentials.
    pub fn with_auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    /// Adds a header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

impl HttpRequest {
    /// Every secret this request carries (credentials, secret query values).
    pub(crate) fn secrets(&self) -> Vec<String> {
        let mut all = self.auth.secrets();
        all.extend(self.query_secrets.iter().cloned());
        all.retain(|s| !s.is_empty());
        all
    }
}

/// Query values that redaction replaced: what the redacted form shows as `***`.
fn secret_query_values(url: &Url, redacted: &str) -> Vec<String> {
    let Ok(shown) = Url::parse(redacted) else {
        return Vec::new();
    };
    url.query_pairs()
        .zip(shown.query_pairs())
        .filter(|((_, real), (_, seen))| seen == drydock_core::REDACTED && real != seen)
        .map(|((_, real), _)| real.into_owned())
        .collect()
}

/// A successful fetch: the body (empty when not modified) and what the server said about it.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct HttpResponse {
    /// The body, decompressed, with its SHA-256 (computed as it streamed in).
    pub bytes: HashedBytes,
    /// The final status (2xx, or 304 when not modified).
    pub status: u16,
    /// The final URL after redirects, redacted.
    pub final_url: String,
    /// `ETag`, if any.
    pub etag: Option<String>,
    /// `Last-Modified`, if any.
    pub last_modified: Option<String>,
    /// `Content-Type`, if any.
    pub content_type: Option<String>,
    /// True when a conditional request found the content unchanged.
    pub not_modified: bool,
    /// Attempts it took.
    pub attempts: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_becomes_basic_auth_and_leaves_the_url() {
        let url = Url::parse("https://us%40er:p%3Ass%25@h:8443/x?rev=1#frag").unwrap();
        let r = HttpRequest::new(&url).unwrap();
        assert_eq!(r.url.as_str(), "https://h:8443/x?rev=1");
        match &r.auth {
            Auth::Basic { username, password } => {
                assert_eq!(username, "us@er");
                assert_eq!(password.expose(), "p:ss%");
            }
            other => panic!("{other:?}"),
        }
        assert!(!r.reference.contains("p%3Ass"), "{}", r.reference);
        assert!(!format!("{r:?}").contains("p:ss"));
    }

    #[test]
    fn non_http_urls_are_refused() {
        for bad in ["ftp://h/x", "file:///x"] {
            let err = HttpRequest::new(&Url::parse(bad).unwrap()).unwrap_err();
            assert!(matches!(err, HttpError::InvalidUrl { .. }), "{err}");
        }
    }
}
