//! No secret reaches a log line: sqlx's own log events (statements, connect
//! problems, ignored parameters) are captured while the store is used with
//! credentials in its URL, and searched.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use drydock_store::{Backend, NewResultMessage, NewTask, Store, StoreOptions, TaskAction};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, filter};

use crate::harness::Ctx;

/// Everything logged while recording is on.
static LINES: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static RECORDING: AtomicBool = AtomicBool::new(false);
static INSTALLED: OnceLock<()> = OnceLock::new();
/// One recording at a time: the PostgreSQL and SQLite runs of this test share
/// the process-wide subscriber and would otherwise switch each other's
/// recording off.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct Lines;

impl Write for Lines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LINES.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Records every event of every level while `work` runs; returns the lines.
async fn recorded(work: impl AsyncFnOnce()) -> String {
    INSTALLED.get_or_init(|| {
        let layer = tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_writer(|| Lines)
            .with_filter(filter::filter_fn(|_| RECORDING.load(Ordering::SeqCst)));
        tracing_subscriber::registry()
            .with(layer)
            .try_init()
            .expect("the only global subscriber of this test binary");
    });
    let _turn = ONE_AT_A_TIME.lock().await;
    LINES.lock().expect("log buffer").clear();
    RECORDING.store(true, Ordering::SeqCst);
    work().await;
    RECORDING.store(false, Ordering::SeqCst);
    String::from_utf8_lossy(&std::mem::take(&mut *LINES.lock().expect("log buffer"))).into_owned()
}

pub async fn no_secret_reaches_a_log_line(ctx: Ctx) {
    let secret = format!("hunter2-{}", uuid::Uuid::new_v4().simple());
    let secret = Arc::new(secret);
    let s2 = secret.clone();
    let url = ctx.url.clone();
    let backend = ctx.backend();
    let lines = recorded(async move || {
        let secret = s2.as_str();
        let with = |edit: &dyn Fn(&mut url::Url)| {
            let mut u = url::Url::parse(&url).expect("URL");
            edit(&mut u);
            u.to_string()
        };
        let usable = match backend {
            // The test server trusts every connection: the password is sent and ignored.
            Backend::Postgres => with(&|u| u.set_password(Some(secret)).expect("password")),
            Backend::Sqlite => url.clone(),
        };
        let store = Store::connect(&usable, &StoreOptions::default())
            .await
            .expect("connect");
        let task = store
            .create_task(&NewTask::new(TaskAction::Noop))
            .await
            .expect("task");
        store
            .append_message(task.task_id, &NewResultMessage::new("logged?", false))
            .await
            .expect("message");
        store.close().await;
        if backend == Backend::Postgres {
            let refused = [
                with(&|u| {
                    u.set_password(Some(secret)).expect("password");
                    u.query_pairs_mut().append_pair("sslpassword", secret);
                }),
                with(&|u| {
                    u.query_pairs_mut().append_pair("sslpasword", secret);
                }),
                with(&|u| {
                    u.set_password(Some(secret)).expect("password");
                    u.set_path("/drydock_no_such_database");
                }),
                format!("postgres://drydock:{secret}@127.0.0.1:1/x"),
            ];
            for url in refused {
                let err = Store::connect(&url, &StoreOptions::default())
                    .await
                    .unwrap_err();
                let text = format!("{err} {err:?} {}", err.hint());
                assert!(!text.contains(secret), "the error shows the secret: {text}");
            }
        }
    })
    .await;
    assert!(
        lines.contains("sqlx::query"),
        "sqlx's own lines were captured:\n{lines:.2000}"
    );
    assert!(
        !lines.contains(secret.as_str()),
        "a log line shows the secret:\n{lines}"
    );
}
