use super::*;
use drydock_core::ErrorKind;

fn target(reference: &str) -> DeckhandTarget {
    let parsed = DesignRef::parse(reference).expect("a valid URI");
    DeckhandTarget::parse(&parsed).unwrap_or_else(|e| panic!("{reference}: {e}"))
}

fn error(reference: &str) -> RevisionError {
    let parsed = DesignRef::parse(reference).expect("a valid URI");
    match Target::parse(&parsed) {
        Ok(t) => panic!("{reference} parsed as {t:?}"),
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::InvalidReference);
            e
        }
    }
}

// The specification's final table, row by row.

#[test]
fn full_rendered_documents_path_is_used_as_is() {
    let t = target("deckhand+http://h:9000/api/v1.0/revisions/5/rendered-documents");
    assert_eq!(
        t.transport_url.as_str(),
        "http://h:9000/api/v1.0/revisions/5/rendered-documents"
    );
    assert_eq!(t.revision, Revision::Id(5));
    assert_eq!(t.documents, Documents::Rendered);
    assert_eq!(t.base.as_str(), "http://h:9000/api/v1.0");
}

#[test]
fn query_is_copied_verbatim() {
    let t = target(
        "deckhand+http://h:9000/api/v1.0/revisions/5/rendered-documents?schema=drydock&status.bucket=a&status.bucket=b",
    );
    assert_eq!(
        t.transport_url.as_str(),
        "http://h:9000/api/v1.0/revisions/5/rendered-documents?schema=drydock&status.bucket=a&status.bucket=b"
    );
}

#[test]
fn documents_path_is_raw() {
    let t = target("deckhand+https://h:8443/api/v1.0/revisions/5/documents");
    assert_eq!(
        t.transport_url.as_str(),
        "https://h:8443/api/v1.0/revisions/5/documents"
    );
    assert_eq!(t.documents, Documents::Raw);
}

#[test]
fn bare_revision_path_gets_rendered_documents_appended() {
    let t = target("deckhand+https://h/api/v1.0/revisions/5");
    assert_eq!(
        t.transport_url.as_str(),
        "https://h/api/v1.0/revisions/5/rendered-documents"
    );
    assert_eq!(t.documents, Documents::Rendered);
}

#[test]
fn revision_after_the_host_gets_the_default_api_root() {
    let t = target("deckhand+https://h:8443/7");
    assert_eq!(
        t.transport_url.as_str(),
        "https://h:8443/api/v1.0/revisions/7/rendered-documents"
    );
    assert_eq!(t.base.as_str(), "https://h:8443/api/v1.0");
    assert_eq!(t.revision, Revision::Id(7));
}

#[test]
fn non_empty_base_before_a_bare_revision_is_kept() {
    let t = target("deckhand+http://h/deckhand/api/v1.0/12");
    assert_eq!(
        t.transport_url.as_str(),
        "http://h/deckhand/api/v1.0/revisions/12/rendered-documents"
    );
    assert_eq!(t.base.as_str(), "http://h/deckhand/api/v1.0");
}

#[test]
fn uuid_revision_is_refused_with_the_form_that_works() {
    let e = error("deckhand+https://h:8443/e50b4d74-9fab-11e7-b7cc-080027ef795a");
    let RevisionError::UuidRevision {
        revision,
        suggestion,
        ..
    } = &e
    else {
        panic!("{e:?}");
    };
    assert_eq!(revision, "e50b4d74-9fab-11e7-b7cc-080027ef795a");
    assert_eq!(
        suggestion,
        "deckhand+https://h:8443/api/v1.0/revisions/<N>/rendered-documents (e.g. <N> = 1)"
    );
    let shown = e.to_string();
    assert!(shown.contains("integers"), "{shown}");
    assert!(
        shown.contains("deckhand+https://h:8443/e50b4d74"),
        "{shown}"
    );
    // In the full form too, upper case too.
    let e = error("deckhand+http://h/api/v1.0/revisions/E50B4D74-9FAB-11E7-B7CC-080027EF795A");
    assert!(
        e.to_string()
            .contains("write it as deckhand+http://h/api/v1.0/revisions/<N>"),
        "{e}"
    );
}

#[test]
fn latest_in_either_position_lists_the_revisions_first() {
    for reference in [
        "deckhand+https://h/api/v1.0/revisions/latest/rendered-documents?schema=drydock",
        "deckhand+https://h/latest?schema=drydock",
    ] {
        let t = target(reference);
        assert_eq!(t.revision, Revision::Latest, "{reference}");
        assert_eq!(t.transport_url.as_str(), "https://h/api/v1.0/revisions");
        assert_eq!(
            t.documents_url(9).as_str(),
            "https://h/api/v1.0/revisions/9/rendered-documents?schema=drydock"
        );
    }
    let t = target("deckhand+https://h/api/v1.0/revisions/latest/documents");
    assert_eq!(t.documents, Documents::Raw);
    assert_eq!(
        t.documents_url(3).as_str(),
        "https://h/api/v1.0/revisions/3/documents"
    );
}

#[test]
fn userinfo_is_refused_without_echoing_it() {
    for reference in [
        "deckhand+https://drydock:s3cr3t@h/api/v1.0/revisions/5/rendered-documents",
        "deckhand+https://drydock@h/5",
        "promenade+http://drydock:s3cr3t@h/api/v1.0/join-scripts",
    ] {
        let e = error(reference);
        assert!(matches!(e, RevisionError::Credentials { .. }), "{e:?}");
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(!shown.contains("drydock@"), "{shown}");
        assert!(!shown.contains("drydock:"), "{shown}");
        assert!(shown.contains("Keystone"), "{shown}");
    }
}

// Query, fragment and slashes.

#[test]
fn query_keeps_order_repeats_encoding_and_equals_in_values() {
    let query =
        "labels.dynamic=k=v&b=2&b=1&a=%2Fx%20y&sort=metadata.name&a=&flag&q=a%2Bb+c&x=%E2%9C%93";
    let t = target(&format!("deckhand+http://h/api/v1.0/revisions/5?{query}"));
    assert_eq!(t.transport_url.query(), Some(query));
    assert_eq!(t.query.as_deref(), Some(query));
}

#[test]
fn fragment_is_dropped_and_no_trailing_slash_is_added() {
    let t = target("deckhand+http://h/api/v1.0/revisions/5/documents?a=1#frag");
    assert_eq!(
        t.transport_url.as_str(),
        "http://h/api/v1.0/revisions/5/documents?a=1"
    );
    let t = target("deckhand+http://h:9000/5");
    assert!(!t.transport_url.path().ends_with('/'));
    assert_eq!(
        t.revisions_url().as_str(),
        "http://h:9000/api/v1.0/revisions"
    );
}

#[test]
fn revisions_directly_under_the_host_keep_an_empty_base() {
    let t = target("deckhand+http://h/revisions/5/rendered-documents");
    assert_eq!(
        t.transport_url.as_str(),
        "http://h/revisions/5/rendered-documents"
    );
    assert_eq!(t.revisions_url().as_str(), "http://h/revisions");
}

#[test]
fn promenade_references_pass_through_unchanged() {
    let reference = "promenade+http://promenade-api:8080/api/v1.0/join-scripts?design_ref=deckhand%2Bhttp%3A%2F%2Fdeckhand-int%3A9000%2Fapi%2Fv1.0%2Frevisions%2F5%2Frendered-documents&hostname=n1&labels.dynamic=k=v&labels.dynamic=a=b#x";
    let parsed = DesignRef::parse(reference).unwrap();
    match Target::parse(&parsed).unwrap() {
        Target::Passthrough(url) => assert_eq!(
            url.as_str(),
            reference
                .trim_start_matches("promenade+")
                .trim_end_matches("#x")
        ),
        other => panic!("{other:?}"),
    }
    let err = DeckhandTarget::parse(&parsed).unwrap_err();
    assert!(
        matches!(err, RevisionError::UnsupportedScheme { .. }),
        "{err}"
    );
}

#[test]
fn deckhand_references_go_through_target_parse_too() {
    let parsed = DesignRef::parse("deckhand+https://h:8443/7").unwrap();
    assert!(
        matches!(Target::parse(&parsed), Ok(Target::Deckhand(t)) if t.revision == Revision::Id(7))
    );
}

// Every wrong revision names the part that is wrong.

fn invalid_revision(reference: &str, segment: &str, words: &str) {
    let e = error(reference);
    match &e {
        RevisionError::InvalidRevision { revision, .. } => assert_eq!(revision, segment),
        other => panic!("{reference}: {other:?}"),
    }
    let shown = e.to_string();
    assert!(shown.contains(&format!("`{segment}`")), "{shown}");
    assert!(shown.contains(words), "{shown}");
}

#[test]
fn zero_negative_signed_and_leading_zero_revisions_are_refused() {
    invalid_revision("deckhand+http://h/api/v1.0/revisions/0", "0", "is zero");
    invalid_revision("deckhand+http://h/000", "000", "is zero");
    invalid_revision("deckhand+http://h/-3", "-3", "is negative");
    invalid_revision(
        "deckhand+http://h/api/v1.0/revisions/+3/documents",
        "+3",
        "write the digits alone, e.g. `3`",
    );
    invalid_revision("deckhand+http://h/007", "007", "write `7`");
}

#[test]
fn revision_ids_above_2147483647_are_refused() {
    assert_eq!(
        target("deckhand+http://h/2147483647").revision,
        Revision::Id(MAX_REVISION_ID)
    );
    assert_eq!(target("deckhand+http://h/1").revision, Revision::Id(1));
    for too_big in ["2147483648", "4294967296", "99999999999999999999999"] {
        invalid_revision(
            &format!("deckhand+http://h/api/v1.0/revisions/{too_big}"),
            too_big,
            "is over 2147483647",
        );
    }
}

#[test]
fn words_and_mixed_segments_are_not_revisions() {
    for (reference, segment) in [
        ("deckhand+http://h/api/v1.0/revisions/five", "five"),
        ("deckhand+http://h/5a", "5a"),
        ("deckhand+http://h/api/v1.0/revisions/LATEST", "LATEST"),
        ("deckhand+http://h/api/v1.0/revisions/1.5", "1.5"),
        ("deckhand+http://h/api/v1.0/revisions/%35", "%35"),
        ("deckhand+http://h/--5", "--5"),
        ("deckhand+http://h/api/v1.0/revision", "revision"),
    ] {
        invalid_revision(reference, segment, "is not a revision ID");
    }
}

#[test]
fn extra_segments_are_named() {
    let e = error("deckhand+http://h/api/v1.0/revisions/5/rendered-documents/extra");
    assert_eq!(
        e,
        RevisionError::UnexpectedSegments {
            reference: "deckhand+http://h/api/v1.0/revisions/5/rendered-documents/extra".into(),
            after: "/api/v1.0/revisions/5/rendered-documents".into(),
            extra: "/extra".into(),
        }
    );
    let e = error("deckhand+http://h/api/v1.0/revisions/5/tags/x");
    let RevisionError::UnexpectedSegments { after, extra, .. } = &e else {
        panic!("{e:?}");
    };
    assert_eq!(
        (after.as_str(), extra.as_str()),
        ("/api/v1.0/revisions/5", "/tags/x")
    );
    assert!(e.to_string().contains("unexpected `/tags/x`"), "{e}");
}

#[test]
fn empty_and_missing_revisions_are_refused() {
    for reference in [
        "deckhand+http://h",
        "deckhand+http://h/",
        "deckhand+http://h/api/v1.0/revisions",
        "deckhand+http://h/api/v1.0/rendered-documents",
    ] {
        let e = error(reference);
        assert!(
            matches!(e, RevisionError::MissingRevision { .. }),
            "{reference}: {e:?}"
        );
    }
    let e = error("deckhand+http://h/api/v1.0/rendered-documents");
    assert!(
        e.to_string()
            .contains("`/rendered-documents` has no `/revisions/<N>`"),
        "{e}"
    );
}

#[test]
fn trailing_slash_and_empty_segments_are_refused() {
    for reference in [
        "deckhand+http://h/api/v1.0/revisions/5/",
        "deckhand+http://h/api/v1.0/revisions/5/rendered-documents/",
        "deckhand+http://h/7/",
    ] {
        let e = error(reference);
        assert!(matches!(e, RevisionError::TrailingSlash { .. }), "{e:?}");
        assert!(e.to_string().contains("404"), "{e}");
    }
    let e = error("deckhand+http://h/api//v1.0/revisions/5");
    assert!(matches!(e, RevisionError::EmptySegment { .. }), "{e:?}");
}

#[test]
fn other_schemes_and_hostless_references_are_refused() {
    let e = error("https://h/api/v1.0/revisions/5");
    assert!(
        matches!(&e, RevisionError::UnsupportedScheme { scheme, .. } if scheme == "https"),
        "{e:?}"
    );
    let e = error("deckhand+http:///api/v1.0/revisions/5");
    assert!(matches!(e, RevisionError::NoHost { .. }), "{e:?}");
}

#[test]
fn messages_redact_secret_query_values() {
    let e = error("deckhand+http://h/api/v1.0/revisions/x?token=hunter2");
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("token=***"), "{shown}");
    assert_eq!(
        e.reference(),
        "deckhand+http://h/api/v1.0/revisions/x?token=***"
    );
}

#[test]
fn apostrophe_is_the_one_query_byte_an_http_url_must_encode() {
    // The URL standard encodes `'` in http(s) queries; `query` keeps it as written.
    let t = target("deckhand+http://h/5?metadata.name=o'brien");
    assert_eq!(t.query.as_deref(), Some("metadata.name=o'brien"));
    assert_eq!(t.transport_url.query(), Some("metadata.name=o%27brien"));
}
