//! Snapshots as the source of truth, through the real binary: the store as
//! a cache shared by processes, reading back, the semantic diff, and the
//! everyday CLI (plain paths, `--json` errors, steps shown with -v).

use std::path::{Path, PathBuf};
use std::process::Output;

use drydock_fixtures::HttpFixture;
use drydock_fixtures::sitegen::{SiteSpec, deckhand};

fn drydock(args: &[&str], home: &Path) -> Output {
    drydock_env(args, home, &[])
}

fn drydock_env(args: &[&str], home: &Path, envs: &[(&str, &str)]) -> Output {
    crate::common::drydock(args, home, envs)
}

async fn run(args: Vec<String>, home: PathBuf) -> Output {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        drydock(&args, &home)
    })
    .await
    .expect("join")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn sqlite(home: &Path) -> String {
    format!("sqlite://{}", home.join("cache.db").display())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanged_http_design_is_revalidated_by_another_process_with_one_conditional_request() {
    let home = tempfile::tempdir().unwrap();
    let server = HttpFixture::start().await.unwrap();
    server.put("/site.yaml", deckhand(&SiteSpec::new(5)));
    let url = server.url("/site.yaml").to_string();
    let store = sqlite(home.path());
    let args = |extra: &[&str]| {
        let mut v: Vec<String> = ["resolve", url.as_str(), "--store", store.as_str(), "--json"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let first = run(args(&[]), home.path().to_owned()).await;
    assert_eq!(json(&first)["fetch"]["cache"], "miss");
    // Another process, the same store.
    let second = run(args(&[]), home.path().to_owned()).await;
    let v = json(&second);
    assert_eq!(v["fetch"]["cache"], "revalidated", "{v}");
    assert_eq!(v["snapshot"]["reused"], true);
    assert_eq!(
        v["snapshot"]["snapshot_id"],
        json(&first)["snapshot"]["snapshot_id"]
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(
        requests[1].header("if-none-match").is_some(),
        "a conditional request"
    );
    // --no-cache fetches whole and ingests again.
    let third = run(args(&["--no-cache"]), home.path().to_owned()).await;
    assert_eq!(json(&third)["fetch"]["cache"], "miss");
    assert!(server.requests()[2].header("if-none-match").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pinned_digest_is_a_hit_without_any_request_in_another_process() {
    let home = tempfile::tempdir().unwrap();
    let server = HttpFixture::start().await.unwrap();
    let site = deckhand(&SiteSpec::new(5));
    server.put("/site.yaml", site.clone());
    let url = server.url("/site.yaml").to_string();
    let store = sqlite(home.path());
    let digest = drydock::Digest::of(site.as_bytes()).to_string();
    let resolve = || {
        vec![
            "resolve".to_string(),
            url.clone(),
            "--store".into(),
            store.clone(),
            "--expect-digest".into(),
            digest.clone(),
            "--json".into(),
        ]
    };
    assert_eq!(
        json(&run(resolve(), home.path().to_owned()).await)["fetch"]["cache"],
        "miss"
    );
    let hit = run(resolve(), home.path().to_owned()).await;
    assert_eq!(json(&hit)["fetch"]["cache"], "hit");
    assert_eq!(server.requests().len(), 1, "a hit sends no request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_diff_of_two_sites_differing_in_one_address_names_exactly_that_field() {
    let home = tempfile::tempdir().unwrap();
    let site = deckhand(&SiteSpec::new(200));
    let path = home.path().join("site.yaml");
    std::fs::write(&path, &site).unwrap();
    let store = sqlite(home.path());
    let resolve = || {
        vec![
            "resolve".to_string(),
            "./site.yaml".into(),
            "--store".into(),
            store.clone(),
        ]
    };
    run(resolve(), home.path().to_owned()).await;
    std::fs::write(&path, site.replacen("address: 10.1.", "address: 10.9.", 1)).unwrap();
    run(resolve(), home.path().to_owned()).await;
    let reference = format!("file://{}", path.display());
    let out = run(
        vec![
            "snapshots".into(),
            "diff".into(),
            format!("{reference}@previous"),
            format!("{reference}@latest"),
            "--store".into(),
            store.clone(),
            "--json".into(),
        ],
        home.path().to_owned(),
    )
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    let kinds = v["design"]["kinds"].as_array().expect("kinds");
    assert_eq!(kinds.len(), 1, "{v}");
    assert_eq!(kinds[0]["kind"], "BaremetalNode");
    let changed = kinds[0]["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1);
    let fields = changed[0]["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 1, "{fields:?}");
    let path = fields[0]["path"].as_str().unwrap();
    assert!(
        path.starts_with("addressing[") && path.ends_with("].address"),
        "{path}"
    );
    assert!(fields[0]["old"].as_str().unwrap().starts_with("10.1."));
    assert!(fields[0]["new"].as_str().unwrap().starts_with("10.9."));
    // The human form says the same in one line per change.
    let human = run(
        vec![
            "snapshots".into(),
            "diff".into(),
            format!("{reference}@previous"),
            reference.clone(),
            "--store".into(),
            store.clone(),
        ],
        home.path().to_owned(),
    )
    .await;
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.lines().any(|l| l.starts_with("BaremetalNode ")
            && l.contains(".address 10.1.")
            && l.contains("→ 10.9.")),
        "{text}"
    );

    // Reading back: list, show, the stored bytes exactly.
    let listed = json(
        &run(
            vec![
                "snapshots".into(),
                "--store".into(),
                store.clone(),
                "--json".into(),
            ],
            home.path().to_owned(),
        )
        .await,
    );
    assert_eq!(listed.as_array().unwrap().len(), 2);
    let id = listed[1]["snapshot_id"].as_str().unwrap().to_owned();
    let content = run(
        vec![
            "snapshots".into(),
            "show".into(),
            id.clone(),
            "--content".into(),
            "--store".into(),
            store.clone(),
        ],
        home.path().to_owned(),
    )
    .await;
    assert_eq!(content.stdout, site.as_bytes());
    let shown = json(
        &run(
            vec![
                "snapshots".into(),
                "show".into(),
                id,
                "--json".into(),
                "--store".into(),
                store.clone(),
            ],
            home.path().to_owned(),
        )
        .await,
    );
    assert_eq!(
        shown["design"]["baremetal_nodes"]
            .as_object()
            .unwrap()
            .len(),
        200
    );
    assert_eq!(shown["report"]["status"], "success");
}

#[test]
fn store_urls_mean_the_same_everywhere_and_reading_creates_nothing() {
    let home = tempfile::tempdir().unwrap();
    let fixture = format!(
        "{}/fixtures/designs/deckhand_fullsite.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    // An in-memory store keeps nothing: refused for --store.
    let out = drydock(
        &["resolve", &fixture, "--store", "sqlite::memory:"],
        home.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("in-memory"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // DRYDOCK_STORE is where `resolve --store` writes and where `snapshots` reads.
    let db = home.path().join("env.db");
    let env_store = format!("sqlite://{}", db.display());
    let envs = [("DRYDOCK_STORE", env_store.as_str())];
    let out = drydock_env(&["resolve", &fixture, "--store"], home.path(), &envs);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(db.is_file());
    assert!(
        !home.path().join("data/drydock/drydock.db").exists(),
        "the default store was not used"
    );
    let listed = drydock_env(
        &["snapshots", "list", &fixture, "--json"],
        home.path(),
        &envs,
    );
    assert_eq!(json(&listed).as_array().unwrap().len(), 1);
    // A read-only command never creates a database file.
    let missing = home.path().join("nothing-here.db");
    let url = format!("sqlite://{}", missing.display());
    let out = drydock(&["snapshots", "--store", &url], home.path());
    assert_eq!(out.status.code(), Some(3));
    assert!(!missing.exists(), "a read created the file");
}

#[test]
fn plain_paths_json_errors_and_steps_with_v() {
    let home = tempfile::tempdir().unwrap();
    std::fs::copy(
        format!(
            "{}/fixtures/designs/deckhand_fullsite.yaml",
            env!("CARGO_MANIFEST_DIR")
        ),
        home.path().join("site.yaml"),
    )
    .unwrap();
    let out = drydock(&["validate", "./site.yaml", "--json"], home.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        json(&out)["reference"]
            .as_str()
            .unwrap()
            .ends_with("/site.yaml")
    );
    let out = drydock(&["validate", "site.yaml"], home.path());
    assert_eq!(out.status.code(), Some(0), "an existing file by name");

    // Any failure with --json: one object on stdout.
    let out = drydock(&["resolve", "./missing.yaml", "--json"], home.path());
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    assert_eq!(v["error"]["kind"], "not_found", "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("missing.yaml")
    );
    assert!(v["error"]["hint"].is_string());
    assert!(v["error"]["reference"].is_string());
    let out = drydock(
        &["resolve", "https://u:hunter2@[::1/x", "--json"],
        home.path(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(json(&out)["error"]["kind"], "invalid_reference");
    assert!(!text.contains("hunter2"), "{text}");

    // -v: one line per step, with its duration.
    let out = drydock(
        &[
            "resolve",
            "./site.yaml",
            "--store",
            &sqlite(home.path()),
            "-v",
        ],
        home.path(),
    );
    let log = String::from_utf8_lossy(&out.stderr);
    let steps = ["fetching file://", "fetched ", "ingesting ", "validated: "];
    for step in steps.into_iter().chain(["stored snapshot ", " ms)"]) {
        assert!(log.contains(step), "{step} missing in:\n{log}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_the_cache_through_postgresql() {
    let Some(db) =
        drydock_fixtures::postgres::TempDatabase::create("cli cache on PostgreSQL").await
    else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let server = HttpFixture::start().await.unwrap();
    server.put("/site.yaml", deckhand(&SiteSpec::new(5)));
    let url = server.url("/site.yaml").to_string();
    let resolve = || {
        vec![
            "resolve".to_string(),
            url.clone(),
            "--store".into(),
            db.url().to_owned(),
            "--json".into(),
        ]
    };
    let first = run(resolve(), home.path().to_owned()).await;
    assert_eq!(
        json(&first)["fetch"]["cache"],
        "miss",
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let second = run(resolve(), home.path().to_owned()).await;
    assert_eq!(json(&second)["fetch"]["cache"], "revalidated");
    assert!(server.requests()[1].header("if-none-match").is_some());
    let listed = run(
        vec![
            "snapshots".into(),
            url.clone(),
            "--store".into(),
            db.url().to_owned(),
            "--json".into(),
        ],
        home.path().to_owned(),
    )
    .await;
    assert_eq!(json(&listed)[0]["resolve_count"], 2);
    db.drop_database().await;
}
