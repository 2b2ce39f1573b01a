//! One attempt: send, follow redirects by hand (so credentials never leave
//! their origin and https never drops to http), map the status, read the body.

use std::time::Duration;

use drydock_core::{AuthHeader, FetchOptions, HashedBytes, LimitedBody, Secret};
use reqwest::header::{self, HeaderMap};
use url::Url;

use crate::error::HttpError;
use crate::request::{HttpRequest, HttpResponse, RawResponse};

/// How many bytes of an error body go into the message.
const ERROR_BODY_PREFIX: usize = 512;

/// One attempt of a request, redirects included.
pub(crate) struct Hop<'a> {
    pub client: &'a reqwest::Client,
    pub request: &'a HttpRequest,
    pub options: &'a FetchOptions,
    pub max_redirects: usize,
    /// The credentials to send to the request's own origin.
    pub auth: Option<&'a AuthHeader>,
}

impl Hop<'_> {
    /// Sends the request and follows redirects (GET only), returning the
    /// final response and its URL, whatever its status.
    pub async fn send(&self) -> Result<(reqwest::Response, Url), HttpError> {
        let request = self.request;
        let reference = &request.reference;
        let origin = request.url.origin();
        let mut url = request.url.clone();
        let mut redirects = 0usize;
        loop {
            let mut builder = match &request.body {
                None if request.delete => self.client.delete(url.clone()),
                None => self.client.get(url.clone()),
                Some((content_type, body)) => self
                    .client
                    .post(url.clone())
                    .header(header::CONTENT_TYPE, content_type.as_str())
                    .body(body.clone()),
            };
            for (name, value) in &request.headers {
                builder = builder.header(name, value);
            }
            if url.origin() == origin
                && let Some(auth) = self.auth
            {
                builder = builder.header(auth.name.as_str(), auth.value.expose());
            }
            if self.validates(&url) {
                if let Some(etag) = &self.options.if_none_match {
                    builder = builder.header(header::IF_NONE_MATCH, etag);
                }
                if let Some(date) = &self.options.if_modified_since {
                    builder = builder.header(header::IF_MODIFIED_SINCE, date);
                }
            }
            let wait = self
                .options
                .connect_timeout
                .saturating_add(self.options.read_timeout);
            let response = match tokio::time::timeout(wait, builder.send()).await {
                Err(_) => {
                    return Err(HttpError::Timeout {
                        reference: reference.clone(),
                        what: "waiting for the response",
                        after: wait,
                    });
                }
                Ok(Err(e)) => return Err(classify(e, reference, &url, self.options)),
                Ok(Ok(response)) => response,
            };
            let status = response.status().as_u16();
            if request.body.is_none()
                && !request.delete
                && matches!(status, 301 | 302 | 303 | 307 | 308)
            {
                let next = location(response.headers(), &url).ok_or_else(|| {
                    HttpError::UnexpectedStatus {
                        reference: reference.clone(),
                        status,
                    }
                })?;
                let shown = self.shown(&next);
                if !matches!(next.scheme(), "http" | "https") {
                    return Err(HttpError::InvalidUrl {
                        reference: reference.clone(),
                        reason: format!("redirected to {shown}, which is not http(s)"),
                    });
                }
                if url.scheme() == "https" && next.scheme() == "http" {
                    return Err(HttpError::InsecureRedirect {
                        reference: reference.clone(),
                        to: shown,
                    });
                }
                redirects += 1;
                if redirects > self.max_redirects {
                    return Err(HttpError::TooManyRedirects {
                        reference: reference.clone(),
                        limit: self.max_redirects,
                        last: shown,
                    });
                }
                url = next;
                continue;
            }
            return Ok((response, url));
        }
    }

    /// Sends the request and reads the body of the final response, whatever
    /// its status (within the size limit and read timeout).
    pub async fn exchange(&self) -> Result<RawResponse, HttpError> {
        let (response, url) = self.send().await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = self.read_body(response).await?;
        Ok(RawResponse {
            status,
            headers,
            body,
            final_url: self.shown(&url),
            secrets: self.secrets().into_iter().cloned().collect(),
        })
    }

    /// Sends the request and maps the status: 2xx is content (304 for a
    /// conditional request), anything else a typed error.
    pub async fn run(&self) -> Result<HttpResponse, HttpError> {
        {
            let (response, url) = self.send().await?;
            let status = response.status().as_u16();
            let final_url = self.shown(&url);
            let etag = self.header_text(response.headers(), header::ETAG);
            let last_modified = self.header_text(response.headers(), header::LAST_MODIFIED);
            let content_type = self.header_text(response.headers(), header::CONTENT_TYPE);
            // A 304 is believed only from where the validators were sent.
            if status == 304 && self.options.is_conditional() && self.validates(&url) {
                return Ok(HttpResponse {
                    bytes: HashedBytes::new(bytes::Bytes::new()),
                    status,
                    final_url,
                    etag: etag.or_else(|| self.options.if_none_match.clone()),
                    last_modified: last_modified.or_else(|| self.options.if_modified_since.clone()),
                    content_type,
                    not_modified: true,
                });
            }
            if (200..300).contains(&status) {
                let bytes = self.read_body(response).await?;
                return Ok(HttpResponse {
                    bytes,
                    status,
                    final_url,
                    etag,
                    last_modified,
                    content_type,
                    not_modified: false,
                });
            }
            Err(self.status_error(response).await)
        }
    }

    async fn read_body(&self, mut response: reqwest::Response) -> Result<HashedBytes, HttpError> {
        let reference = &self.request.reference;
        let limit = self.options.max_size;
        let too_large = |size| HttpError::TooLarge {
            reference: reference.clone(),
            limit,
            size,
        };
        // Without decompression, reqwest reports the declared length here.
        let declared = response.content_length();
        if let Some(size) = declared
            && size > limit
        {
            return Err(too_large(Some(size)));
        }
        // The declared length is only a hint: never pre-allocate more than a
        // little of it (a server may lie, and the body may be compressed).
        let mut body = LimitedBody::named(reference, limit, declared);
        loop {
            let chunk = tokio::time::timeout(self.options.read_timeout, response.chunk()).await;
            match chunk {
                Err(_) => {
                    return Err(HttpError::Timeout {
                        reference: reference.clone(),
                        what: "reading the body",
                        after: self.options.read_timeout,
                    });
                }
                Ok(Err(e)) => {
                    return Err(HttpError::Truncated {
                        reference: reference.clone(),
                        received: body.len() as u64,
                        reason: chain(&e),
                    });
                }
                // Hashed chunk by chunk as it arrived: no second pass over the body.
                Ok(Ok(None)) => return Ok(body.finish_hashed()),
                Ok(Ok(Some(chunk))) => {
                    body.push(&chunk).map_err(|_| too_large(None))?;
                    if let Some(progress) = &self.options.on_progress {
                        progress.report(body.len() as u64, declared);
                    }
                }
            }
        }
    }

    async fn status_error(&self, mut response: reqwest::Response) -> HttpError {
        let reference = self.request.reference.clone();
        let status = response.status().as_u16();
        let retry_after = retry_after(response.headers());
        // Read past the excerpt by the longest secret form, scrub, then cut:
        // a secret crossing the cut is found whole, not shown in part.
        let secrets: Vec<&str> = self.secrets().into_iter().map(Secret::expose).collect();
        let read = ERROR_BODY_PREFIX + drydock_core::text::scrub_margin(&secrets);
        let mut prefix = Vec::new();
        while prefix.len() < read {
            match tokio::time::timeout(self.options.read_timeout, response.chunk()).await {
                Ok(Ok(Some(chunk))) => prefix.extend_from_slice(&chunk),
                _ => break,
            }
        }
        prefix.truncate(read);
        let text = String::from_utf8_lossy(&prefix);
        let body = drydock_core::text::safe_excerpt(&text, &secrets, ERROR_BODY_PREFIX);
        match status {
            404 | 410 => HttpError::NotFound { reference, status },
            401 | 403 => HttpError::Unauthorized {
                reference,
                status,
                body,
            },
            429 | 500..=599 => HttpError::ServerError {
                reference,
                status,
                body,
                retry_after,
            },
            400..=499 => HttpError::ClientError {
                reference,
                status,
                body,
            },
            _ => HttpError::UnexpectedStatus { reference, status },
        }
    }

    /// Every secret of this request: its credentials and secret query values.
    fn secrets(&self) -> Vec<&Secret> {
        let mut all: Vec<&Secret> = self.request.query_secrets.iter().collect();
        all.extend(self.request.body_secrets.iter());
        if let Some(auth) = self.auth {
            all.extend(auth.secrets.iter());
            all.push(&auth.value);
        }
        all
    }

    /// Text a server sent, made safe to show: every secret of the request
    /// removed in any encoding, control characters escaped.
    pub fn scrub(&self, text: &str) -> String {
        let secrets: Vec<&str> = self.secrets().into_iter().map(Secret::expose).collect();
        let scrubbed = drydock_core::text::scrub_secrets(text, &secrets);
        drydock_core::text::escape_control(&scrubbed).into_owned()
    }

    /// True when the validators belong to `url`: it is where they came from
    /// ([`FetchOptions::validated_at`]; without one, the request's own URL).
    /// A redirect elsewhere gets no condition, and its 304 is not believed.
    fn validates(&self, url: &Url) -> bool {
        match &self.options.validated_at {
            Some(at) => *at == self.shown(url),
            None => *url == self.request.url,
        }
    }

    /// A URL the server named (a redirect target), made safe to show and store.
    fn shown(&self, url: &Url) -> String {
        self.scrub(&drydock_core::redact_url(url))
    }

    /// A response header, made safe to show and store.
    fn header_text(&self, headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| self.scrub(v))
    }
}

fn location(headers: &HeaderMap, base: &Url) -> Option<Url> {
    let value = headers.get(header::LOCATION)?.to_str().ok()?;
    base.join(value).ok()
}

/// `Retry-After` as seconds or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Maps a reqwest error (URL stripped) to a typed one.
fn classify(err: reqwest::Error, reference: &str, url: &Url, options: &FetchOptions) -> HttpError {
    let err = err.without_url();
    let host = url.host_str().unwrap_or("").to_owned();
    if let Some(tls) = crate::tls::explain(&err, &host, reference) {
        return tls;
    }
    if err.is_timeout() {
        let (what, after) = if err.is_connect() {
            ("connecting", options.connect_timeout)
        } else {
            ("waiting for the response", options.read_timeout)
        };
        return HttpError::Timeout {
            reference: reference.to_owned(),
            what,
            after,
        };
    }
    HttpError::Connect {
        reference: reference.to_owned(),
        reason: chain(&err),
    }
}

/// An error and its sources on one line.
pub(crate) fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut current = err.source();
    while let Some(e) = current {
        let text = e.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        current = e.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        let later = std::time::SystemTime::now() + Duration::from_secs(120);
        h.insert(
            header::RETRY_AFTER,
            httpdate::fmt_http_date(later).parse().unwrap(),
        );
        let got = retry_after(&h).unwrap();
        assert!(
            got > Duration::from_secs(100) && got <= Duration::from_secs(120),
            "{got:?}"
        );
        h.insert(header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }
}
