//! Redaction: what never appears when a reference or URL is shown.
//!
//! The userinfo password, values of secret-named query parameters, and any
//! query value that itself holds a URL or query carrying a secret (a token
//! nested in `?next=…`) are replaced by `***`.

use percent_encoding::percent_decode_str;
use url::Url;

/// What replaces a secret in every printed form of a reference.
pub const REDACTED: &str = "***";

/// Words that make a query key secret wherever they appear in it
/// (`sslpassword`, `x_api_token`, `client_secret`).
const SECRET_QUERY_SUBSTRINGS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "credential",
    "apikey",
    "sessionid",
];

/// Words that make a query key secret only as a whole word of it (`auth`,
/// `X-Amz-Signature`, `sig`: but `author`, `keyboard` and `monkey` are not).
const SECRET_QUERY_WORDS: &[&str] = &[
    "pwd",
    "auth",
    "authorization",
    "signature",
    "sig",
    "session",
];

/// Words that make a following `key` a credential (`api_key`, `accessKey`,
/// `secret-key`); `key` alone names a resource as often as a credential
/// (`?key=v1.yaml`) and is not one.
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "access",
    "secret",
    "private",
    "client",
    "sas",
    "signing",
    "subscription",
    "master",
    "account",
    "auth",
];

/// Values that are flags, never credentials (`cleartext-secrets=true`).
const FLAGS: &[&str] = &["true", "false", "yes", "no", "on", "off"];

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Whether a query key names a secret: one of its words (split at
/// non-alphanumerics and lower-to-upper case changes) is a secret word.
pub fn is_secret_key(key: &str) -> bool {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in key.chars() {
        if !c.is_ascii_alphanumeric() {
            previous_lower = false;
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    let whole = key.to_ascii_lowercase();
    let qualified_key = words
        .windows(2)
        .any(|w| w[1] == "key" && KEY_QUALIFIERS.contains(&w[0].as_str()));
    SECRET_QUERY_SUBSTRINGS.iter().any(|s| whole.contains(s))
        || qualified_key
        || words
            .iter()
            .any(|w| SECRET_QUERY_WORDS.contains(&w.as_str()))
}

/// Keys of a credentials section (`keystone`) that hold no secret; every
/// other key of it, however spelt (`pasword`, `tokn`), is taken for one.
const CREDENTIAL_SECTION_PLAIN_KEYS: &[&str] = &[
    "auth_url",
    "auth_type",
    "username",
    "user_id",
    "user_domain_name",
    "user_domain_id",
    "project_name",
    "project_id",
    "project_domain_name",
    "project_domain_id",
    "interface",
    "region_name",
    "cloud",
    "refresh_before",
];

/// Whether a configuration key at `path` (dotted, `drivers.deckhand.keystone.password`)
/// may hold a secret: a secret-named key, or any key of a credentials
/// section (`keystone`, `credentials`) other than its known plain ones.
pub fn is_secret_config_path(path: &str) -> bool {
    let keys: Vec<&str> = path.split('.').filter(|k| !k.is_empty()).collect();
    let Some((last, parents)) = keys.split_last() else {
        return false;
    };
    let in_credentials = parents
        .iter()
        .any(|k| matches!(*k, "keystone" | "credentials" | "auth"));
    let names_where = ["_env", "_file", "_path", "_dir"]
        .iter()
        .any(|s| last.ends_with(s));
    if names_where {
        return false;
    }
    if in_credentials {
        return !CREDENTIAL_SECTION_PLAIN_KEYS.contains(last);
    }
    is_secret_key(last)
}

/// A configuration error's reason: `path: message`, the message without
/// the value it quotes when the key may hold a secret (`invalid type:
/// integer, expected a string`, never the number).
pub fn config_error_reason(path: &str, message: &str) -> String {
    let message = if is_secret_config_path(path) {
        without_quoted_values(message)
    } else {
        message.to_owned()
    };
    if path.is_empty() || path == "." {
        message
    } else {
        format!("{path}: {message}")
    }
}

/// `message` without its back-quoted values (serde's `invalid type: integer
/// `123`, …`); an unknown-field message quotes only key names and is kept.
fn without_quoted_values(message: &str) -> String {
    if message.starts_with("unknown field") || message.starts_with("missing field") {
        return message.to_owned();
    }
    let mut out = String::with_capacity(message.len());
    let mut inside = false;
    for c in message.chars() {
        if c == '`' {
            inside = !inside;
            continue;
        }
        if !inside {
            out.push(c);
        }
    }
    out.replace("  ", " ").replace(" ,", ",")
}

/// Whether the query pair `key=value` is a credential: its key names a
/// secret ([`is_secret_key`]) and its value is not a flag. Only credentials
/// are shown as `***` and left out of a reference's cache key: every other
/// parameter names the resource (`cleartext-secrets=true` is another
/// rendering of a Deckhand revision, `key=v2.yaml` another object).
pub fn is_credential(key: &str, value: &str) -> bool {
    let flag = FLAGS.iter().any(|f| value.eq_ignore_ascii_case(f));
    is_secret_key(key) && !flag
}

/// Redacts a parsed URL: the userinfo password and secret-looking query values.
pub fn redact_url(url: &Url) -> String {
    let mut out = url.clone();
    if out.password().is_some() {
        // Fails only for URLs that cannot carry credentials, which then have none.
        let _ = out.set_password(Some(REDACTED));
    }
    if let Some(query) = url.query() {
        out.set_query(Some(&redact_query(query)));
    }
    out.to_string()
}

fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) if is_credential(&decode(key), &decode(value)) => {
                format!("{key}={REDACTED}")
            }
            Some((key, value)) if nests_a_secret(value) => format!("{key}={REDACTED}"),
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// `query` without the pairs [`redact_url`] would redact (secret-named keys,
/// values nesting a secret) or has redacted (value `***`); `None` when
/// nothing is left.
pub(crate) fn strip_query(query: &str) -> Option<String> {
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| match pair.split_once('=') {
            Some((key, value)) => {
                !is_credential(&decode(key), &decode(value))
                    && !nests_a_secret(value)
                    && value != REDACTED
            }
            None => !is_secret_key(&decode(pair)),
        })
        .collect();
    (!kept.is_empty()).then(|| kept.join("&"))
}

/// The values of `query` that redaction hides, in every form a server may
/// echo them: as written, percent-decoded (once and again), and each secret
/// nested in them (`next=%2Fx%3Ftoken%3Dabc` gives the whole value, its
/// decoded `/x?token=abc`, and `abc`). For scrubbing what a server sends
/// back ([`crate::text::scrub_secrets`]).
///
/// ```
/// let found = drydock_core::query_secrets("rev=2&token=t0k&next=%2Fx%3Fapi_key%3Dk3y");
/// assert!(found.contains(&"t0k".to_owned()) && found.contains(&"k3y".to_owned()));
/// assert!(!found.iter().any(|s| s == "2"));
/// ```
pub fn query_secrets(query: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for pair in query.split('&') {
        let Some((key, value)) = pair.split_once('=') else {
            continue;
        };
        if value.is_empty()
            || !(is_credential(&decode(key), &decode(value)) || nests_a_secret(value))
        {
            continue;
        }
        let mut text = value.to_owned();
        for _ in 0..4 {
            out.push(text.clone());
            for (k, v) in text
                .split(['?', '&', ';'])
                .filter_map(|p| p.split_once('='))
            {
                if !v.is_empty() && is_credential(&decode(k), &decode(v)) {
                    out.push(v.to_owned());
                    out.push(decode(&v.replace('+', " ")));
                }
            }
            let decoded = decode(&text.replace('+', " "));
            if decoded == text {
                break;
            }
            text = decoded;
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether a query value, decoded (once or twice), is itself a URL or a
/// query that carries a secret: a password in userinfo or a secret-named
/// parameter (`?next=%2Fsite%3Ftoken%3Dabc`).
fn nests_a_secret(value: &str) -> bool {
    let mut text = value.replace('+', " ");
    for _ in 0..4 {
        // Every `?` may start a query nested deeper (`/a?next=/b?token=x`).
        let secret_pair = text.split(['?', '&', ';']).any(|pair| {
            pair.split_once('=')
                .is_some_and(|(k, v)| !v.is_empty() && is_credential(&decode(k), &decode(v)))
        });
        let userinfo = text
            .split_once("://")
            .and_then(|(_, rest)| rest.split('/').next())
            .is_some_and(|authority| authority.contains('@') && authority.contains(':'));
        if secret_pair || userinfo {
            return true;
        }
        let decoded = decode(&text);
        if decoded == text {
            return false;
        }
        text = decoded;
    }
    false
}

/// Redacts a string that may not parse as a URL: any `user:password@` userinfo
/// and secret-looking query values. Used in errors about unparseable input and
/// wherever a stored reference is shown.
///
/// A string that parses as a URL is redacted as [`redact_url`] does. One that
/// does not may hold a password with a raw `/`, `?` or `#` (which is why it
/// failed): the userinfo is then taken to end at the *last* `@`, so that no
/// part of such a password is shown (`https://u:pa/ss@h` → `https://u:***@h`).
///
/// ```
/// use drydock_core::redact_str;
/// assert_eq!(redact_str("https://u:pa/ss?w@h:99999/x"), "https://u:***@h:99999/x");
/// assert_eq!(redact_str("https://h/x?token=abc"), "https://h/x?token=***");
/// ```
pub fn redact_str(input: &str) -> String {
    if input.contains("://")
        && let Ok(url) = Url::parse(input)
    {
        return redact_url(&url);
    }
    let (scheme, rest) = match input.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, input),
    };
    let mut out = String::with_capacity(input.len());
    let mut rest = rest;
    if let Some(scheme) = scheme {
        out.push_str(scheme);
        out.push_str("://");
        if let Some(at) = rest.rfind('@')
            && let Some((user, _)) = rest[..at].split_once(':')
            && !user.contains(['/', '?', '#'])
        {
            out.push_str(user);
            out.push(':');
            out.push_str(REDACTED);
            out.push('@');
            rest = &rest[at + 1..];
        }
    }
    match rest.split_once('?') {
        Some((before, query)) => {
            out.push_str(before);
            out.push('?');
            out.push_str(&redact_query(query));
        }
        None => out.push_str(rest),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DesignRef;

    #[test]
    fn secret_keys_are_whole_words() {
        for secret in [
            "token",
            "api_token",
            "X-Auth-Token",
            "accessKey",
            "Password",
            "sig",
            "client_secret",
            "api_key",
            "x-api-key",
            "secret-key",
        ] {
            assert!(is_secret_key(secret), "{secret}");
        }
        assert!(!is_secret_key("key"));
        assert!(!is_credential("cleartext-secrets", "true"));
        assert!(is_credential("token", "t0k"));
        for plain in [
            "author",
            "keyboard",
            "monkey",
            "rev",
            "schema",
            "status.bucket",
            "design_ref",
        ] {
            assert!(!is_secret_key(plain), "{plain}");
        }
        let r = DesignRef::parse("https://h/x?author=alice&api_token=abc").unwrap();
        assert_eq!(r.redacted(), "https://h/x?author=alice&api_token=***");
    }

    #[test]
    fn any_key_of_a_credentials_section_is_secret_whatever_its_spelling() {
        for secret in [
            "drivers.deckhand.keystone.pasword",
            "drivers.http.keystone.tokn",
            "drivers.deckhand.token",
        ] {
            assert!(is_secret_config_path(secret), "{secret}");
        }
        for plain in [
            "drivers.deckhand.keystone.auth_url",
            "drivers.http.keystone.username",
            "drivers.http.bearer_token_env",
            "fetch.timeout",
        ] {
            assert!(!is_secret_config_path(plain), "{plain}");
        }
        let reason = config_error_reason(
            "drivers.deckhand.keystone.password",
            "invalid type: integer `87654321`, expected a string",
        );
        assert_eq!(
            reason,
            "drivers.deckhand.keystone.password: invalid type: integer, expected a string"
        );
    }

    #[test]
    fn redact_str_handles_userinfo_without_password() {
        assert_eq!(redact_str("https://user@h/x"), "https://user@h/x");
        assert_eq!(redact_str("x://u:p@h"), "x://u:***@h");
    }

    #[test]
    fn redact_str_hides_a_password_holding_slash_question_mark_or_hash() {
        for (input, shown) in [
            (
                "https://admin:pa/ss1@h:99999/x",
                "https://admin:***@h:99999/x",
            ),
            ("https://admin:pa?ss1@h st/x", "https://admin:***@h st/x"),
            ("https://admin:pa#ss1@h st/x", "https://admin:***@h st/x"),
            (
                "deckhand+http://u:se/cret@h:1/x y",
                "deckhand+http://u:***@h:1/x y",
            ),
            ("https://h st/x?token=pa/ss1", "https://h st/x?token=***"),
        ] {
            assert_eq!(redact_str(input), shown, "{input}");
        }
        // Parseable URLs: as redact_url, so an `@` in a query is no userinfo.
        assert_eq!(
            redact_str("https://h:8443/x?mail=a@b"),
            "https://h:8443/x?mail=a@b"
        );
        assert_eq!(redact_str("https://u:p%2Fq@h/x"), "https://u:***@h/x");
    }

    #[test]
    fn a_secret_nested_in_another_parameter_is_redacted() {
        for url in [
            "https://h/login?next=%2Fsite.yaml%3Ftoken%3Dabc123",
            "https://h/login?next=%252Fsite.yaml%253Ftoken%253Dabc123",
            "https://h/go?to=https%3A%2F%2Fu%3Apw%40other%2Fx",
            "https://h/go?state=a%3D1%26password%3Dabc123",
            "https://h/login?next=/x?token=abc123",
            "https://h/login?next=%2Fa%3Fnext%3D%252Fb%253Ftoken%253Dabc123",
        ] {
            let shown = redact_url(&Url::parse(url).unwrap());
            assert!(
                !shown.contains("abc123") && !shown.contains("pw%40"),
                "{url} -> {shown}"
            );
            assert!(shown.contains("=***"), "{shown}");
        }
        let plain = "https://h/x?next=%2Fsite.yaml%3Frev%3D2&author=bob";
        assert_eq!(redact_url(&Url::parse(plain).unwrap()), plain);
    }
}
