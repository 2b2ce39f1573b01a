//! The resolver over the real http driver and a loopback server: what the
//! caller sees when a source keeps failing until the deadline.

use std::time::{Duration, Instant};

use drydock::{ErrorKind, FetchOptions, ResolveOptions, Resolver};
use drydock_fixtures::{HttpFixture, Route};

#[tokio::test(flavor = "multi_thread")]
async fn a_source_that_always_answers_503_ends_in_the_last_error_with_attempts() {
    let server = HttpFixture::start().await.expect("fixture server");
    server.route("/site.yaml", Route::status_with_body(503, "maintenance"));
    let mut url = server.url("/site.yaml");
    url.set_username("ops").expect("userinfo");
    url.set_password(Some("hunter2")).expect("userinfo");

    let deadline = Duration::from_secs(2);
    let options =
        ResolveOptions::default().with_fetch(FetchOptions::default().with_deadline(deadline));
    let started = Instant::now();
    let err = Resolver::new()
        .resolve(url.as_str(), &options)
        .await
        .expect_err("a 503 is never content");
    let took = started.elapsed();

    assert!(
        took < deadline + Duration::from_millis(500),
        "took {took:?}"
    );
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert!(err.is_retryable());
    let text = err.to_string();
    assert!(text.contains("503"), "{text}");
    assert!(text.contains("attempt"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
    assert!(server.hits("/site.yaml") >= 2, "retried");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_served_design_resolves_and_ingests() {
    let server = HttpFixture::start().await.expect("fixture server");
    let site = drydock_fixtures::sitegen::deckhand(&drydock_fixtures::sitegen::SiteSpec::new(30));
    server.put("/site.yaml", site.clone());
    let resolved = Resolver::new()
        .resolve(
            server.url("/site.yaml").as_str(),
            &ResolveOptions::default(),
        )
        .await
        .expect("resolves");
    assert_eq!(resolved.fetched.bytes.len(), site.len());
    assert_eq!(
        resolved.fetched.metadata.digest,
        drydock::Digest::of(site.as_bytes())
    );
    assert_eq!(resolved.ingested.summary.ingester, "deckhand");
    assert!(
        resolved.ingested.report.is_success(),
        "{:?}",
        resolved.ingested.report
    );
    assert_eq!(resolved.ingested.design.baremetal_nodes.len(), 30);
}
