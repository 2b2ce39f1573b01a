//! A stored row's model cannot disagree with its bytes, through the real
//! binary: a model edited in the store (its bytes and their digest left
//! alone) is a corrupt row on SQLite and on PostgreSQL — `snapshots show`
//! refuses it, and a pinned resolve fetches and ingests afresh instead of
//! serving it as a hit.

use std::path::Path;

use drydock_fixtures::sitegen::{SiteSpec, deckhand};
use sqlx::Connection as _;

use super::cache_trust::{args, edit_store, json, sqlite};
use crate::common::{printed, run};

/// In the model's JSON only (the YAML says `mtu: 1500`).
const STORED: &str = "\"mtu\":1500";
const EDITED: &str = "\"mtu\":9216";

/// Resolves the site into `store`, lets `edit` change the stored model,
/// then checks that neither `snapshots show` nor a pinned resolve believes it.
async fn an_edited_model_is_refused(home: &Path, store: &str, edit: impl AsyncFnOnce()) {
    let site = deckhand(&SiteSpec::new(3));
    assert!(site.contains("mtu: 1500"));
    std::fs::write(home.join("site.yaml"), &site).unwrap();
    let digest = drydock::Digest::of(site.as_bytes()).to_string();
    let resolve = || {
        args(&[
            "resolve",
            "./site.yaml",
            "--store",
            store,
            "--json",
            "--expect-digest",
            &digest,
        ])
    };
    let first = run(resolve(), home, vec![]).await;
    let v = json(&first);
    assert_eq!(v["fetch"]["cache"], "miss", "{v}");
    assert!(v.to_string().contains(STORED), "the model holds {STORED}");
    let id = v["snapshot"]["snapshot_id"].as_str().unwrap().to_owned();
    // Before the edit: a pinned resolve is a hit, the row reads back.
    let hit = run(resolve(), home, vec![]).await;
    assert_eq!(json(&hit)["fetch"]["cache"], "hit", "{}", printed(&hit));

    edit().await;

    for extra in [&["--json"][..], &[]] {
        let mut list = vec!["snapshots", "show", &id, "--store", store];
        list.extend(extra);
        let show = run(args(&list), home, vec![]).await;
        assert!(!show.status.success(), "{}", printed(&show));
        assert!(!printed(&show).contains(EDITED), "{}", printed(&show));
        assert!(
            printed(&show).contains("corrupt") && printed(&show).contains("model"),
            "{}",
            printed(&show)
        );
    }
    let again = run(resolve(), home, vec![]).await;
    let v = json(&again);
    assert_eq!(
        v["fetch"]["cache"], "miss",
        "not a hit of the edited row: {v}"
    );
    assert_eq!(v["fetch"]["digest"], digest, "{v}");
    assert!(!v.to_string().contains(EDITED), "{v}");
    assert!(v.to_string().contains(STORED), "{v}");
    assert!(printed(&again).contains("corrupt"), "{}", printed(&again));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_edited_in_sqlite_is_a_corrupt_row() {
    let home = tempfile::tempdir().unwrap();
    let store = sqlite(home.path());
    an_edited_model_is_refused(home.path(), &store, async || {
        let edits = edit_store(home.path(), STORED.as_bytes(), EDITED.as_bytes());
        assert!(edits > 0, "the stored model was found and edited");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_edited_in_postgresql_is_a_corrupt_row() {
    let Some(db) =
        drydock_fixtures::postgres::TempDatabase::create("an edited model on PostgreSQL").await
    else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let url = db.url().to_owned();
    an_edited_model_is_refused(home.path(), &url, async || {
        let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
        let edited = sqlx::query("UPDATE design_ingest SET model = replace(model, $1, $2)")
            .bind(STORED)
            .bind(EDITED)
            .execute(&mut conn)
            .await
            .unwrap();
        assert_eq!(edited.rows_affected(), 1);
        let _ = conn.close().await;
    })
    .await;
    db.drop_database().await;
}
