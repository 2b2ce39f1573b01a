//! Deckhand's answers mapped to clear errors: each with Deckhand's own
//! message (sanitised, bounded), retried only where it can help.

use crate::common;

use std::time::Duration;

use common::{
    bare, everything, fetch, fetch_opts, fetch_with, layered, options, os_env, quick, site,
};
use drydock_core::{Error, ErrorKind};
use drydock_fixtures::deckhand::{CannedRevision, DeckhandFault, RevisionFlaw};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_revision_no_policy_and_validation_failures_name_what_is_wrong() {
    let site = site().await;
    let driver = layered(&bare(options(), &os_env(&site.keystone)), quick());
    let err = fetch(&driver, &site.deckhand.reference(99))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(
        err.to_string().contains("no revision 99")
            && err.to_string().contains("revision=99 was not found"),
        "{err}"
    );

    let design = common::design();
    let flawed = |flaw| {
        CannedRevision::from_yaml("site", &design)
            .unwrap()
            .with_flaw(flaw)
    };
    let no_policy = site
        .deckhand
        .add_revision(flawed(RevisionFlaw::NoLayeringPolicy));
    let err = fetch(&driver, &site.deckhand.reference(no_policy))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Rejected);
    assert!(
        err.to_string().contains("no layering policy") && err.to_string().contains("409"),
        "{err}"
    );

    let invalid = site
        .deckhand
        .add_revision(flawed(RevisionFlaw::FailsValidation));
    let err = fetch(&driver, &site.deckhand.reference(invalid))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Rejected);
    assert!(
        err.to_string().contains("400") && err.to_string().contains("D002"),
        "{err}"
    );

    let insane = site
        .deckhand
        .add_revision(flawed(RevisionFlaw::FailsSanityCheck));
    let before = site
        .deckhand
        .hits(&format!("/api/v1.0/revisions/{insane}/rendered-documents"));
    let err = fetch(&driver, &site.deckhand.reference(insane))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("InvalidDocumentFormat") && err.to_string().contains("D001"),
        "{err}"
    );
    assert!(!err.is_retryable());
    let after = site
        .deckhand
        .hits(&format!("/api/v1.0/revisions/{insane}/rendered-documents"));
    assert_eq!(
        after - before,
        1,
        "a permanent 500 is not retried, whatever retry: true says"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_failures_are_retried_and_permanent_ones_are_not() {
    let site = site().await;
    let driver = layered(&bare(options(), &os_env(&site.keystone)), quick());
    let reference = site.deckhand.reference(1);
    let path = "/api/v1.0/revisions/1/rendered-documents";

    site.deckhand
        .set_fault(Some(DeckhandFault::FailThenRecover { failures: 2 }));
    let hits = site.deckhand.hits(path);
    fetch(&driver, &reference).await.expect("recovers");
    assert_eq!(site.deckhand.hits(path) - hits, 3);

    for fault in [DeckhandFault::BadGateway, DeckhandFault::ServiceUnavailable] {
        site.deckhand.set_fault(Some(fault.clone()));
        let hits = site.deckhand.hits(path);
        let err = fetch(&driver, &reference).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unavailable, "{fault:?}: {err}");
        assert_eq!(
            site.deckhand.hits(path) - hits,
            4,
            "{fault:?}: retried to the cap"
        );
    }
    for fault in [
        DeckhandFault::DataError,
        DeckhandFault::InvalidDocumentFormat,
        DeckhandFault::BadRequest,
        DeckhandFault::Conflict,
        DeckhandFault::NotFound,
    ] {
        site.deckhand.set_fault(Some(fault.clone()));
        let hits = site.deckhand.hits(path);
        let err = fetch(&driver, &reference).await.unwrap_err();
        assert!(!err.is_retryable(), "{fault:?}: {err}");
        assert_eq!(
            site.deckhand.hits(path) - hits,
            1,
            "{fault:?} is not retried"
        );
    }
    site.deckhand.set_fault(None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_that_are_not_documents_are_refused_clearly() {
    let site = site().await;
    let driver = layered(&bare(options(), &os_env(&site.keystone)), quick());
    let reference = site.deckhand.reference(1);
    site.deckhand.set_fault(Some(DeckhandFault::EmptyOk));
    let err = fetch(&driver, &reference).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(
        err.to_string().contains("holds no matching documents"),
        "{err}"
    );
    for fault in [DeckhandFault::HtmlOk, DeckhandFault::WrongContentType] {
        site.deckhand.set_fault(Some(fault.clone()));
        let err = fetch(&driver, &reference).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Rejected, "{fault:?}: {err}");
        assert!(
            err.to_string().contains("not Deckhand's YAML"),
            "{fault:?}: {err}"
        );
    }
    site.deckhand
        .set_fault(Some(DeckhandFault::Oversize { bytes: 3 << 20 }));
    let err = fetch_with(&driver, &reference, &fetch_opts().with_max_size(1 << 20))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::TooLarge { .. }), "{err:?}");
    site.deckhand
        .set_fault(Some(DeckhandFault::StallBeforeHeaders));
    let started = std::time::Instant::now();
    let err = fetch_with(
        &driver,
        &reference,
        &fetch_opts().with_deadline(Duration::from_millis(500)),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DeadlineExceeded, "{err}");
    assert!(started.elapsed() < Duration::from_secs(2));
    site.deckhand.set_fault(Some(DeckhandFault::TruncatedBody));
    let err = fetch(&driver, &reference).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    site.deckhand.set_fault(None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deckhands_messages_cannot_spoof_the_terminal_or_leak_the_token() {
    let site = site().await;
    let driver = layered(&bare(options(), &os_env(&site.keystone)), quick());
    let err = fetch(
        &driver,
        &format!("{}?schema=x%1b%5b2J", site.deckhand.reference(1)),
    )
    .await
    .map(|_| ())
    .err();
    // Whatever the outcome, the error text (if any) is one line without ESC.
    if let Some(err) = err {
        let shown = err.to_string();
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\n'),
            "{shown:?}"
        );
    }
    site.deckhand
        .set_fault(Some(DeckhandFault::ServiceUnavailable));
    let err = fetch(&driver, &site.deckhand.reference(1))
        .await
        .unwrap_err();
    let all = everything(&err);
    assert!(!all.contains('\u{1b}') && !all.contains("\n<"), "{all:?}");
    site.deckhand.set_fault(None);
}
