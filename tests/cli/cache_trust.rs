//! The store-shared cache as a service may trust it, through the real
//! binary: validators go only where they came from, stored bytes are
//! verified on every read, and confinement comes before any lookup.

use std::path::Path;
use std::process::Output;

use drydock_fixtures::sitegen::{SiteSpec, deckhand};
use drydock_fixtures::{HttpFixture, Route};

use crate::common::{printed, run};

pub(crate) fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

pub(crate) fn sqlite(home: &Path) -> String {
    format!("sqlite://{}", home.join("cache.db").display())
}

pub(crate) fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Replaces every `from` by `to` (the same length) in the files of the
/// SQLite store at `home/cache.db`: a row edited behind the store's back.
pub(crate) fn edit_store(home: &Path, from: &[u8], to: &[u8]) -> usize {
    assert_eq!(from.len(), to.len());
    let mut edits = 0;
    for suffix in ["", "-wal"] {
        let path = home.join(format!("cache.db{suffix}"));
        let Ok(mut bytes) = std::fs::read(&path) else {
            continue;
        };
        let mut at = 0;
        while let Some(i) = bytes[at..].windows(from.len()).position(|w| w == from) {
            bytes[at + i..at + i + to.len()].copy_from_slice(to);
            at += i + to.len();
            edits += 1;
        }
        std::fs::write(&path, bytes).unwrap();
    }
    edits
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_validator_is_sent_only_to_the_url_it_came_from() {
    let home = tempfile::tempdir().unwrap();
    let server = HttpFixture::start().await.unwrap();
    let old = deckhand(&SiteSpec::new(3));
    let new = deckhand(&SiteSpec::new(4));
    server.route("/old.yaml", Route::content(old.clone()));
    server.route("/site.yaml", Route::redirect(302, "/old.yaml"));
    let url = server.url("/site.yaml").to_string();
    let store = sqlite(home.path());
    let resolve = || args(&["resolve", &url, "--store", &store, "--json"]);
    let first = run(resolve(), home.path(), vec![]).await;
    assert_eq!(
        json(&first)["fetch"]["cache"],
        "miss",
        "{}",
        printed(&first)
    );
    // The redirect now leads elsewhere, and the new target answers 304 to
    // the old target's validator.
    let old_etag = format!("\"{}\"", drydock::Digest::of(old.as_bytes()).hex());
    server.route(
        "/new.yaml",
        Route::Content {
            body: new.clone().into(),
            etag: old_etag,
            headers: Vec::new(),
        },
    );
    server.route("/site.yaml", Route::redirect(302, "/new.yaml"));
    let second = run(resolve(), home.path(), vec![]).await;
    let v = json(&second);
    assert_eq!(v["fetch"]["cache"], "miss", "{v}");
    assert_eq!(
        v["fetch"]["digest"],
        drydock::Digest::of(new.as_bytes()).to_string(),
        "the new target's content, not the old design: {v}"
    );
    for request in server.requests() {
        if request.path_only() == "/new.yaml" {
            assert!(request.header("if-none-match").is_none(), "{request:?}");
            assert!(request.header("if-modified-since").is_none(), "{request:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_row_whose_bytes_were_edited_is_never_served() {
    let home = tempfile::tempdir().unwrap();
    let site = format!("{}# marker-AAAAAAAAAAAAAAAA\n", deckhand(&SiteSpec::new(3)));
    std::fs::write(home.path().join("site.yaml"), &site).unwrap();
    let digest = drydock::Digest::of(site.as_bytes()).to_string();
    let store = sqlite(home.path());
    let first = run(
        args(&["resolve", "./site.yaml", "--store", &store, "--json"]),
        home.path(),
        vec![],
    )
    .await;
    let v = json(&first);
    assert_eq!(v["fetch"]["cache"], "miss", "{v}");
    let id = v["snapshot"]["snapshot_id"].as_str().unwrap().to_owned();
    let edits = edit_store(
        home.path(),
        b"marker-AAAAAAAAAAAAAAAA",
        b"marker-BBBBBBBBBBBBBBBB",
    );
    assert!(edits > 0, "the stored bytes were found and edited");

    // Reading the row back refuses it.
    let show = run(
        args(&["snapshots", "show", &id, "--content", "--store", &store]),
        home.path(),
        vec![],
    )
    .await;
    assert!(!show.status.success(), "{}", printed(&show));
    assert!(
        !printed(&show).contains("marker-BBBB"),
        "{}",
        printed(&show)
    );
    assert!(printed(&show).contains("corrupt"), "{}", printed(&show));

    // A pinned resolve is no hit of the edited row; neither is revalidation.
    for extra in [vec!["--expect-digest", digest.as_str()], vec![]] {
        let mut list = vec!["resolve", "./site.yaml", "--store", &store, "--json"];
        list.extend(extra);
        let out = run(args(&list), home.path(), vec![]).await;
        let v = json(&out);
        assert_eq!(v["fetch"]["cache"], "miss", "{v}");
        assert_eq!(v["fetch"]["digest"], digest, "{v}");
        assert!(printed(&out).contains("corrupt"), "{}", printed(&out));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_path_outside_the_allowed_roots_is_refused_before_the_cache() {
    let home = tempfile::tempdir().unwrap();
    let inside = home.path().join("inside");
    let outside = home.path().join("outside");
    std::fs::create_dir_all(&inside).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    let site = deckhand(&SiteSpec::new(3));
    let path = outside.join("site.yaml");
    std::fs::write(&path, &site).unwrap();
    let digest = drydock::Digest::of(site.as_bytes()).to_string();
    let store = sqlite(home.path());
    let path = path.display().to_string();
    let stored = run(
        args(&["resolve", &path, "--store", &store, "--json"]),
        home.path(),
        vec![],
    )
    .await;
    assert_eq!(json(&stored)["fetch"]["cache"], "miss");
    let root = inside.display().to_string();
    // Pinned (a hit by digest) and within a TTL (a hit by reference).
    for (extra, envs) in [
        (vec!["--expect-digest", digest.as_str()], vec![]),
        (
            vec![],
            vec![("DRYDOCK__CACHE__TTL".to_owned(), "1h".to_owned())],
        ),
    ] {
        let mut list = vec!["resolve", &path, "--store", &store, "--allow-root", &root];
        list.extend(extra);
        let out = run(args(&list), home.path(), envs).await;
        assert_eq!(out.status.code(), Some(2), "{}", printed(&out));
        assert!(printed(&out).contains("outside"), "{}", printed(&out));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parameter_that_only_looks_secret_stays_in_the_cache_key() {
    let home = tempfile::tempdir().unwrap();
    let server = HttpFixture::start().await.unwrap();
    let v1 = deckhand(&SiteSpec::new(3));
    let v2 = deckhand(&SiteSpec::new(4));
    server.route(
        "/obj",
        Route::Sequence(vec![Route::content(v1.clone()), Route::content(v2.clone())]),
    );
    let store = sqlite(home.path());
    let ttl = || vec![("DRYDOCK__CACHE__TTL".to_owned(), "1h".to_owned())];
    let resolve = |name: &str| {
        let url = format!("{}?key={name}", server.url("/obj"));
        args(&["resolve", &url, "--store", &store, "--json"])
    };
    let first = run(resolve("v1.yaml"), home.path(), ttl()).await;
    assert_eq!(
        json(&first)["fetch"]["cache"],
        "miss",
        "{}",
        printed(&first)
    );
    let second = run(resolve("v2.yaml"), home.path(), ttl()).await;
    let v = json(&second);
    assert_eq!(
        v["fetch"]["cache"], "miss",
        "another object, not a hit of the first"
    );
    assert_eq!(
        v["fetch"]["digest"],
        drydock::Digest::of(v2.as_bytes()).to_string()
    );
    assert!(
        v["reference"].as_str().unwrap().ends_with("?key=v2.yaml"),
        "no credential, so not shown as ***: {}",
        v["reference"]
    );
    assert_eq!(server.hits("/obj"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_one_caller_fetched_with_credentials_is_served_only_to_the_same() {
    let home = tempfile::tempdir().unwrap();
    let server = HttpFixture::start().await.unwrap();
    let site = deckhand(&SiteSpec::new(3));
    server.route(
        "/x.yaml",
        Route::basic("alice", "pw1", Route::content(site)),
    );
    let store = sqlite(home.path());
    let ttl = || vec![("DRYDOCK__CACHE__TTL".to_owned(), "1h".to_owned())];
    let at = |userinfo: &str| {
        let url = server.url("/x.yaml");
        let url = format!("http://{userinfo}127.0.0.1:{}/x.yaml", url.port().unwrap());
        args(&["resolve", &url, "--store", &store, "--json"])
    };
    let first = run(at("alice:pw1@"), home.path(), ttl()).await;
    assert_eq!(
        json(&first)["fetch"]["cache"],
        "miss",
        "{}",
        printed(&first)
    );
    // The same identity within the TTL: a hit, no request.
    let again = run(at("alice:pw1@"), home.path(), ttl()).await;
    assert_eq!(json(&again)["fetch"]["cache"], "hit", "{}", printed(&again));
    assert_eq!(server.hits("/x.yaml"), 1);
    // No credentials, or others: the source is asked, and refuses.
    for other in ["", "alice:wrong@", "bob:pw1@"] {
        let out = run(at(other), home.path(), ttl()).await;
        assert!(!out.status.success(), "{other}: {}", printed(&out));
    }
    assert_eq!(
        server.hits("/x.yaml"),
        4,
        "each other caller was revalidated"
    );
}
