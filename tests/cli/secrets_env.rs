//! Secrets the environment hands the binary (DRYDOCK_STORE with a password,
//! DRYDOCK_TOKEN, OS_PASSWORD): never in `--help` of any subcommand, in
//! `drydock config`, `store status`, logs or errors; a hostile Keystone that
//! echoes the password back gets it scrubbed in every encoding.

use crate::common;

use common::{Secrets, printed, run};
use drydock_fixtures::{HttpFixture, Route};

const STORE_PASSWORD: &str = "St0re/P4ss?x";
const STORE_PASSWORD_IN_URL: &str = "St0re%2FP4ss%3Fx";
const TOKEN: &str = "T0k3n-Env-xyz";
const OS_PASSWORD: &str = "OsP4ss/w0rd?x";

fn env_secrets() -> Secrets {
    Secrets::new(
        &[STORE_PASSWORD, TOKEN, OS_PASSWORD],
        &[("postgres", STORE_PASSWORD), ("admin", OS_PASSWORD)],
    )
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

fn env(store: &str) -> Vec<(String, String)> {
    [
        ("DRYDOCK_STORE", store),
        ("DRYDOCK_TOKEN", TOKEN),
        ("OS_PASSWORD", OS_PASSWORD),
        ("OS_USERNAME", "admin"),
        ("OS_AUTH_URL", "http://127.0.0.1:1/v3"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// The subcommands `help` lists under `Commands:` (without `help`).
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        // A name is indented by two; a wrapped description by more.
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_help_of_any_subcommand_shows_an_environment_secret() {
    let home = tempfile::tempdir().unwrap();
    let store = format!("postgres://postgres:{STORE_PASSWORD_IN_URL}@127.0.0.1:1/db");
    let mut envs = env(&store);
    envs.push((
        "DRYDOCK_CONFIG".into(),
        "/etc/St0re/P4ss?x/config.toml".into(),
    ));
    let mut pending = vec![Vec::<String>::new()];
    let mut seen = 0;
    while let Some(path) = pending.pop() {
        let mut args = path.clone();
        args.push("--help".into());
        let out = run(args.clone(), home.path(), envs.clone()).await;
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", printed(&out));
        env_secrets().assert_not_printed(&format!("{args:?}"), &out);
        let help = String::from_utf8_lossy(&out.stdout).into_owned();
        // The variables are named, their values are not.
        if path.is_empty() || path == ["resolve"] {
            assert!(help.contains("DRYDOCK_CONFIG"), "{args:?}: {help}");
        }
        for sub in subcommands(&help) {
            let mut next = path.clone();
            next.push(sub);
            pending.push(next);
        }
        seen += 1;
    }
    // drydock, 10 subcommands, and their own subcommands.
    assert!(seen >= 20, "only {seen} help pages");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_password_in_drydock_store_is_never_shown() {
    let Some(db) = drydock_fixtures::postgres::TempDatabase::create("DRYDOCK_STORE secrets").await
    else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("site.yaml"), "not: [a design\n").unwrap();
    // The server trusts loopback: the password is sent, and ignored.
    let mut url = url::Url::parse(db.url()).unwrap();
    url.set_password(Some(STORE_PASSWORD_IN_URL)).unwrap();
    let store = url.to_string();
    let envs = env(&store);
    let file = format!("file://{}", home.path().join("site.yaml").display());
    for args in [
        vec!["store", "migrate"],
        vec!["-vv", "store", "status"],
        vec!["store", "status", "--json"],
        vec!["config"],
        vec!["config", "--json"],
        vec![
            "-vv",
            "task",
            "create",
            "-a",
            "validate_design",
            "-d",
            &file,
        ],
        vec!["task", "list", "--json"],
        vec!["leader"],
        vec!["-vv", "resolve", &file, "--store", "--json"],
        vec!["snapshots", "list"],
    ] {
        let out = run(strings(&args), home.path(), envs.clone()).await;
        assert!(
            matches!(out.status.code(), Some(0..=2)),
            "{args:?}: {}",
            printed(&out)
        );
        env_secrets().assert_not_printed(&format!("{args:?}"), &out);
    }
    let status = run(strings(&["store", "status"]), home.path(), envs.clone()).await;
    assert!(
        printed(&status).contains("postgres:***@"),
        "{}",
        printed(&status)
    );
    // A store that cannot be reached: the error names it, redacted.
    let mut unreachable = url.clone();
    unreachable.set_port(Some(1)).unwrap();
    let envs = env(unreachable.as_str());
    for args in [
        vec!["store", "status"],
        vec!["-vv", "store", "status", "--json"],
        vec!["task", "list"],
        vec!["-vv", "resolve", &file, "--store"],
    ] {
        let out = run(strings(&args), home.path(), envs.clone()).await;
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", printed(&out));
        env_secrets().assert_not_printed(&format!("{args:?}"), &out);
    }
    db.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keystone_echoing_the_password_back_gets_it_scrubbed() {
    let home = tempfile::tempdir().unwrap();
    let store_dir = home.path().join("store");
    std::fs::create_dir(&store_dir).unwrap();
    let store = format!("sqlite://{}", store_dir.join("s.db").display());
    let keystone = HttpFixture::start().await.unwrap();
    let deckhand = HttpFixture::start().await.unwrap();
    deckhand.route(
        "/api/v1.0/revisions/1/rendered-documents",
        Route::Echo { status: 500 },
    );
    let reference = format!(
        "deckhand+http://127.0.0.1:{}/api/v1.0/revisions/1",
        deckhand.base_url().port().unwrap()
    );
    let auth_url = keystone.url("/v3").to_string();
    let mut shown = String::new();
    for status in [400, 401, 403, 500] {
        keystone.route("/v3/auth/tokens", Route::Echo { status });
        let mut envs = env(&store);
        envs.retain(|(k, _)| !matches!(k.as_str(), "OS_AUTH_URL" | "DRYDOCK_TOKEN"));
        envs.extend(
            [
                ("OS_AUTH_URL", auth_url.as_str()),
                ("OS_PROJECT_NAME", "service"),
                ("OS_USER_DOMAIN_NAME", "Default"),
                ("OS_PROJECT_DOMAIN_NAME", "Default"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
        );
        for args in [
            vec!["resolve", &reference, "--attempts", "1"],
            vec!["-vv", "resolve", &reference, "--attempts", "1", "--json"],
            vec!["validate", &reference, "--attempts", "1", "--json"],
            vec!["resolve", &reference, "--attempts", "1", "--store", &store],
        ] {
            let out = run(strings(&args), home.path(), envs.clone()).await;
            assert_eq!(out.status.code(), Some(2), "{args:?}: {}", printed(&out));
            env_secrets().assert_not_printed(&format!("{status} {args:?}"), &out);
            shown.push_str(&printed(&out));
        }
    }
    // The echoed request reached the output, scrubbed.
    assert!(shown.contains("***"), "{shown}");
    // Keystone was asked with the password (and echoed it): not vacuous.
    let asked = keystone.requests();
    assert!(!asked.is_empty());
    assert!(
        asked
            .iter()
            .any(|r| String::from_utf8_lossy(&r.body).contains(OS_PASSWORD)),
        "the password is in the request body"
    );
    env_secrets().assert_not_stored(&store_dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deckhand_echoing_the_keystone_token_back_gets_it_scrubbed() {
    use drydock_fixtures::keystone::{
        ADMIN_PASSWORD, ADMIN_USER, DEFAULT_DOMAIN, KeystoneConfig, KeystoneFixture,
        SERVICE_PROJECT,
    };
    let home = tempfile::tempdir().unwrap();
    let keystone = KeystoneFixture::start(KeystoneConfig::default())
        .await
        .unwrap();
    let deckhand = HttpFixture::start().await.unwrap();
    for (path, status) in [("1", 401), ("2", 403), ("3", 500), ("4", 400)] {
        deckhand.route(
            &format!("/api/v1.0/revisions/{path}/rendered-documents"),
            Route::Echo { status },
        );
    }
    let envs: Vec<(String, String)> = [
        ("OS_AUTH_URL", keystone.auth_url().as_str()),
        ("OS_USERNAME", ADMIN_USER),
        ("OS_PASSWORD", ADMIN_PASSWORD),
        ("OS_PROJECT_NAME", SERVICE_PROJECT),
        ("OS_USER_DOMAIN_NAME", DEFAULT_DOMAIN),
        ("OS_PROJECT_DOMAIN_NAME", DEFAULT_DOMAIN),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .to_vec();
    let mut outputs = Vec::new();
    for revision in ["1", "2", "3", "4"] {
        let reference = format!(
            "deckhand+http://127.0.0.1:{}/api/v1.0/revisions/{revision}",
            deckhand.base_url().port().unwrap()
        );
        for args in [
            vec!["-vv", "resolve", &reference, "--attempts", "1"],
            vec!["resolve", &reference, "--attempts", "1", "--json"],
        ] {
            let out = run(strings(&args), home.path(), envs.clone()).await;
            assert_eq!(out.status.code(), Some(2), "{args:?}: {}", printed(&out));
            outputs.push((format!("{args:?}"), out));
        }
    }
    // The tokens Keystone issued, as Deckhand received (and echoed) them.
    let tokens: Vec<String> = deckhand
        .requests()
        .iter()
        .filter_map(|r| r.header("x-auth-token").map(str::to_owned))
        .collect();
    // (A 401 makes the driver authenticate again and retry once.)
    assert!(
        tokens.len() >= outputs.len(),
        "every request carried a token"
    );
    let mut all: Vec<&str> = tokens.iter().map(String::as_str).collect();
    all.push(ADMIN_PASSWORD);
    let secrets = Secrets::new(&all, &[]);
    for (args, out) in &outputs {
        secrets.assert_not_printed(args, out);
    }
    // The echo reached the output, the token scrubbed from it.
    assert!(
        outputs
            .iter()
            .any(|(_, out)| printed(out).contains("x-auth-token: ***")),
        "{}",
        printed(&outputs[0].1)
    );
}
