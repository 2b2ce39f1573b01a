//! A database that is down, unreachable or locked gives typed errors, then works
//! again when it is back, with nothing committed lost.

use std::time::{Duration, Instant};

use drydock_store::{
    Backend, NewResultMessage, NewTask, Store, StoreError, StoreOptions, TaskAction, TaskFilter,
};
use sqlx::Connection;

use crate::claims::worker;
use crate::harness::Ctx;
use drydock_fixtures::proxy::Proxy;

pub async fn unreachable_at_connect_is_a_typed_error(ctx: Ctx) {
    // Default options: a 5-second acquire timeout that a refusal must not wait for.
    let options = StoreOptions::default();
    match ctx.backend() {
        Backend::Postgres => {
            // Port 1 on loopback: nothing listens there.
            let url = "postgres://drydock:hunter2@127.0.0.1:1/drydock";
            let start = Instant::now();
            let err = Store::connect(url, &options).await.unwrap_err();
            let took = start.elapsed();
            assert!(
                took < Duration::from_secs(2),
                "a refusal answers at once, took {took:?}"
            );
            assert!(matches!(err, StoreError::Unavailable { .. }), "{err:?}");
            assert!(err.is_retryable());
            let text = err.to_string();
            assert!(!text.contains("hunter2"), "password leaked: {text}");
            assert!(
                text.contains("drydock:***@127.0.0.1:1"),
                "names the URL: {text}"
            );
            assert!(err.hint().contains("server runs"), "{}", err.hint());
            // The test server trusts everyone, so a password in the URL is
            // accepted and ignored: it must show up nowhere.
            let mut with_pw = url::Url::parse(&ctx.url).unwrap();
            with_pw.set_password(Some("hunter2")).unwrap();
            let store = Store::connect(with_pw.as_str(), &options).await.unwrap();
            let shown = format!("{store:?} {}", store.url());
            assert!(
                !shown.contains("hunter2") && shown.contains("***"),
                "{shown}"
            );
            let core: drydock_core::Error = err.into();
            assert_eq!(core.kind(), drydock_core::ErrorKind::Unavailable);
            assert!(core.is_retryable());
            assert!(core.hint().contains("server runs"), "{}", core.hint());
            assert!(!core.to_string().contains("store driver"), "{core}");
        }
        Backend::Sqlite => {
            // A directory that cannot be created: not "unavailable", and the
            // path is shown as given (it holds no secret).
            let url = "sqlite:///proc/drydock-no-such-dir/drydock.db";
            let err = Store::connect(url, &options).await.unwrap_err();
            assert!(matches!(err, StoreError::InvalidUrl { .. }), "{err:?}");
            assert!(!err.is_retryable());
            assert!(err.to_string().contains(url), "names the URL: {err}");
            assert!(
                err.to_string().contains("/proc/drydock-no-such-dir"),
                "{err}"
            );
            assert!(err.hint().contains("directory"), "{}", err.hint());
            let core: drydock_core::Error = err.into();
            assert_eq!(core.kind(), drydock_core::ErrorKind::Rejected);
        }
    }
    let err = Store::connect("mysql://root:pw@127.0.0.1/x", &options)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::UnsupportedUrl { .. }), "{err}");
    assert!(!err.to_string().contains(":pw@"), "{err}");
    assert!(err.hint().contains("postgres://"), "{}", err.hint());
}

/// Migrations: idempotent, explicit when asked, and a store without them fails typed.
pub async fn migrations_explicit_and_idempotent(ctx: Ctx) {
    ctx.store.migrate().await.unwrap();
    let manual = StoreOptions {
        migrate: false,
        ..Default::default()
    };
    let again = ctx.another(&manual).await;
    again.migrate().await.unwrap();
    again
        .create_task(&NewTask::new(TaskAction::Noop))
        .await
        .unwrap();
    if ctx.backend() == Backend::Sqlite {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/new/deeper/fresh.db", dir.path().display());
        let fresh = Store::connect(&url, &manual).await.unwrap();
        assert!(
            dir.path().join("new/deeper/fresh.db").exists(),
            "file and directories created"
        );
        let err = fresh
            .create_task(&NewTask::new(TaskAction::Noop))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Database { .. }),
            "no tables yet: {err:?}"
        );
        fresh.migrate().await.unwrap();
        fresh
            .create_task(&NewTask::new(TaskAction::Noop))
            .await
            .unwrap();
    }
}

pub async fn outage_mid_run_errors_then_recovers(ctx: Ctx) {
    match ctx.backend() {
        Backend::Postgres => postgres_cut(ctx).await,
        Backend::Sqlite => sqlite_locked(ctx).await,
    }
}

async fn write_some(store: &Store, n: usize) -> Vec<drydock_store::Uuid> {
    let mut ids = Vec::new();
    for i in 0..n {
        let t = store
            .create_task(&NewTask::new(TaskAction::VerifyNodes))
            .await
            .unwrap();
        store
            .append_message(t.task_id, &NewResultMessage::new(format!("m{i}"), false))
            .await
            .unwrap();
        ids.push(t.task_id);
    }
    ids
}

async fn check_all_there(store: &Store, ids: &[drydock_store::Uuid]) {
    for id in ids {
        let t = store.get_task(*id).await.unwrap();
        assert_eq!(t.messages.len(), 1, "committed message of {id} kept");
    }
}

async fn retry_until_ok(store: &Store) -> drydock_store::Task {
    let start = Instant::now();
    loop {
        match store
            .create_task(&NewTask::new(TaskAction::VerifyNodes))
            .await
        {
            Ok(t) => return t,
            Err(e) => {
                assert!(e.is_retryable(), "while recovering: {e}");
                assert!(
                    start.elapsed() < Duration::from_secs(20),
                    "never recovered: {e}"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn postgres_cut(ctx: Ctx) {
    let url = url::Url::parse(&ctx.url).unwrap();
    let host = url.host_str().unwrap().trim_matches(['[', ']']).to_owned();
    let upstream = tokio::net::lookup_host((host.as_str(), url.port().unwrap_or(5432)))
        .await
        .unwrap()
        .next()
        .unwrap();
    let proxy = Proxy::start(upstream).await;
    let mut via = url.clone();
    via.set_host(Some("127.0.0.1")).unwrap();
    via.set_port(Some(proxy.addr.port())).unwrap();
    let options = StoreOptions {
        acquire_timeout: Duration::from_secs(1),
        max_connections: 3,
        ..Default::default()
    };
    let store = Store::connect(via.as_str(), &options).await.unwrap();
    let before = write_some(&store, 30).await;

    proxy.cut().await;
    for _ in 0..3 {
        let err = store
            .create_task(&NewTask::new(TaskAction::VerifyNodes))
            .await
            .unwrap_err();
        assert!(err.is_retryable(), "{err:?}");
        assert!(
            err.to_string()
                .contains(&format!("127.0.0.1:{}", proxy.addr.port())),
            "names the URL: {err}"
        );
        let err = store.get_task(before[0]).await.unwrap_err();
        assert!(matches!(err, StoreError::Unavailable { .. }), "{err:?}");
    }
    let err = store.claim_next_task(&worker(&[])).await.unwrap_err();
    assert!(matches!(err, StoreError::Unavailable { .. }), "{err:?}");
    // The work-queue calls fail typed too, at once, and never hang.
    let owner = drydock_store::Uuid::new_v4();
    let err = store
        .renew_claims(owner, Duration::from_secs(30))
        .await
        .unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    assert!(matches!(
        store.ping().await,
        Err(StoreError::Unavailable { .. })
    ));
    let waited = tokio::time::timeout(
        Duration::from_secs(10),
        store.wait_for_task(Duration::from_secs(60)),
    )
    .await
    .expect("an outage ends the wait with an error, not a hang");
    assert!(
        matches!(waited, Err(StoreError::Unavailable { .. })),
        "{waited:?}"
    );

    proxy.restore();
    let after = retry_until_ok(&store).await;
    check_all_there(&store, &before).await;
    check_all_there(&ctx.store, &before).await;
    let all = ctx.store.list_tasks(&TaskFilter::default()).await.unwrap();
    assert_eq!(
        all.len(),
        before.len() + 1,
        "nothing lost, nothing half-written"
    );
    assert!(all.iter().any(|t| t.task_id == after.task_id));

    // The server kills every session of this database, as a restart would.
    let db = url.path().trim_start_matches('/').to_owned();
    let mut admin = sqlx::PgConnection::connect(&crate::harness::pg_admin_url())
        .await
        .unwrap();
    let killed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = $1 AND pid <> pg_backend_pid()) k",
    )
    .bind(&db)
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert!(killed > 0, "the store's sessions were there to kill");
    let mut failures = 0;
    let again = loop {
        match store
            .create_task(&NewTask::new(TaskAction::VerifyNodes))
            .await
        {
            Ok(t) => break t,
            Err(e) => {
                assert!(e.is_retryable(), "after the sessions were killed: {e:?}");
                failures += 1;
                assert!(failures < 50, "never recovered: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    };
    check_all_there(&store, &before).await;
    assert_eq!(
        ctx.store.get_task(again.task_id).await.unwrap().task_id,
        again.task_id
    );
    let all = ctx.store.list_tasks(&TaskFilter::default()).await.unwrap();
    assert_eq!(all.len(), before.len() + 2);
}

async fn sqlite_locked(ctx: Ctx) {
    let options = StoreOptions {
        busy_timeout: Duration::from_millis(300),
        ..Default::default()
    };
    let store = ctx.another(&options).await;
    let before = write_some(&store, 30).await;

    // Another process takes the file's write lock and keeps it.
    let mut holder = sqlx::SqliteConnection::connect(&ctx.url).await.unwrap();
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut holder)
        .await
        .unwrap();
    for _ in 0..3 {
        let err = store
            .create_task(&NewTask::new(TaskAction::VerifyNodes))
            .await
            .unwrap_err();
        assert!(err.is_retryable(), "{err:?}");
        assert!(
            err.to_string().contains(&ctx.url.replace("sqlite://", "")),
            "names the file: {err}"
        );
        let err = store
            .append_message(before[0], &NewResultMessage::new("late", false))
            .await
            .unwrap_err();
        assert!(err.is_retryable(), "{err:?}");
        let err = store.claim_tasks(&worker(&[]), 10).await.unwrap_err();
        assert!(err.is_retryable(), "{err:?}");
    }
    // Reads go on while the file is locked for writing.
    store.ping().await.unwrap();
    sqlx::query("COMMIT").execute(&mut holder).await.unwrap();
    holder.close().await.unwrap();

    let after = retry_until_ok(&store).await;
    check_all_there(&store, &before).await;
    let all = ctx.store.list_tasks(&TaskFilter::default()).await.unwrap();
    assert_eq!(
        all.len(),
        before.len() + 1,
        "nothing lost, nothing half-written"
    );
    assert!(all.iter().any(|t| t.task_id == after.task_id));

    // A closed store answers with a typed error, not a panic or an empty result.
    store.close().await;
    let err = store.get_task(before[0]).await.unwrap_err();
    assert!(matches!(err, StoreError::Unavailable { .. }), "{err:?}");
}
