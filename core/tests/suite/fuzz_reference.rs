//! Property tests of design references (`DesignRef`) and redaction: any
//! input ends in a reference or a typed error, never a panic; the error's
//! text carries no secret from the input and no control character; the
//! round trips hold (canonical key, redaction, secret removal). The seed
//! corpus `fixtures/fuzz/references.json` is replayed first.
//!
//! Bounded for CI: 64 cases per property unless `PROPTEST_CASES` says more.

use drydock_core::text::is_unsafe_char;
use drydock_core::{DesignRef, Error, redact_str};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

fn config() -> ProptestConfig {
    let mut config = ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/fuzz_reference.txt",
        ))),
        ..ProptestConfig::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 64;
    }
    config
}

fn corpus() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/fuzz/references.json"
    );
    let text = std::fs::read_to_string(path).expect("the seed corpus is committed");
    serde_json::from_str(&text).expect("the seed corpus is a JSON array of strings")
}

/// Every property that holds for any input string.
fn check_any(input: &str) -> Result<(), TestCaseError> {
    match DesignRef::parse(input) {
        Ok(reference) => check_parsed(&reference)?,
        Err(err) => {
            prop_assert!(
                matches!(err, Error::InvalidReference { .. }),
                "not typed: {err:?}"
            );
            let shown = err.to_string();
            prop_assert!(!shown.chars().any(is_unsafe_char), "{shown:?}");
        }
    }
    // Redaction of any string is idempotent (once the redacted form, which
    // may now parse, is normalised as a URL).
    let twice = redact_str(&redact_str(input));
    prop_assert_eq!(redact_str(&twice), twice.clone(), "input {:?}", input);
    Ok(())
}

/// The round trips of a reference that parsed.
fn check_parsed(reference: &DesignRef) -> Result<(), TestCaseError> {
    let shown = reference.to_string();
    prop_assert!(!shown.chars().any(is_unsafe_char), "{shown:?}");
    // Redaction is idempotent: the redacted form parses and redacts to itself.
    let again = DesignRef::parse(reference.redacted()).expect("a redacted reference parses");
    prop_assert_eq!(again.redacted(), reference.redacted());
    // The canonical key is a reference whose key is itself.
    let key = reference.canonical_key();
    let keyed = DesignRef::parse(&key).expect("a canonical key parses");
    prop_assert_eq!(keyed.canonical_key(), key.clone());
    prop_assert!(keyed.password().is_none(), "{key}");
    // Without secrets: no password, nothing left to redact, idempotent.
    let bare = reference.without_secrets();
    let stripped = DesignRef::parse(&bare).expect("a reference without secrets parses");
    prop_assert!(stripped.password().is_none(), "{bare}");
    prop_assert_eq!(stripped.redacted(), bare.as_str());
    prop_assert_eq!(stripped.without_secrets(), bare.clone());
    prop_assert_eq!(stripped.canonical_key(), key);
    Ok(())
}

/// A secret: starts with a letter (so no prefix of it reads as a port), may
/// hold the characters that break a URL (`/ ? # @ : %` and space).
fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z][A-Za-z0-9/?#@:% +=._~-]{5,16}"
}

fn scheme() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "https",
        "http",
        "deckhand+https",
        "deckhand+http",
        "promenade+http",
        "file",
        "s3",
    ])
}

fn percent(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Asserts that nothing shown of `input` (its error, or its redacted form)
/// holds `secret`, raw or percent-encoded.
fn check_hidden(input: &str, secret: &str) -> Result<(), TestCaseError> {
    let shown = match DesignRef::parse(input) {
        Ok(reference) => format!("{reference} {reference:?}"),
        Err(err) => format!("{err} {err:?}"),
    };
    for form in [secret.to_owned(), percent(secret)] {
        prop_assert!(!shown.contains(&form), "{form:?} shown: {shown}");
    }
    Ok(())
}

#[test]
fn the_seed_corpus_ends_in_references_or_typed_errors() {
    for input in corpus() {
        check_any(&input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_string_is_a_reference_or_a_typed_error(input in any::<String>()) {
        check_any(&input)?;
    }

    #[test]
    fn any_uri_like_string_is_a_reference_or_a_typed_error(
        scheme in scheme(),
        rest in "[ -~\u{0}-\u{1f}\u{80}-\u{9f}\u{202e}é]{0,60}",
    ) {
        check_any(&format!("{scheme}://{rest}"))?;
    }

    #[test]
    fn a_userinfo_password_is_never_shown(
        scheme in scheme(),
        secret in secret(),
        encode in any::<bool>(),
        port in prop::option::of(0u32..70000),
        path in "(/[a-z0-9 .]{0,8}){0,3}",
    ) {
        let password = if encode { percent(&secret) } else { secret.clone() };
        let port = port.map(|p| format!(":{p}")).unwrap_or_default();
        let input = format!("{scheme}://ops:{password}@designs.example{port}{path}");
        prop_assume!(!format!("{scheme}://ops:@designs.example{port}{path}").contains(&secret));
        check_hidden(&input, &secret)?;
        check_any(&input)?;
    }

    #[test]
    fn a_secret_query_value_is_never_shown_even_nested(
        scheme in scheme(),
        key in prop::sample::select(vec!["token", "api_key", "X-Auth-Token", "password", "sig"]),
        secret in "[A-Za-z][A-Za-z0-9/?@:%+=._~-]{5,16}",
        nest in 0usize..3,
    ) {
        // The secret as `key=secret`, then nested that many times as an
        // encoded query of a `next=` parameter.
        let mut value = format!("{key}={}", percent(&secret));
        for _ in 0..nest {
            value = format!("next={}", percent(&format!("/site.yaml?{value}")));
        }
        let input = format!("{scheme}://designs.example/site.yaml?rev=2&{value}");
        prop_assume!(!input.replace(&percent(&secret), "").contains(&secret));
        check_hidden(&input, &secret)?;
        check_any(&input)?;
    }
}
