//! [`DesignRef`]: a parsed design reference whose printed forms never show secrets.

use std::fmt;
use std::str::FromStr;

use percent_encoding::percent_decode_str;
use url::Url;

use crate::error::{Error, Result};
use crate::redact::{redact_str, redact_url};

/// A design reference: a URI whose scheme picks a driver.
///
/// Compound schemes such as `deckhand+https` stay whole ([`DesignRef::scheme`]);
/// the part after the last `+` is the transport ([`DesignRef::transport_scheme`]).
/// `Display` and `Debug` replace the userinfo password and secret-looking query
/// values with `***`; only [`DesignRef::url`] and [`DesignRef::password`] reveal them.
///
/// ```
/// use drydock_core::DesignRef;
/// let r: DesignRef = "deckhand+https://user:pw@deckhand:8443/rev/7?token=abc".parse().unwrap();
/// assert_eq!(r.scheme(), "deckhand+https");
/// assert_eq!(r.transport_scheme(), "https");
/// assert_eq!(r.to_string(), "deckhand+https://user:***@deckhand:8443/rev/7?token=***");
/// assert_eq!(r.password().as_deref(), Some("pw"));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DesignRef {
    url: Url,
    redacted: String,
}

impl DesignRef {
    /// Parses a reference; the error names the input with its secrets redacted.
    pub fn parse(input: &str) -> Result<Self> {
        // Shown as typed, less its secrets and with control characters
        // escaped: an error's text is one safe line wherever it goes.
        let invalid = |reason: String| Error::InvalidReference {
            input: crate::text::escape_control(&redact_str(input)).into_owned(),
            reason,
        };
        if input.trim().is_empty() {
            return Err(invalid("the reference is empty".into()));
        }
        if input.trim() != input {
            return Err(invalid(
                "the reference has leading or trailing white space".into(),
            ));
        }
        let url = Url::parse(input).map_err(|e| match e {
            url::ParseError::RelativeUrlWithoutBase => invalid(
                "it has no scheme; write it as a URI such as file:///abs/path/site.yaml".into(),
            ),
            other => invalid(other.to_string()),
        })?;
        // `file:etc/x` would silently become `file:///etc/x`: insist on `scheme://`.
        let after_scheme = input.split_once(':').map_or("", |(_, rest)| rest);
        if !after_scheme.starts_with("//") {
            return Err(invalid(format!(
                "it lacks `//` after `{scheme}:`; write it as {scheme}://host/path, e.g. file:///abs/path/site.yaml",
                scheme = url.scheme()
            )));
        }
        let redacted = redact_url(&url);
        Ok(DesignRef { url, redacted })
    }

    /// The full scheme, e.g. `file`, `https` or `deckhand+https` (lower case).
    pub fn scheme(&self) -> &str {
        self.url.scheme()
    }

    /// The transport part of a compound scheme (`https` for `deckhand+https`);
    /// the scheme itself when it is not compound.
    pub fn transport_scheme(&self) -> &str {
        let scheme = self.url.scheme();
        scheme.rsplit('+').next().unwrap_or(scheme)
    }

    /// The URL with the compound prefix stripped (`deckhand+https://h/x` → `https://h/x`).
    pub fn transport_url(&self) -> Result<Url> {
        let scheme = self.url.scheme();
        let transport = self.transport_scheme();
        if transport == scheme {
            return Ok(self.url.clone());
        }
        let rest = &self.url.as_str()[scheme.len()..];
        Url::parse(&format!("{transport}{rest}")).map_err(|e| Error::InvalidReference {
            input: self.redacted.clone(),
            reason: format!("not a valid {transport} URL once the scheme prefix is stripped: {e}"),
        })
    }

    /// The parsed URL, credentials included: hand it to a transport, never print it.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The host, if any (IPv6 addresses in brackets).
    pub fn host(&self) -> Option<String> {
        self.url.host().map(|h| h.to_string())
    }

    /// The percent-decoded user name of the userinfo, if any.
    pub fn username(&self) -> Option<String> {
        let user = self.url.username();
        (!user.is_empty()).then(|| decode(user))
    }

    /// The percent-decoded password of the userinfo, if any. Never print it.
    pub fn password(&self) -> Option<String> {
        self.url.password().map(decode)
    }

    /// The percent-decoded path.
    pub fn decoded_path(&self) -> String {
        decode(self.url.path())
    }

    /// The reference with secrets replaced by `***` (same as `Display`).
    pub fn redacted(&self) -> &str {
        &self.redacted
    }

    /// The reference without its secrets, to keep where it outlives the
    /// request (a task's `design_ref`): the userinfo password and the query
    /// parameters [`DesignRef::redacted`] would hide are removed, not masked,
    /// so the result is still a usable reference; whoever fetches it brings
    /// its own credentials (a token, Keystone). The user name, path, other
    /// parameters and fragment stay as given.
    ///
    /// ```
    /// use drydock_core::DesignRef;
    /// let r = DesignRef::parse("https://ops:pw@h/site.yaml?rev=2&token=abc").unwrap();
    /// assert_eq!(r.without_secrets(), "https://ops@h/site.yaml?rev=2");
    /// ```
    pub fn without_secrets(&self) -> String {
        let mut url = self.url.clone();
        // Fails only for URLs that cannot carry credentials, which then have none.
        let _ = url.set_password(None);
        if let Some(query) = self.url.query() {
            url.set_query(crate::redact::strip_query(query).as_deref());
        }
        url.to_string()
    }

    /// The key that names the same design whatever credentials reach it: the
    /// normalised URL (scheme and host in lower case, `.` and `..` segments
    /// resolved, default port dropped) without userinfo, fragment, or the
    /// query parameters redaction hides (a secret-named key, a value nesting
    /// a secret, a value already redacted to `***`); every other parameter is
    /// kept byte for byte, in order. Used to store and to look up snapshots,
    /// so it never holds a secret, and the redacted form has the same key.
    ///
    /// ```
    /// use drydock_core::DesignRef;
    /// let a = DesignRef::parse("HTTPS://alice:pw@Designs.Example:443/a/./site.yaml?rev=2&token=x").unwrap();
    /// let b = DesignRef::parse("https://designs.example/a/site.yaml?rev=2&token=y").unwrap();
    /// assert_eq!(a.canonical_key(), "https://designs.example/a/site.yaml?rev=2");
    /// assert_eq!(a.canonical_key(), b.canonical_key());
    /// let c = DesignRef::parse("https://designs.example/a/site.yaml?author=bob").unwrap();
    /// assert_eq!(c.canonical_key(), "https://designs.example/a/site.yaml?author=bob");
    /// ```
    pub fn canonical_key(&self) -> String {
        let mut url = self.url.clone();
        // Special schemes (http, https, file) have their host lower-cased by the
        // URL parser already; compound ones (deckhand+https) keep it as written.
        if let Some(host) = self.url.host_str()
            && host.bytes().any(|b| b.is_ascii_uppercase())
        {
            let _ = url.set_host(Some(&host.to_ascii_lowercase()));
        }
        // Both fail only for URLs that cannot carry userinfo, which then have none.
        let _ = url.set_username("");
        let _ = url.set_password(None);
        url.set_fragment(None);
        if let Some(query) = self.url.query() {
            url.set_query(crate::redact::strip_query(query).as_deref());
        }
        url.to_string()
    }
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

impl FromStr for DesignRef {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        DesignRef::parse(s)
    }
}

impl fmt::Display for DesignRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted)
    }
}

impl fmt::Debug for DesignRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DesignRef").field(&self.redacted).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compound_scheme_stays_whole_and_transport_is_inner() {
        let r = DesignRef::parse("deckhand+http://deckhand:9000/api/v1.0/revisions/3").unwrap();
        assert_eq!(r.scheme(), "deckhand+http");
        assert_eq!(r.transport_scheme(), "http");
        assert_eq!(
            r.transport_url().unwrap().as_str(),
            "http://deckhand:9000/api/v1.0/revisions/3"
        );
        let plain = DesignRef::parse("file:///etc/site.yaml").unwrap();
        assert_eq!(plain.transport_scheme(), "file");
    }

    #[test]
    fn scheme_is_case_insensitive() {
        let r = DesignRef::parse("Deckhand+HTTPS://h/1").unwrap();
        assert_eq!(r.scheme(), "deckhand+https");
    }

    #[test]
    fn ipv6_hosts_parse_with_brackets() {
        let r = DesignRef::parse("https://[::1]:8443/site.yaml").unwrap();
        assert_eq!(r.host().as_deref(), Some("[::1]"));
        let r = DesignRef::parse("deckhand+https://[fe80::1]:9000/e50b4d74").unwrap();
        assert_eq!(r.host().as_deref(), Some("[fe80::1]"));
        assert_eq!(r.transport_url().unwrap().port(), Some(9000));
    }

    #[test]
    fn percent_encoding_is_decoded() {
        let r = DesignRef::parse("file:///tmp/my%20site/d%C3%A9sign.yaml").unwrap();
        assert_eq!(r.decoded_path(), "/tmp/my site/désign.yaml");
        let r = DesignRef::parse("https://us%40er:p%3Ass@h/x").unwrap();
        assert_eq!(r.username().as_deref(), Some("us@er"));
        assert_eq!(r.password().as_deref(), Some("p:ss"));
        assert!(!r.to_string().contains("p%3Ass"));
    }

    #[test]
    fn display_and_debug_redact_password_and_secret_query() {
        let r =
            DesignRef::parse("https://admin:hunter2@h/x?rev=3&api_token=abc&Password=x").unwrap();
        for shown in [r.to_string(), format!("{r:?}")] {
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(!shown.contains("abc"), "{shown}");
            assert!(shown.contains("admin:***@"), "{shown}");
            assert!(shown.contains("rev=3"), "{shown}");
            assert!(shown.contains("api_token=***"), "{shown}");
            assert!(shown.contains("Password=***"), "{shown}");
        }
        assert_eq!(r.url().password(), Some("hunter2"));
    }

    #[test]
    fn parse_errors_redact_the_input() {
        for bad in [
            "https://admin:hunter2@[::1/x",
            "https://admin:hunter2@ho st/x",
            "nouri?token=hunter2",
            "https://admin:hunter2@h:99999/x",
        ] {
            let err = DesignRef::parse(bad).unwrap_err();
            let shown = format!("{err} {err:?}");
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(matches!(err, Error::InvalidReference { .. }), "{shown}");
        }
    }

    #[test]
    fn empty_and_schemeless_inputs_are_invalid() {
        for bad in ["", "  ", "/etc/site.yaml", " file:///x"] {
            assert!(matches!(
                DesignRef::parse(bad),
                Err(Error::InvalidReference { .. })
            ));
        }
        let err = DesignRef::parse("site.yaml").unwrap_err().to_string();
        assert!(err.contains("no scheme"), "{err}");
        let err = DesignRef::parse("file:etc/site.yaml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("lacks `//`"), "{err}");
        assert!(DesignRef::parse("mailto:a@b").is_err());
    }

    #[test]
    fn without_secrets_removes_what_redaction_hides() {
        let strip = |s: &str| DesignRef::parse(s).unwrap().without_secrets();
        assert_eq!(strip("https://u:p@h/x?token=1#frag"), "https://u@h/x#frag");
        assert_eq!(
            strip("https://h/x?next=%2Fy%3Ftoken%3Dabc&rev=2"),
            "https://h/x?rev=2"
        );
        assert_eq!(strip("file:///srv/site.yaml"), "file:///srv/site.yaml");
        let kept = strip("deckhand+http://svc:pw@h:9000/revisions/7?status.bucket=a");
        assert_eq!(
            kept,
            "deckhand+http://svc@h:9000/revisions/7?status.bucket=a"
        );
        assert_eq!(DesignRef::parse(&kept).unwrap().without_secrets(), kept);
    }

    #[test]
    fn canonical_key_keeps_references_apart_and_drops_credentials() {
        let key = |s: &str| DesignRef::parse(s).unwrap().canonical_key();
        assert_ne!(
            key("https://h/x?author=alice"),
            key("https://h/x?author=bob")
        );
        assert_eq!(key("https://u:p@h/x?token=1#frag"), "https://h/x");
        assert_eq!(key("FILE:///a/b/../site.yaml"), "file:///a/site.yaml");
        assert_eq!(
            key(
                "deckhand+http://h:9000/api/v1.0/revisions/5/rendered-documents?status.bucket=a&status.bucket=b"
            ),
            "deckhand+http://h:9000/api/v1.0/revisions/5/rendered-documents?status.bucket=a&status.bucket=b"
        );
        assert_eq!(
            key("https://h/x?rev=1&password=a&b=2"),
            "https://h/x?rev=1&b=2"
        );
        // Only credentials are left out: a parameter whose name merely
        // looks secret names the resource.
        assert_ne!(
            key("https://h/x?key=v1.yaml"),
            key("https://h/x?key=v2.yaml")
        );
        let rendered = "deckhand+http://h/api/v1.0/revisions/5/rendered-documents";
        assert_ne!(
            key(&format!("{rendered}?cleartext-secrets=true")),
            key(rendered)
        );
        assert_eq!(
            DesignRef::parse(&format!("{rendered}?cleartext-secrets=true"))
                .unwrap()
                .redacted(),
            format!("{rendered}?cleartext-secrets=true")
        );
        // A secret nested in another parameter is no part of the key, and the
        // redacted form (kept in the store) has the same key.
        let nested = "https://h/x?rev=1&next=%2Fy%3Ftoken%3Dabc123";
        assert_eq!(key(nested), "https://h/x?rev=1");
        assert_eq!(
            key(DesignRef::parse(nested).unwrap().redacted()),
            key(nested)
        );
        assert_eq!(
            key("Deckhand+HTTPS://Deckhand.Svc:8443/api/./7"),
            "deckhand+https://deckhand.svc:8443/api/7"
        );
    }
}
