//! `drydock store import` refuses a bad source (unreachable, not a
//! Drydock database, an unknown Alembic level, a missing table, an unknown
//! time zone) with a clear error and exit status 2, before writing anything.

use crate::common;

use common::fleet::{drydock, json};
use drydock_fixtures::postgres::TempDatabase;
use serde_json::json;

use super::import::run_sql;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_source_is_refused_before_anything_is_written() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("s.db");
    let store = format!("sqlite://{}", path.display());
    let refused = |source: &str, expect: &str| {
        let out = drydock(home.path(), &["store", "import", source, "--store", &store]);
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{expect:?} not in {err}");
        assert!(err.contains("hint:"), "{err}");
        assert!(!err.contains("s3cret"), "{err}");
    };
    // Nothing listens on port 1 of loopback.
    refused(
        "postgres://drydock:s3cret@127.0.0.1:1/drydock",
        "cannot read the source database postgres://drydock:***@127.0.0.1:1/drydock",
    );
    let Some(empty) = TempDatabase::create("import_empty").await else {
        return;
    };
    refused(empty.url(), "it has no alembic_version table");
    run_sql(
        empty.url(),
        &[
            "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL); \
           INSERT INTO alembic_version VALUES ('abc123')",
        ],
    )
    .await;
    refused(empty.url(), "Alembic revision \"abc123\"");
    empty.drop_database().await;

    let Some(missing) = TempDatabase::create("import_missing").await else {
        return;
    };
    // At 4a5bef3702b, but without its build_data table.
    run_sql(
        missing.url(),
        &[
            include_str!("original/9593a123e7c5.sql"),
            "UPDATE alembic_version SET version_num = '4a5bef3702b'",
        ],
    )
    .await;
    refused(missing.url(), "table build_data is missing");
    let out = drydock(
        home.path(),
        &[
            "store",
            "import",
            missing.url(),
            "--store",
            &store,
            "--source-timezone",
            "Mars/Olympus",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    missing.drop_database().await;
    // Every refusal came before the store was touched beyond opening it.
    let listed = drydock(home.path(), &["task", "list", "--store", &store, "--json"]);
    assert!(listed.status.success(), "{listed:?}");
    assert_eq!(json(&listed), json!([]));
}
