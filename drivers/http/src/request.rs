//! What one fetch asks for ([`HttpRequest`]) and what it returns ([`HttpResponse`]).

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use drydock_core::{BasicAuth, CredentialSource, DesignRef, HashedBytes, Secret};
use url::Url;

use crate::error::HttpError;

/// One request: the URL (without userinfo), its redacted form for messages,
/// where its credentials come from, and any extra headers.
///
/// Credentials are asked of the [`CredentialSource`] for each attempt and
/// sent only to the origin of [`HttpRequest::url`]: a redirect to another
/// origin drops them.
#[derive(Clone)]
#[non_exhaustive]
pub struct HttpRequest {
    /// The URL to fetch; never carries userinfo.
    pub url: Url,
    /// What messages call it: the reference, redacted.
    pub reference: String,
    /// Where the credentials come from, if any.
    pub credentials: Option<Arc<dyn CredentialSource>>,
    /// Extra headers sent with every hop (e.g. `Accept`).
    pub headers: Vec<(String, String)>,
    /// A body to POST (content type, bytes); `None` sends a GET.
    pub body: Option<(String, Bytes)>,
    /// Secret query values of the URL, scrubbed from anything a server sends back.
    pub(crate) query_secrets: Vec<Secret>,
    /// Further secrets to scrub (e.g. a password inside a POSTed body).
    pub(crate) body_secrets: Vec<Secret>,
    /// Send a DELETE (without a body) instead of a GET.
    pub(crate) delete: bool,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("reference", &self.reference)
            .field("credentials", &self.credentials.as_ref().map(|c| c.name()))
            .field("headers", &self.headers)
            .finish()
    }
}

impl HttpRequest {
    /// A request for an `http`/`https` URL, named `reference` (already
    /// redacted) in messages. Userinfo in the URL becomes [`BasicAuth`]
    /// (percent-decoded) and is removed from the URL.
    pub fn new(url: &Url, reference: &str) -> Result<Self, HttpError> {
        let invalid = |reason: String| HttpError::InvalidUrl {
            reference: reference.to_owned(),
            reason,
        };
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid(format!(
                "scheme `{}` is not http or https",
                url.scheme()
            )));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid("it has no host".into()));
        }
        let mut clean = url.clone();
        clean.set_fragment(None);
        let credentials = if !url.username().is_empty() || url.password().is_some() {
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            };
            let password = Secret::new(decode(url.password().unwrap_or("")));
            // Both setters fail only for URLs that cannot carry userinfo.
            let _ = clean.set_username("");
            let _ = clean.set_password(None);
            let basic: Arc<dyn CredentialSource> =
                Arc::new(BasicAuth::new(&decode(url.username()), password));
            Some(basic)
        } else {
            None
        };
        // Every value redaction hides, nested ones too, in each form written.
        let query_secrets = clean
            .query()
            .map(drydock_core::query_secrets)
            .unwrap_or_default()
            .into_iter()
            .map(Secret::new)
            .collect();
        Ok(HttpRequest {
            url: clean,
            reference: reference.to_owned(),
            credentials,
            headers: Vec::new(),
            body: None,
            query_secrets,
            body_secrets: Vec::new(),
            delete: false,
        })
    }

    /// A request for a design reference (`http`, `https`, or a compound
    /// scheme whose transport is one of them).
    pub fn for_reference(reference: &DesignRef) -> Result<Self, HttpError> {
        let url = reference
            .transport_url()
            .map_err(|e| HttpError::InvalidUrl {
                reference: reference.redacted().to_owned(),
                reason: e.to_string(),
            })?;
        HttpRequest::new(&url, reference.redacted())
    }

    /// Replaces where the credentials come from.
    pub fn with_credentials(mut self, credentials: Option<Arc<dyn CredentialSource>>) -> Self {
        self.credentials = credentials;
        self
    }

    /// Adds a header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Makes it a DELETE (when it has no body); redirects are not followed.
    pub fn as_delete(mut self) -> Self {
        self.delete = true;
        self
    }

    /// Makes it a POST of `body` (of `content_type`), which may hold
    /// `secrets`: they are scrubbed from anything the server sends back.
    /// Redirects are not followed for a POST.
    pub fn with_body(mut self, content_type: &str, body: Bytes, secrets: Vec<Secret>) -> Self {
        self.body = Some((content_type.to_owned(), body));
        self.body_secrets = secrets;
        self
    }
}

/// A response of any status, as [`crate::HttpClient::exchange`] returns it:
/// for protocols that read their own error bodies (Deckhand, Keystone).
/// `Debug` lists header names only (a header may carry a token).
#[non_exhaustive]
pub struct RawResponse {
    /// The status.
    pub status: u16,
    /// The headers, unmodified: never print their values.
    pub(crate) headers: reqwest::header::HeaderMap,
    /// The body (within the size limit), with its SHA-256.
    pub body: HashedBytes,
    /// The final URL after redirects, redacted.
    pub final_url: String,
    /// The request's secrets, scrubbed from what [`RawResponse::scrub`] shows.
    pub(crate) secrets: Vec<Secret>,
}

impl RawResponse {
    /// A header's value, if present and text. Never print it as is: use
    /// [`RawResponse::scrub`].
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The request's secrets, to scrub text of the response with. Never print them.
    pub(crate) fn secret_texts(&self) -> Vec<&str> {
        self.secrets.iter().map(Secret::expose).collect()
    }

    /// The body as text with every secret of the request removed (in any
    /// encoding), control characters kept: what a parser whose errors quote
    /// the input must parse, so that no excerpt can cut a secret in two and
    /// show a piece of it. `None` when the body is not UTF-8.
    pub fn scrubbed_body(&self) -> Option<String> {
        let text = std::str::from_utf8(&self.body).ok()?;
        Some(drydock_core::text::scrub_secrets(
            text,
            &self.secret_texts(),
        ))
    }

    /// Text the server sent, made safe to show: every secret of the request
    /// removed in any encoding, control characters escaped.
    pub fn scrub(&self, text: &str) -> String {
        let secrets = self.secret_texts();
        let scrubbed = drydock_core::text::scrub_secrets(text, &secrets);
        drydock_core::text::escape_control(&scrubbed).into_owned()
    }
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body", &format_args!("{} bytes", self.body.len()))
            .field("final_url", &self.final_url)
            .finish()
    }
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn userinfo_becomes_basic_auth_and_leaves_the_url() {
        let url = Url::parse("https://us%40er:p%3Ass%25@h:8443/x?rev=1#frag").unwrap();
        let r = HttpRequest::new(&url, "shown").unwrap();
        assert_eq!(r.url.as_str(), "https://h:8443/x?rev=1");
        let header = r
            .credentials
            .as_ref()
            .unwrap()
            .header(&r.url)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(header.name, "Authorization");
        // base64("us@er:p:ss%")
        assert_eq!(header.value.expose(), "Basic dXNAZXI6cDpzcyU=");
        assert!(!format!("{r:?}").contains("p:ss"));
    }

    #[test]
    fn secret_query_values_are_remembered_for_scrubbing() {
        let url = Url::parse("https://h/x?author=al&api_token=t%2Fk&rev=1").unwrap();
        let r = HttpRequest::new(&url, "shown").unwrap();
        let secrets: Vec<&str> = r.query_secrets.iter().map(Secret::expose).collect();
        assert_eq!(secrets, ["t%2Fk", "t/k"]);
        // A secret nested in another parameter is remembered too.
        let url = Url::parse("https://h/x?next=%2Fy%3Ftoken%3Dn3sted&rev=1").unwrap();
        let r = HttpRequest::new(&url, "shown").unwrap();
        let secrets: Vec<&str> = r.query_secrets.iter().map(Secret::expose).collect();
        assert!(secrets.contains(&"n3sted"), "{secrets:?}");
        assert!(!secrets.contains(&"1"), "{secrets:?}");
    }

    #[test]
    fn non_http_urls_are_refused() {
        for bad in ["ftp://h/x", "file:///x"] {
            let err = HttpRequest::new(&Url::parse(bad).unwrap(), bad).unwrap_err();
            assert!(matches!(err, HttpError::InvalidUrl { .. }), "{err}");
        }
    }
}
