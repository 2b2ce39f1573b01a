//! `-v`: readable step lines on stderr (what is fetched, ingested,
//! validated, stored, each with its duration), never a raw span dump, and
//! never a secret: the URL's password, a query token and the bearer token
//! are looked for in every form (raw, percent-encoded, base64).

use crate::common::{Secrets, printed, run};
use drydock_fixtures::sitegen::{SiteSpec, deckhand};
use drydock_fixtures::{HttpFixture, Route};

const PASSWORD: &str = "Pa55-verbose-pw";
const QUERY_TOKEN: &str = "QueryT0k-verbose";
const BEARER: &str = "T0k3n-verbose-bearer";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verbose_lines_are_steps_and_hold_no_secret() {
    let home = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}", home.path().join("s.db").display());
    let server = HttpFixture::start().await.unwrap();
    server.put("/site.yaml", deckhand(&SiteSpec::new(3)));
    server.route("/500.yaml", Route::Echo { status: 500 });
    let port = server.base_url().port().unwrap();
    let at = |path: &str| {
        format!("http://ops:{PASSWORD}@127.0.0.1:{port}{path}?token={QUERY_TOKEN}&rev=1")
    };
    let env = vec![("DRYDOCK_TOKEN".to_owned(), BEARER.to_owned())];
    let secrets = Secrets::new(&[PASSWORD, QUERY_TOKEN, BEARER], &[("ops", PASSWORD)]);
    let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();

    let site = at("/site.yaml");
    let out = run(
        args(&["-v", "resolve", &site, "--store", &store]),
        home.path(),
        env.clone(),
    )
    .await;
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        printed(&out)
    );
    secrets.assert_not_printed("-v resolve --store", &out);
    let log = String::from_utf8_lossy(&out.stderr).into_owned();
    let lines: Vec<&str> = log.lines().collect();
    let starts = |prefix: &str| {
        lines
            .iter()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line starting `{prefix}` in:\n{log}"))
    };
    let fetching = starts("fetching http://ops:***@127.0.0.1:");
    assert!(fetching.ends_with(" with the http driver"), "{fetching}");
    assert!(starts("fetched ").contains(" KiB ("), "{log}");
    assert!(starts("ingesting ").ends_with(" with deckhand"), "{log}");
    assert!(starts("validated: ").contains(" errors, "), "{log}");
    let stored = starts("stored snapshot ");
    assert!(stored.contains(&format!(" in {store} (")), "{stored}");
    for line in &lines {
        assert!(
            !line.contains("time.busy") && !line.contains('{') && !line.contains(" INFO "),
            "a raw span line: {line}"
        );
    }

    // A retry is a readable line too, its error redacted; and without -v
    // there are no step lines at all.
    let failing = at("/500.yaml");
    let out = run(
        args(&["-vv", "resolve", &failing, "--attempts", "2"]),
        home.path(),
        env.clone(),
    )
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", printed(&out));
    secrets.assert_not_printed("-vv resolve of a 500", &out);
    let log = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        log.lines()
            .any(|l| l.starts_with("retrying (reference=http://ops:***@")),
        "{log}"
    );
    let out = run(args(&["resolve", &site]), home.path(), env).await;
    assert!(!printed(&out).contains("fetching "), "{}", printed(&out));
}
