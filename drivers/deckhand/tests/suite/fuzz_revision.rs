//! Property tests of the Deckhand revision parser ([`Target::parse`]): any
//! reference ends in a target or a typed error, never a panic; the error's
//! text carries no secret and no control character; a target's documents
//! URL, read back as a reference, names the same revision (round trip).
//! The seed corpus `fixtures/fuzz/references.json` is replayed first.
//!
//! Bounded for CI: 64 cases per property unless `PROPTEST_CASES` says more.

use drydock_core::DesignRef;
use drydock_core::text::is_unsafe_char;
use drydock_driver_deckhand::{MAX_REVISION_ID, Revision, Target};
use proptest::prelude::*;

/// The properties of one reference; `secret` must never be shown.
fn check(input: &str, secret: Option<&str>) -> Result<(), TestCaseError> {
    let Ok(reference) = DesignRef::parse(input) else {
        return Ok(()); // The reference parser's own properties are core's.
    };
    match Target::parse(&reference) {
        Ok(Target::Deckhand(target)) => {
            let url = &target.transport_url;
            prop_assert!(matches!(url.scheme(), "http" | "https"), "{url}");
            prop_assert!(
                url.username().is_empty() && url.password().is_none(),
                "{url}"
            );
            prop_assert!(url.fragment().is_none(), "{url}");
            if let Revision::Id(id) = target.revision {
                prop_assert!((1..=MAX_REVISION_ID).contains(&id), "{id}");
                // Round trip: the request, as a reference, names the same thing.
                let again = format!("deckhand+{}", target.documents_url(id));
                let again = DesignRef::parse(&again).expect("a documents URL parses");
                let Ok(Target::Deckhand(back)) = Target::parse(&again) else {
                    return Err(TestCaseError::fail(format!("{again} does not parse back")));
                };
                prop_assert_eq!(back.revision, target.revision);
                prop_assert_eq!(back.documents, target.documents);
                prop_assert_eq!(&back.base, &target.base);
                prop_assert_eq!(&back.query, &target.query);
            }
        }
        Ok(Target::Passthrough(url)) => {
            prop_assert!(matches!(url.scheme(), "http" | "https"), "{url}");
        }
        Ok(other) => return Err(TestCaseError::fail(format!("a new target: {other:?}"))),
        Err(err) => {
            let shown = format!("{err}");
            prop_assert!(!shown.chars().any(is_unsafe_char), "{shown:?}");
            if let Some(secret) = secret {
                prop_assert!(!shown.contains(secret), "{secret:?} shown: {shown}");
                prop_assert!(!format!("{err:?}").contains(secret), "{err:?}");
            }
        }
    }
    Ok(())
}

#[test]
fn the_seed_corpus_ends_in_targets_or_typed_errors() {
    for input in &drydock_fixtures::fuzz::reference_corpus() {
        // Each entry as written, and under the Deckhand scheme.
        let rest = input.split_once("://").map_or(input.as_str(), |(_, r)| r);
        for candidate in [input.clone(), format!("deckhand+http://{rest}")] {
            check(&candidate, None).unwrap_or_else(|e| panic!("{candidate:?}: {e}"));
        }
    }
}

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("revisions".to_owned()),
        Just("rendered-documents".to_owned()),
        Just("documents".to_owned()),
        Just("latest".to_owned()),
        Just("api".to_owned()),
        Just("v1.0".to_owned()),
        Just(String::new()),
        "[+-]?[0-9]{1,12}",
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "[a-zA-Z0-9%._~+-]{1,10}",
    ]
}

proptest! {
    #![proptest_config(drydock_fixtures::fuzz::config("proptest-regressions/fuzz_revision.txt", 64))]

    #[test]
    fn any_deckhand_path_is_a_target_or_a_typed_error(
        scheme in prop::sample::select(vec!["deckhand+http", "deckhand+https", "promenade+http"]),
        segments in prop::collection::vec(segment(), 0..6),
        slash in any::<bool>(),
        query in prop::option::of("[a-z.]{1,8}=[a-z0-9%]{0,8}(&[a-z.]{1,8}=[a-z0-9]{0,8}){0,2}"),
        fragment in prop::option::of("[a-z]{0,6}"),
    ) {
        let mut input = format!("{scheme}://deckhand.example:9000/{}", segments.join("/"));
        if slash {
            input.push('/');
        }
        if let Some(q) = query {
            input.push('?');
            input.push_str(&q);
        }
        if let Some(f) = fragment {
            input.push('#');
            input.push_str(&f);
        }
        check(&input, None)?;
    }

    #[test]
    fn credentials_in_a_deckhand_reference_are_never_shown(
        secret in "[A-Za-z][A-Za-z0-9]{5,12}",
        in_query in any::<bool>(),
        revision in "[0-9a-z-]{1,10}",
    ) {
        let input = if in_query {
            format!("deckhand+https://h:8443/api/v1.0/revisions/{revision}?token={secret}")
        } else {
            format!("deckhand+https://svc:{secret}@h:8443/api/v1.0/revisions/{revision}")
        };
        prop_assume!(!revision.contains(&secret));
        check(&input, Some(&secret))?;
    }
}
