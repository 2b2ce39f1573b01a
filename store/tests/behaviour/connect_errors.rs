//! Honest errors at connect: a missing database or role, a TLS failure, a
//! file that is not a database, and every URL form that is right working.

use std::path::{Path, PathBuf};

use drydock_store::{Backend, NewTask, Store, StoreError, StoreOptions, TaskAction, TaskFilter};

use crate::harness::Ctx;

fn with(url: &str, edit: impl FnOnce(&mut url::Url)) -> String {
    let mut url = url::Url::parse(url).expect("test URL");
    edit(&mut url);
    url.to_string()
}

/// A missing database or role is named as such, with a hint to create or check it.
pub async fn missing_database_or_role_is_named(ctx: Ctx) {
    let options = StoreOptions::default();
    match ctx.backend() {
        Backend::Postgres => {
            let db = format!("drydock_missing_{}", uuid::Uuid::new_v4().simple());
            let url = with(&ctx.url, |u| u.set_path(&db));
            let err = Store::connect(&url, &options).await.unwrap_err();
            assert!(matches!(err, StoreError::MissingDatabase { .. }), "{err:?}");
            assert!(err.to_string().contains(&db), "{err}");
            assert!(err.hint().contains("CREATE DATABASE"), "{}", err.hint());
            assert!(!err.is_retryable());

            let url = with(&ctx.url, |u| {
                u.set_username("drydock_no_such_role").unwrap();
                u.set_password(Some("s3cret-pw")).unwrap();
            });
            let err = Store::connect(&url, &options).await.unwrap_err();
            assert!(matches!(err, StoreError::AccessDenied { .. }), "{err:?}");
            assert!(err.hint().contains("role"), "{}", err.hint());
            assert!(!format!("{err} {err:?}").contains("s3cret-pw"), "{err:?}");
            let core: drydock_core::Error = err.into();
            assert_eq!(core.kind(), drydock_core::ErrorKind::PermissionDenied);
        }
        Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("never/created.db");
            let url = format!("sqlite://{}", file.display());
            let err = Store::connect(&url, &StoreOptions::existing_only())
                .await
                .unwrap_err();
            assert!(matches!(err, StoreError::MissingDatabase { .. }), "{err:?}");
            assert!(
                err.to_string().contains(&file.display().to_string()),
                "names the path: {err}"
            );
            assert!(err.hint().contains("path"), "{}", err.hint());
            assert!(
                !file.exists() && !file.parent().unwrap().exists(),
                "nothing created"
            );
            let core: drydock_core::Error = err.into();
            assert_eq!(core.kind(), drydock_core::ErrorKind::NotFound);

            let junk = dir.path().join("junk.db");
            std::fs::write(&junk, vec![b'x'; 4096]).unwrap();
            let err = Store::connect(&junk.display().to_string(), &options)
                .await
                .unwrap_err();
            assert!(matches!(err, StoreError::InvalidUrl { .. }), "{err:?}");
            assert!(err.to_string().contains("not a SQLite database"), "{err}");

            let err = Store::connect(&dir.path().display().to_string(), &options)
                .await
                .unwrap_err();
            assert!(
                err.hint().contains("inside that directory"),
                "{err}: {}",
                err.hint()
            );
        }
    }
    // An existing database opens in the mode that never creates one.
    let store = Store::connect(&ctx.url, &StoreOptions::existing_only())
        .await
        .unwrap();
    store.list_tasks(&TaskFilter::default()).await.unwrap();
    assert!(store.is_persistent() && ctx.store.is_persistent());
}

/// A TLS failure is told to check TLS settings; SQLite refuses a TLS parameter.
pub async fn tls_failure_has_a_tls_hint(ctx: Ctx) {
    let dir = tempfile::tempdir().unwrap();
    match ctx.backend() {
        Backend::Postgres => {
            // A CA made now cannot have signed the server's certificate.
            let pki = drydock_fixtures::tls::TestPki::generate().unwrap();
            let ca = dir.path().join("ca.pem");
            std::fs::write(&ca, &pki.ca_pem).unwrap();
            let url = with(&ctx.url, |u| {
                u.query_pairs_mut()
                    .append_pair("sslmode", "verify-ca")
                    .append_pair("sslrootcert", &ca.display().to_string());
            });
            let err = Store::connect(&url, &StoreOptions::default())
                .await
                .unwrap_err();
            assert!(matches!(err, StoreError::Tls { .. }), "{err:?}");
            assert!(err.hint().contains("sslmode"), "{}", err.hint());
            assert!(!err.hint().contains("permission"), "{}", err.hint());
        }
        Backend::Sqlite => {
            let url = format!("sqlite://{}/x.db?sslmode=require", dir.path().display());
            let err = Store::connect(&url, &StoreOptions::default())
                .await
                .unwrap_err();
            assert!(matches!(err, StoreError::InvalidUrl { .. }), "{err:?}");
            assert!(err.to_string().contains("sslmode"), "{err}");
            assert!(!err.to_string().contains("scheme"), "{err}");
        }
    }
}

/// Every URL form sqlx documents opens; in-memory SQLite is not persistent.
pub async fn every_documented_url_form_opens(ctx: Ctx) {
    match ctx.backend() {
        Backend::Postgres => {
            let alias = ctx.url.replacen("postgres://", "postgresql://", 1);
            assert_eq!(opens(&alias).await.backend(), Backend::Postgres);
        }
        Backend::Sqlite => {
            let tmp = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
            let relative = relative_to_cwd(tmp.path());
            let absolute = tmp.path().display().to_string();
            let forms = [
                format!("sqlite:{}/a.db", relative.display()),
                format!("sqlite://{}/b.db", relative.display()),
                format!("sqlite://{absolute}/c.db"),
                format!("{absolute}/d.db"),
                format!("{}/e.db", relative.display()),
            ];
            for (form, file) in forms.iter().zip(["a.db", "b.db", "c.db", "d.db", "e.db"]) {
                let store = opens(form).await;
                assert!(store.is_persistent(), "{form}");
                assert_eq!(store.url(), form, "shown as given");
                store.close().await;
                assert!(tmp.path().join(file).is_file(), "{form} is the file {file}");
            }
            for memory in ["sqlite::memory:", "sqlite://:memory:"] {
                let store = Store::connect(memory, &StoreOptions::existing_only())
                    .await
                    .unwrap();
                assert!(!store.is_persistent(), "{memory}");
                let task = store
                    .create_task(&NewTask::new(TaskAction::Noop))
                    .await
                    .unwrap();
                let mut set = tokio::task::JoinSet::new();
                for _ in 0..4 {
                    let s = store.clone();
                    set.spawn(async move { s.get_task(task.task_id).await.unwrap().task_id });
                }
                assert_eq!(
                    set.join_all().await,
                    vec![task.task_id; 4],
                    "one database for every caller"
                );
                let other = Store::connect(memory, &StoreOptions::default())
                    .await
                    .unwrap();
                assert!(
                    other
                        .list_tasks(&TaskFilter::default())
                        .await
                        .unwrap()
                        .is_empty(),
                    "each its own"
                );
            }
        }
    }
}

/// A store at `url` that takes a task.
async fn opens(url: &str) -> Store {
    let store = Store::connect(url, &StoreOptions::default()).await.unwrap();
    store
        .create_task(&NewTask::new(TaskAction::Noop))
        .await
        .unwrap();
    store
}

/// `path` relative to the working directory (the package's directory).
fn relative_to_cwd(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap();
    let mut up = PathBuf::new();
    let mut base = cwd.as_path();
    loop {
        if let Ok(rest) = path.strip_prefix(base) {
            return up.join(rest);
        }
        up.push("..");
        base = base.parent().expect("a common ancestor");
    }
}
