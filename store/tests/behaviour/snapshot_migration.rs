//! A database of schema version 1 with snapshots in it migrates: digests
//! become `sha256:<hex>`, keys are recomputed from the stored references, and
//! the model, report and metadata stay readable.

use drydock_core::{DesignRef, Digest, Level, Message, ValidationReport};
use drydock_store::{Backend, Store, StoreOptions, Uuid};
use sqlx::migrate::Migrator;
use sqlx::{Connection, Executor};

use crate::harness::Ctx;
use crate::snapshots::small_site;

const LEGACY_REFERENCE: &str = "https://d.example/rev/7?token=***#part";

/// An empty database of this backend (the test's own, emptied, for PostgreSQL).
async fn empty_database(ctx: &Ctx, dir: &std::path::Path) -> String {
    match ctx.backend() {
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&ctx.url).await.unwrap();
            c.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
                .await
                .unwrap();
            ctx.url.clone()
        }
        Backend::Sqlite => format!("sqlite://{}/legacy.db?mode=rwc", dir.display()),
    }
}

/// Applies only schema version 1 to `url`.
async fn version_one(ctx: &Ctx, url: &str, dir: &std::path::Path) {
    let name = match ctx.backend() {
        Backend::Postgres => "postgres",
        Backend::Sqlite => "sqlite",
    };
    let only = dir.join("v1");
    std::fs::create_dir_all(&only).unwrap();
    let file = "20261124000001_initial.sql";
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(name)
        .join(file);
    std::fs::copy(source, only.join(file)).unwrap();
    let migrator = Migrator::new(only.as_path()).await.unwrap();
    match ctx.backend() {
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            migrator.run(&pool).await.unwrap();
            pool.close().await;
        }
        Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(url).await.unwrap();
            migrator.run(&pool).await.unwrap();
            pool.close().await;
        }
    }
}

pub async fn version_one_snapshots_migrate(ctx: Ctx) {
    let dir = tempfile::tempdir().unwrap();
    let url = empty_database(&ctx, dir.path()).await;
    version_one(&ctx, &url, dir.path()).await;

    let bytes = b"legacy design bytes".to_vec();
    let digest = Digest::of(&bytes);
    let model = serde_json::to_string(&small_site().design).unwrap();
    let mut report = ValidationReport::default();
    let mut warning = Message::error("DD000", "looks odd");
    warning.level = Level::Warning;
    report.push(warning);
    let report_json = serde_json::to_string(&report).unwrap();
    let (snapshot_id, task_id) = (Uuid::now_v7(), Uuid::now_v7());
    let (content, snapshot, task) = match ctx.backend() {
        Backend::Postgres => (
            "INSERT INTO design_content VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, now())",
            "INSERT INTO design_snapshot (snapshot_id, reference, digest, driver, content_type, etag, \
             revision, last_modified, location, fetched_at, stored_at) VALUES ($1, $2, $3, 'http', \
             'application/yaml', '\"e1\"', '7', NULL, 'https://d.example/rev/7', now(), now())",
            "INSERT INTO tasks (task_id, status, action, result_status, created, design_snapshot_id) \
             VALUES ($1, 'queued', 'powercycle_node', 'unreported', now(), $2)",
        ),
        Backend::Sqlite => (
            "INSERT INTO design_content VALUES ($1, $2, $3, $4, $5, '2026-11-24T10:00:00.000000Z')",
            "INSERT INTO design_snapshot (snapshot_id, reference, digest, driver, content_type, etag, \
             revision, last_modified, location, fetched_at, stored_at) VALUES ($1, $2, $3, 'http', \
             'application/yaml', '\"e1\"', '7', NULL, 'https://d.example/rev/7', \
             '2026-11-24T10:00:00.000000Z', '2026-11-24T10:00:00.000000Z')",
            "INSERT INTO tasks (task_id, status, action, result_status, created, design_snapshot_id) \
             VALUES ($1, 'queued', 'powercycle_node', 'unreported', '2026-11-24T10:00:00.000000Z', $2)",
        ),
    };
    let values = (
        &digest,
        bytes.as_slice(),
        model.as_str(),
        report_json.as_str(),
    );
    let statements = [content, snapshot, task];
    insert_legacy(&ctx, &url, statements, values, (snapshot_id, task_id)).await;

    let store = Store::connect(&url, &StoreOptions::default())
        .await
        .unwrap();
    let hit = store
        .latest_snapshot(
            &DesignRef::parse("https://bob:pw@d.example/rev/7?token=new").unwrap(),
            "legacy",
        )
        .await
        .unwrap()
        .expect("the legacy snapshot is found by its canonical key");
    let s = &hit.summary;
    assert_eq!(s.snapshot_id, snapshot_id);
    assert_eq!(
        s.key, "https://d.example/rev/7",
        "key recomputed from the stored reference"
    );
    assert_eq!(s.reference, LEGACY_REFERENCE);
    assert_eq!(s.digest, digest);
    assert_eq!(s.digest.to_string(), format!("sha256:{}", digest.hex()));
    assert_eq!(
        (s.length, s.ingester.as_str()),
        (bytes.len() as u64, "unrecorded")
    );
    assert_eq!((s.error_count, s.warning_count), (0, 1));
    assert_eq!(s.metadata.etag.as_deref(), Some("\"e1\""));
    assert_eq!(s.metadata.content_type.as_deref(), Some("application/yaml"));
    assert_eq!(s.metadata.location, "https://d.example/rev/7");
    assert_eq!(
        (s.metadata.digest, s.metadata.length),
        (digest, bytes.len() as u64)
    );
    assert_eq!(hit.bytes.as_ref(), bytes.as_slice());
    assert_eq!(hit.model, small_site().design);
    assert_eq!(hit.report, report);
    let task = store.get_task(task_id).await.unwrap();
    assert_eq!(
        task.design_snapshot_id,
        Some(snapshot_id),
        "tasks keep their snapshot"
    );
    assert_eq!(
        task.action,
        drydock_store::TaskAction::PowerCycleNode,
        "the original's spelling, migrated"
    );
    assert!(task.result.links.is_empty() && task.attempts == 0 && task.claimed_by.is_none());
    let mut bad = drydock_store::NewTask::new(drydock_store::TaskAction::Noop);
    bad.design_snapshot_id = Some(Uuid::new_v4());
    let err = store.create_task(&bad).await.unwrap_err();
    assert!(
        matches!(
            err,
            drydock_store::StoreError::NotFound {
                what: "snapshot",
                ..
            }
        ),
        "the foreign key still holds: {err}"
    );
    bad.design_snapshot_id = Some(snapshot_id);
    store.create_task(&bad).await.unwrap();
    if ctx.backend() == Backend::Sqlite {
        let broken = count(&ctx, &url, "SELECT COUNT(*) FROM pragma_foreign_key_check").await;
        assert_eq!(broken, 0, "no dangling reference after the table rebuild");
    }
    let pending: i64 = count(&ctx, &url, "SELECT COUNT(*) FROM snapshot_key_fixup").await;
    assert_eq!(pending, 0, "the key fix-up ran once");
    store.migrate().await.unwrap();
    store.close().await;
}

/// Inserts a content row, a snapshot of it and a task on it, as version 1 stored them.
async fn insert_legacy(
    ctx: &Ctx,
    url: &str,
    [content, snapshot, task]: [&'static str; 3],
    (digest, bytes, model, report): (&Digest, &[u8], &str, &str),
    (snapshot_id, task_id): (Uuid, Uuid),
) {
    macro_rules! run {
        ($conn:expr) => {{
            let c = $conn;
            sqlx::query(content)
                .bind(digest.hex())
                .bind(bytes.len() as i64)
                .bind(bytes)
                .bind(model)
                .bind(report)
                .execute(&mut *c)
                .await
                .unwrap();
            sqlx::query(snapshot)
                .bind(snapshot_id)
                .bind(LEGACY_REFERENCE)
                .bind(digest.hex())
                .execute(&mut *c)
                .await
                .unwrap();
            sqlx::query(task)
                .bind(task_id)
                .bind(snapshot_id)
                .execute(&mut *c)
                .await
                .unwrap();
        }};
    }
    match ctx.backend() {
        Backend::Postgres => run!(&mut sqlx::PgConnection::connect(url).await.unwrap()),
        Backend::Sqlite => run!(&mut sqlx::SqliteConnection::connect(url).await.unwrap()),
    }
}

async fn count(ctx: &Ctx, url: &str, sql: &'static str) -> i64 {
    match ctx.backend() {
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
        }
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
            sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
        }
    }
}
