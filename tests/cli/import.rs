//! `drydock store import` through the real binary: an original Drydock
//! database at each of its three Alembic levels (schemas in `original/`,
//! dumped after a real run of the original's migrations, 2017 and today's),
//! imported into SQLite and PostgreSQL stores and read back with `task
//! show`, `task list` and `node builddata`; a second import adds nothing; a
//! dry run writes nothing (a bad source: `import_refused`).

use crate::common;

use std::path::Path;

use common::fleet::{drydock, json};
use drydock_fixtures::postgres::TempDatabase;
use serde_json::{Value, json};
use sqlx::Connection as _;

const A: &str = "0a000000-0000-4000-8000-00000000000a";
const B: &str = "0b000000-0000-4000-8000-00000000000b";
const C: &str = "0c000000-0000-4000-8000-00000000000c";
const N: &str = "0e000000-0000-4000-8000-00000000000e";
const R: &str = "0f000000-0000-4000-8000-00000000000f";

/// The original database at `level`: the schema the original's own Alembic
/// migrations built (`original/README.md`: a real run, dumped with
/// `pg_dump`), then the rows for the tables it has. `before_2018`: built by
/// the original as it was before its longer host names (short
/// `node_name` columns, kept when later levels were added on top).
fn level_sql(level: usize, before_2018: bool) -> Vec<&'static str> {
    let schema = match (level, before_2018) {
        (0, true) => include_str!("original/9593a123e7c5-2017.sql"),
        (0, false) => include_str!("original/9593a123e7c5.sql"),
        (1, true) => include_str!("original/4a5bef3702b-2017.sql"),
        (1, false) => include_str!("original/4a5bef3702b.sql"),
        (_, true) => include_str!("original/4713e7ebca9-2017.sql"),
        (_, false) => include_str!("original/4713e7ebca9.sql"),
    };
    let mut sql = vec![schema, include_str!("original/data-base.sql")];
    if level >= 1 {
        sql.push(include_str!("original/data-build.sql"));
    }
    if level >= 2 {
        sql.push(include_str!("original/data-links.sql"));
    }
    sql
}

/// Runs each part on one connection. A `pg_dump` script's psql-only lines
/// (`\restrict`, `\unrestrict`) are left out, and its session settings
/// (an empty `search_path`) are reset before the next part.
pub(crate) async fn run_sql(url: &str, sql: &[&'static str]) {
    let mut conn = sqlx::PgConnection::connect(url).await.expect("the source");
    for part in sql {
        let statements: String = part
            .lines()
            .filter(|line| !line.starts_with('\\'))
            .flat_map(|line| [line, "\n"])
            .collect();
        sqlx::raw_sql(sqlx::AssertSqlSafe(statements))
            .execute(&mut conn)
            .await
            .expect(part);
        sqlx::raw_sql("RESET ALL")
            .execute(&mut conn)
            .await
            .expect("RESET ALL");
    }
    conn.close().await.ok();
}

fn import(home: &Path, source: &str, store: &str, extra: &[&str]) -> Value {
    let mut args = vec!["store", "import", source, "--store", store, "--json"];
    args.extend_from_slice(extra);
    let out = drydock(home, &args);
    assert!(out.status.success(), "{out:?}");
    json(&out)
}

fn show(home: &Path, store: &str, id: &str) -> Value {
    let out = drydock(home, &["task", "show", id, "--store", store, "--json"]);
    assert!(out.status.success(), "{out:?}");
    json(&out)
}

fn texts(task: &Value) -> Vec<(String, bool)> {
    task["result"]["details"]["messageList"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| {
            (
                m["message"].as_str().unwrap_or_default().to_owned(),
                m["error"] == true,
            )
        })
        .collect()
}

/// Imports a database at `level` into `store` and checks everything read back.
async fn import_level(home: &Path, source: &str, store: &str, (level, before_2018): Variant) {
    // A dry run first: a report, and nothing written.
    let dry = import(home, source, store, &["--dry-run"]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["tables"]["tasks"]["imported"], 3 + 1, "{dry}");
    let listed = drydock(home, &["task", "list", "--store", store, "--json"]);
    if listed.status.success() {
        assert_eq!(json(&listed), json!([]), "a dry run wrote tasks");
    }

    let report = import(home, source, store, &[]);
    assert_eq!(report["alembic_version"], common_level(level), "{report}");
    let tasks = &report["tables"]["tasks"];
    assert_eq!(tasks["read"], 5, "{report}");
    assert_eq!(tasks["imported"], 4, "{report}");
    assert_eq!(
        tasks["skipped"],
        json!({"noop task (a health probe; --include-noop imports it)": 1})
    );
    assert_eq!(tasks["notes"]["credentials removed from design_ref"], 1);
    assert_eq!(
        tasks["notes"]["left running or terminating: recorded as failed"],
        1
    );
    let messages = &report["tables"]["result_message"];
    assert_eq!(messages["read"], 9, "{report}");
    assert_eq!(messages["imported"], 7, "{report}");
    assert_eq!(
        messages["skipped"],
        json!({
            "its task is not in the tasks table": 1,
            "its task was skipped: noop task (a health probe; --include-noop imports it)": 1,
        })
    );
    assert_eq!(
        messages["notes"],
        json!({"extra held text that is no JSON: kept as a JSON string": 1})
    );
    assert_eq!(report["tables"]["boot_action"]["imported"], 1);
    assert_eq!(report["tables"]["boot_action_status"]["imported"], 2);
    assert_eq!(report["tables"]["active_instance"]["read"], 1);
    let lengths = &report["column_lengths"];
    let node_len = if before_2018 { 16 } else { 280 };
    assert_eq!(
        lengths["boot_action.node_name"], node_len,
        "read, not assumed"
    );
    assert_eq!(lengths["tasks.result_message"], 128);
    if level >= 1 {
        assert_eq!(report["tables"]["build_data"]["imported"], 3);
    } else {
        assert!(report["tables"].get("build_data").is_none());
    }

    // Read back: ids, subtasks, renumbered messages, recounted errors,
    // unwrapped JSON, no credentials, links.
    let a = show(home, store, A);
    assert_eq!(a["status"], "complete");
    assert_eq!(
        a["created"], "2018-03-01T10:00:00Z",
        "naive timestamps are UTC"
    );
    assert_eq!(a["created_by"], "shipyard");
    assert_eq!(
        a["design_ref"],
        "deckhand+http://ops@deckhand-int:9000/api/v1.0/revisions/7/rendered-documents"
    );
    assert_eq!(a["subtask_id_list"], json!([B, C]), "{a}");
    assert_eq!(a["result"]["successes"], json!(["n1", "n2"]));
    assert_eq!(a["result"]["details"]["errorCount"], 1, "recounted, not 7");
    assert_eq!(
        texts(&a),
        [
            ("Starting deploy".to_owned(), false),
            ("Node n2 failed".to_owned(), true),
            ("Deploy done".to_owned(), false)
        ]
    );
    let list = &a["result"]["details"]["messageList"];
    assert_eq!(
        list[0]["extra"],
        json!({}),
        "double-encoded extra unwrapped"
    );
    assert_eq!(list[2]["extra"], "{not json", "kept as a string");
    assert_eq!(
        a["node_filter"]["filter_set"][0]["node_names"],
        json!(["n1", "n2"])
    );
    let links = if level >= 2 {
        json!([{"rel": "detail_logs", "href": "http://logs.example/a1"},
               {"rel": "detail_logs", "href": "http://logs.example/a2"}])
    } else {
        json!([])
    };
    assert_eq!(a["result"]["links"], links);

    let b = show(home, store, B);
    assert_eq!(b["parent_task_id"], A);
    assert_eq!(b["result"]["status"], "partial_success");
    assert_eq!(b["result"]["failures"], json!(["n2"]));
    assert_eq!(b["result"]["details"]["errorCount"], 1);
    let b_texts = texts(&b);
    assert_eq!(b_texts.len(), 3);
    assert!(b_texts[0].0.len() > 128, "a long message is kept whole");
    let c = show(home, store, C);
    assert_eq!(c["parent_task_id"], A, "linked through A's subtask_id_list");
    assert_eq!(c["node_filter"], Value::Null);

    let r = show(home, store, R);
    assert_eq!(r["status"], "complete");
    assert_eq!(r["result"]["status"], "failure");
    assert_eq!(r["result"]["details"]["errorCount"], 1);
    let r_texts = texts(&r);
    assert_eq!(r_texts.len(), 2);
    assert!(r_texts[1].0.contains("never resumes"), "{r_texts:?}");

    let missing = drydock(home, &["task", "show", N, "--store", store, "--json"]);
    assert!(!missing.status.success(), "the noop task is not imported");

    let listed = drydock(home, &["task", "list", "--store", store, "--json"]);
    assert!(listed.status.success(), "{listed:?}");
    assert_eq!(json(&listed).as_array().map(Vec::len), Some(4));

    if level >= 1 {
        let out = drydock(
            home,
            &[
                "node",
                "builddata",
                "n1",
                "--latest",
                "--store",
                store,
                "--json",
            ],
        );
        assert!(out.status.success(), "{out:?}");
        let data = json(&out);
        assert_eq!(data.as_array().map(Vec::len), Some(1), "{data}");
        assert_eq!(data[0]["data_element"], "n1 lshw latest");
        assert_eq!(data[0]["task_id"], A);
    }

    // Again: nothing new, and said so.
    let again = import(home, source, store, &[]);
    for (table, t) in again["tables"].as_object().expect("tables") {
        assert_eq!(t["imported"], 0, "{table}: {again}");
    }
    assert_eq!(again["tables"]["tasks"]["present"], 4);
    assert_eq!(again["tables"]["result_message"]["present"], 7);
    let out = drydock(home, &["store", "import", source, "--store", store]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("nothing new to import"), "{text}");
    assert_eq!(texts(&show(home, store, A)).len(), 3);
}

fn common_level(level: usize) -> &'static str {
    drydock::import::LEVELS[level]
}

/// An Alembic level (an index into `LEVELS`) and whether the database was
/// first built before 2018 (short `node_name` columns).
type Variant = (usize, bool);

/// Every database the original's migrations build: each level as built
/// today, and as built in 2017 (then upgraded by today's original).
const VARIANTS: [Variant; 6] = [
    (0, true),
    (0, false),
    (1, true),
    (1, false),
    (2, true),
    (2, false),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_alembic_level_imports_into_sqlite_and_postgres() {
    for variant in VARIANTS {
        let Some(source) = TempDatabase::create("import_source").await else {
            return;
        };
        run_sql(source.url(), &level_sql(variant.0, variant.1)).await;
        let home = tempfile::tempdir().unwrap();
        let sqlite = format!("sqlite://{}", home.path().join("store.db").display());
        import_level(home.path(), source.url(), &sqlite, variant).await;
        if let Some(target) = TempDatabase::create("import_target").await {
            import_level(home.path(), source.url(), target.url(), variant).await;
            target.drop_database().await;
        }
        source.drop_database().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decisions_are_options_and_a_dry_run_creates_no_store() {
    let Some(source) = TempDatabase::create("import_options").await else {
        return;
    };
    run_sql(source.url(), &level_sql(2, false)).await;
    // A task row that cannot be read (no action), with a message: both
    // reported, with the reason.
    run_sql(
        source.url(),
        &["INSERT INTO tasks (task_id, status, created) \
           VALUES (decode('0100000000004000800000000000001d', 'hex'), 'complete', '2018-03-02'); \
           INSERT INTO result_message (task_id, message, error, ts) \
           VALUES (decode('0100000000004000800000000000001d', 'hex'), 'lost', false, '2018-03-02')"],
    )
    .await;
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("dry.db");
    let dry_store = format!("sqlite://{}", path.display());
    let out = drydock(
        home.path(),
        &[
            "store",
            "import",
            source.url(),
            "--store",
            &dry_store,
            "--dry-run",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("dry run: nothing was written"));
    assert!(!path.exists(), "a dry run created the store");

    let store = format!("sqlite://{}", home.path().join("s.db").display());
    let report = import(
        home.path(),
        source.url(),
        &store,
        &[
            "--include-noop",
            "--interrupted",
            "requeue",
            "--batch-size",
            "2",
            "--source-timezone",
            "Europe/Berlin",
        ],
    );
    assert_eq!(report["tables"]["tasks"]["imported"], 5, "{report}");
    assert_eq!(
        report["tables"]["tasks"]["skipped"],
        json!({"action is NULL": 1})
    );
    assert_eq!(
        report["tables"]["result_message"]["imported"], 8,
        "{report}"
    );
    assert_eq!(
        report["tables"]["result_message"]["skipped"],
        json!({
            "its task is not in the tasks table": 1,
            "its task was skipped: action is NULL": 1,
        })
    );
    let r = show(home.path(), &store, R);
    assert_eq!(r["status"], "queued");
    assert_eq!(texts(&r).len(), 1);
    assert_eq!(show(home.path(), &store, N)["action"], "noop");
    let a = show(home.path(), &store, A);
    assert_eq!(a["created"], "2018-03-01T09:00:00Z", "read as Berlin time");
    // Keys are kept only as their SHA-256: the raw key still matches, the
    // action ids are the ULIDs' 128 bits.
    let opened =
        drydock::store::Store::connect(&store, &drydock::store::StoreOptions::existing_only())
            .await
            .expect("the store");
    let key = [0xab_u8; 32];
    let ulid: drydock::store::Uuid = "0189f3d2-c4a0-7e3b-9c1d-2e3f40516273".parse().unwrap();
    assert!(opened.check_node_key("n1", &key).await.unwrap());
    assert!(opened.check_boot_action_key(ulid, &key).await.unwrap());
    assert!(
        !opened
            .check_boot_action_key(ulid, &[0xac; 32])
            .await
            .unwrap()
    );
    let actions = opened.boot_actions("n1").await.unwrap();
    assert_eq!(actions.len(), 2);
    assert_eq!(
        actions
            .iter()
            .filter(|a| a.status.as_str() == "success")
            .count(),
        1
    );
    opened.close().await;
    source.drop_database().await;
}
