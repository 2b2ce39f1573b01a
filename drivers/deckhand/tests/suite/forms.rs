//! Every reference form of DECKHAND.md's final table, against the fixtures:
//! the request sent (path and query byte for byte), or none at all.

use crate::common;

use common::{bare, design, fetch, layered, options, os_env, quick, site};
use drydock_core::ErrorKind;
use drydock_fixtures::deckhand::CannedRevision;

fn host(site: &common::Site) -> String {
    let url = site.deckhand.api_url();
    format!("{}:{}", url.host_str().unwrap(), url.port().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_form_sends_the_request_the_table_gives() {
    let site = site().await;
    let driver = layered(&bare(options(), &os_env(&site.keystone)), quick());
    let h = host(&site);
    let cases = [
        (
            format!("deckhand+http://{h}/api/v1.0/revisions/1/rendered-documents"),
            "/api/v1.0/revisions/1/rendered-documents",
            None,
        ),
        (
            format!(
                "deckhand+http://{h}/api/v1.0/revisions/1/rendered-documents?schema=drydock&status.bucket=site&status.bucket=b"
            ),
            "/api/v1.0/revisions/1/rendered-documents",
            Some("schema=drydock&status.bucket=site&status.bucket=b"),
        ),
        (
            format!("deckhand+http://{h}/api/v1.0/revisions/1/documents"),
            "/api/v1.0/revisions/1/documents",
            None,
        ),
        (
            format!("deckhand+http://{h}/api/v1.0/revisions/1"),
            "/api/v1.0/revisions/1/rendered-documents",
            None,
        ),
        (
            format!("deckhand+http://{h}/1"),
            "/api/v1.0/revisions/1/rendered-documents",
            None,
        ),
    ];
    for (reference, path, query) in cases {
        let before = site.deckhand.requests().len();
        let fetched = fetch(&driver, &reference)
            .await
            .unwrap_or_else(|e| panic!("{reference}: {e}"));
        assert_eq!(
            fetched.metadata.revision.as_deref(),
            Some("1"),
            "{reference}"
        );
        assert_eq!(fetched.metadata.driver, "deckhand");
        assert!(!fetched.bytes.is_empty());
        let sent: Vec<_> = site.deckhand.requests()[before..].to_vec();
        assert_eq!(sent.len(), 1, "{reference}: {sent:?}");
        assert_eq!(sent[0].path_only(), path, "{reference}");
        assert_eq!(sent[0].query(), query, "{reference}");
        assert!(
            sent[0].header("x-auth-token").is_some(),
            "{reference}: no token sent"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latest_lists_the_revisions_and_records_the_one_it_took() {
    let site = site().await;
    let second = CannedRevision::from_yaml("site", &design()).unwrap();
    assert_eq!(site.deckhand.add_revision(second), 2);
    let driver = layered(&bare(options(), &os_env(&site.keystone)), quick());
    let h = host(&site);
    for reference in [
        format!("deckhand+http://{h}/api/v1.0/revisions/latest/rendered-documents"),
        format!("deckhand+http://{h}/latest"),
    ] {
        let before = site.deckhand.requests().len();
        let fetched = fetch(&driver, &reference).await.unwrap();
        assert_eq!(
            fetched.metadata.revision.as_deref(),
            Some("2"),
            "{reference}"
        );
        let paths: Vec<String> = site.deckhand.requests()[before..]
            .iter()
            .map(|r| r.path_only().to_owned())
            .collect();
        assert_eq!(
            paths,
            [
                "/api/v1.0/revisions",
                "/api/v1.0/revisions/2/rendered-documents"
            ]
        );
    }
    // latest is never immutable; a numbered revision is.
    let d = bare(options(), &os_env(&site.keystone));
    use drydock_core::Driver as _;
    let parse = |s: String| drydock_core::DesignRef::parse(&s).unwrap();
    assert!(!d.immutable(&parse(format!("deckhand+http://{h}/latest"))));
    assert!(d.immutable(&parse(format!("deckhand+http://{h}/2"))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_forms_send_nothing_and_say_what_is_wrong() {
    let site = site().await;
    let driver = layered(&bare(options(), &os_env(&site.keystone)), quick());
    let h = host(&site);
    let cases = [
        (
            format!("deckhand+http://{h}/e50b4d74-9fab-11e7-b7cc-080027ef795a"),
            "integer",
        ),
        (
            format!("deckhand+http://user:hunter2@{h}/api/v1.0/revisions/1"),
            "Keystone",
        ),
        (
            format!("deckhand+http://{h}/api/v1.0/revisions/0/rendered-documents"),
            "0",
        ),
        (
            format!("deckhand+http://{h}/api/v1.0/revisions/-3/rendered-documents"),
            "-3",
        ),
        (
            format!("deckhand+http://{h}/api/v1.0/revisions/2147483648/rendered-documents"),
            "2147483648",
        ),
        (
            format!("deckhand+http://{h}/api/v1.0/revisions/1/rendered-documents/extra"),
            "extra",
        ),
    ];
    let before = site.deckhand.requests().len();
    for (reference, named) in cases {
        let err = fetch(&driver, &reference).await.unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::InvalidReference,
            "{reference}: {err}"
        );
        let shown = err.to_string();
        assert!(shown.contains(named), "{reference}: {shown}");
        assert!(!common::everything(&err).contains("hunter2"), "{shown}");
    }
    assert_eq!(
        site.deckhand.requests().len(),
        before,
        "a refused form sent a request"
    );
    assert_eq!(
        site.keystone.token_requests(),
        0,
        "a refused form authenticated"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn promenade_references_pass_through_with_the_same_token() {
    let site = site().await;
    let driver = layered(&bare(options(), &os_env(&site.keystone)), quick());
    let h = host(&site);
    let reference = format!(
        "promenade+http://{h}/api/v1.0/revisions/1/rendered-documents?design_ref=deckhand%2Bhttp%3A%2F%2Fx&labels.dynamic=k=v&labels.dynamic=a=b"
    );
    let fetched = fetch(&driver, &reference).await.unwrap();
    assert!(!fetched.bytes.is_empty());
    assert_eq!(fetched.metadata.revision, None);
    let last = site.deckhand.requests().pop().unwrap();
    assert_eq!(
        last.query(),
        Some("design_ref=deckhand%2Bhttp%3A%2F%2Fx&labels.dynamic=k=v&labels.dynamic=a=b")
    );
    assert!(last.header("x-auth-token").is_some());
}
