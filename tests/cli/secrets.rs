//! Secrets in every channel, through the real binary: stdout, stderr, the
//! `-v`/`-vv` logs, `--json`, and the rows stored (the SQLite files read
//! byte for byte). Each secret is looked for raw, percent-encoded and as
//! base64 (alone and as `user:password` in an `Authorization` header),
//! against loopback servers that echo the request back and redirect with
//! tokens nested in query parameters.

use crate::common;

use common::{Secrets, printed, run};
use drydock_fixtures::sitegen::{SiteSpec, deckhand};
use drydock_fixtures::{HttpFixture, Route};

/// The userinfo password: `/` and `?` make it need percent-encoding.
const PASSWORD: &str = "Pa/ss?w0rd-1";
const PASSWORD_IN_URL: &str = "Pa%2Fss%3Fw0rd-1";
const QUERY_TOKEN: &str = "QueryT0k-abc";
const NESTED_KEY: &str = "NestedK3y-1";
const BEARER: &str = "T0k3n-Bearer-xyz";

fn secrets() -> Secrets {
    Secrets::new(
        &[PASSWORD, QUERY_TOKEN, NESTED_KEY, BEARER],
        &[("ops", PASSWORD)],
    )
}

/// The flag sets each reference is run with: every output channel.
fn variants(reference: &str, store: &str) -> Vec<Vec<String>> {
    let base = |extra: &[&str]| -> Vec<String> {
        extra
            .iter()
            .map(|s| s.to_string())
            .chain([reference.to_owned(), "--attempts".into(), "1".into()])
            .collect()
    };
    vec![
        base(&["resolve"]),
        base(&["resolve", "--json"]),
        base(&["-v", "resolve"]),
        base(&["-vv", "resolve", "--json"]),
        base(&["validate", "--json"]),
        base(&["-vv", "resolve", "--store", store]),
        base(&["resolve", "--store", store, "--json"]),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_echoing_the_request_back_gets_no_secret_printed_logged_or_stored() {
    let home = tempfile::tempdir().unwrap();
    let store_dir = home.path().join("store");
    std::fs::create_dir(&store_dir).unwrap();
    let store = format!("sqlite://{}", store_dir.join("s.db").display());
    let server = HttpFixture::start().await.unwrap();
    for (path, status) in [("/403.yaml", 403), ("/404.yaml", 404), ("/500.yaml", 500)] {
        server.route(path, Route::Echo { status });
    }
    let port = server.base_url().port().unwrap();
    let query = format!("token={QUERY_TOKEN}&rev=2&next=%2Fx%3Fapi_key%3D{NESTED_KEY}");
    let env = vec![("DRYDOCK_TOKEN".to_owned(), BEARER.to_owned())];
    let mut runs = 0;
    for status in [403, 404, 500] {
        // Basic authentication from the userinfo, and a bearer token alone.
        for auth in [format!("ops:{PASSWORD_IN_URL}@"), String::new()] {
            let reference = format!("https://{auth}127.0.0.1:{port}/{status}.yaml?{query}")
                .replace("https", "http");
            for args in variants(&reference, &store) {
                let out = run(args.clone(), home.path(), env.clone()).await;
                assert_eq!(out.status.code(), Some(2), "{args:?}: {}", printed(&out));
                assert!(printed(&out).contains(&status.to_string()), "{args:?}");
                secrets().assert_not_printed(&format!("{args:?}"), &out);
                runs += 1;
            }
        }
    }
    // The server did receive (and echo) every secret: the test is not vacuous.
    let requests = server.requests();
    let sent: Vec<&str> = requests
        .iter()
        .filter_map(|r| r.header("authorization"))
        .collect();
    assert!(sent.iter().any(|a| a.starts_with("Basic ")), "{sent:?}");
    assert!(
        sent.contains(&format!("Bearer {BEARER}").as_str()),
        "{sent:?}"
    );
    assert!(requests.iter().all(|r| r.path.contains(QUERY_TOKEN)));
    assert_eq!(requests.len(), runs);
    secrets().assert_not_stored(&store_dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_with_nested_tokens_is_followed_but_never_shown_or_stored() {
    let home = tempfile::tempdir().unwrap();
    let store_dir = home.path().join("store");
    std::fs::create_dir(&store_dir).unwrap();
    let store = format!("sqlite://{}", store_dir.join("s.db").display());
    let server = HttpFixture::start().await.unwrap();
    let redirect_sig = "RedirS1g-abc";
    let redirect_token = "RedirT0k-abc";
    server.route(
        "/site.yaml",
        Route::redirect(
            302,
            format!("/real.yaml?sig={redirect_sig}&next=%2Flogin%3Ftoken%3D{redirect_token}"),
        ),
    );
    server.put("/real.yaml", deckhand(&SiteSpec::new(3)));
    let port = server.base_url().port().unwrap();
    let reference = format!(
        "http://ops:{PASSWORD_IN_URL}@127.0.0.1:{port}/site.yaml?token={QUERY_TOKEN}&next=%2Fx%3Fapi_key%3D{NESTED_KEY}"
    );
    let all = Secrets::new(
        &[
            PASSWORD,
            QUERY_TOKEN,
            NESTED_KEY,
            redirect_sig,
            redirect_token,
        ],
        &[("ops", PASSWORD)],
    );
    let mut outputs = Vec::new();
    for args in [
        vec!["-vv", "resolve", &reference, "--store", &store],
        vec!["resolve", &reference, "--store", &store, "--json"],
        vec![
            "resolve",
            &reference,
            "--store",
            &store,
            "--no-cache",
            "--json",
        ],
        vec!["-v", "validate", &reference],
        vec!["snapshots", "list", "--store", &store, "--json"],
        vec!["snapshots", &reference, "--store", &store],
        vec!["snapshots", "show", &reference, "--store", &store],
        vec!["snapshots", "show", &reference, "--store", &store, "--json"],
    ] {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let out = run(args.clone(), home.path(), vec![]).await;
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", printed(&out));
        all.assert_not_printed(&format!("{args:?}"), &out);
        outputs.push(printed(&out));
    }
    // What is shown is the redirect target, redacted; the request carried it all.
    assert!(outputs[1].contains("real.yaml"), "{}", outputs[1]);
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.path.contains(redirect_token)),
        "the redirect was followed"
    );
    all.assert_not_stored(&store_dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unparseable_reference_is_never_quoted_with_its_password() {
    let home = tempfile::tempdir().unwrap();
    let store_dir = home.path().join("store");
    std::fs::create_dir(&store_dir).unwrap();
    let store = format!("sqlite://{}", store_dir.join("t.db").display());
    // A raw `/`, `?` or `#` in the password: the URL cannot parse as meant.
    let tail = "w0rd-1";
    let all = Secrets::new(&["Pa/ss?w0rd-1", "ss?w0rd-1", "Pa#ss/w0rd-1", tail], &[]);
    for reference in [
        "https://admin:Pa/ss?w0rd-1@127.0.0.1:99999/x",
        "https://admin:Pa#ss/w0rd-1@h st/x",
        "deckhand+http://svc:Pa/ss?w0rd-1@127.0.0.1:1/revisions/x y",
        "http://admin:Pa/ss?w0rd-1@127.0.0.1:70000/site.yaml?token=x",
    ] {
        for args in [
            vec!["resolve", reference],
            vec!["resolve", reference, "--json"],
            vec!["-vv", "validate", reference],
            vec!["-vv", "resolve", reference, "--store", &store, "--json"],
            vec![
                "task",
                "create",
                "-a",
                "validate_design",
                "-d",
                reference,
                "--store",
                &store,
            ],
            vec![
                "task",
                "create",
                "-a",
                "validate_design",
                "-d",
                reference,
                "--json",
                "--store",
                &store,
            ],
        ] {
            let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            let out = run(args.clone(), home.path(), vec![]).await;
            assert_eq!(out.status.code(), Some(2), "{args:?}: {}", printed(&out));
            assert!(
                printed(&out).contains("invalid design reference"),
                "{args:?}: {}",
                printed(&out)
            );
            all.assert_not_printed(&format!("{args:?}"), &out);
        }
    }
    all.assert_not_stored(&store_dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_design_ref_keeps_no_credentials_in_the_tasks_table_or_output() {
    let home = tempfile::tempdir().unwrap();
    let store_dir = home.path().join("store");
    std::fs::create_dir(&store_dir).unwrap();
    let store = format!("sqlite://{}", store_dir.join("t.db").display());
    let reference = format!(
        "https://ops:{PASSWORD_IN_URL}@127.0.0.1:1/site.yaml?token={QUERY_TOKEN}&rev=2&next=%2Fx%3Fapi_key%3D{NESTED_KEY}"
    );
    let create = |json: bool| {
        let mut args = vec!["task", "create", "-a", "validate_design", "-d", &reference];
        args.extend(["--store", &store]);
        if json {
            args.push("--json");
        }
        args.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let out = run(create(false), home.path(), vec![]).await;
    assert_eq!(out.status.code(), Some(0), "{}", printed(&out));
    let warning = String::from_utf8_lossy(&out.stderr);
    assert!(warning.contains("credentials are not stored"), "{warning}");
    secrets().assert_not_printed("task create", &out);
    let out = run(create(true), home.path(), vec![]).await;
    secrets().assert_not_printed("task create --json", &out);
    let created: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = created["task_id"].as_str().unwrap().to_owned();
    // What is kept: the reference, usable, without its credentials.
    assert_eq!(
        created["design_ref"],
        "https://ops@127.0.0.1:1/site.yaml?rev=2"
    );
    for args in [
        vec!["task", "list", "--store", &store],
        vec!["task", "list", "--store", &store, "--json"],
        vec!["task", "show", &id, "--store", &store],
        vec!["-vv", "task", "show", &id, "--store", &store, "--json"],
    ] {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let out = run(args.clone(), home.path(), vec![]).await;
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", printed(&out));
        assert!(printed(&out).contains("127.0.0.1:1/site.yaml"), "{args:?}");
        secrets().assert_not_printed(&format!("{args:?}"), &out);
    }
    secrets().assert_not_stored(&store_dir);
}
