//! The SQLite backend: one file, writes in `BEGIN IMMEDIATE` transactions
//! (the file's write lock orders concurrent writers), JSON as text,
//! timestamps as fixed-width RFC 3339 text in UTC (so they sort as text).

#[macro_use]
mod tasks;
mod claims;
pub(crate) mod records;

use std::path::Path;

use sqlx::Sqlite;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};

use crate::error::{Result, StoreError};
use crate::options::StoreOptions;
use crate::sql::SqlStore;

/// A pool of connections to one SQLite file.
pub(crate) type SqliteStore = SqlStore<Sqlite>;

impl SqliteStore {
    /// Opens `file` (an in-memory database when `None`); creates it and its
    /// directory when missing unless `options.create_missing` is false.
    /// With `options.migrate`, also returns the file's migration lock (see
    /// [`lock_for_migration`]): hold it until migrated.
    pub(crate) async fn connect(
        connect: SqliteConnectOptions,
        file: Option<&Path>,
        display: String,
        options: &StoreOptions,
    ) -> Result<(Self, Option<std::fs::File>)> {
        let mut lock = None;
        let mut connect = connect
            .create_if_missing(options.create_missing)
            .foreign_keys(true)
            .synchronous(if options.durable_commits {
                SqliteSynchronous::Full
            } else {
                SqliteSynchronous::Normal
            })
            .busy_timeout(options.busy_timeout);
        if let Some(file) = file {
            prepare_file(file, &display, options.create_missing).await?;
            if options.migrate {
                lock = lock_for_migration(file, options.create_missing).await;
            }
            connect = connect.journal_mode(SqliteJournalMode::Wal);
        }
        let store = SqlStore::open(
            connect,
            display,
            options,
            file.is_none(),
            // A file is never refused: the pool's error comes at once.
            std::future::pending(),
        )
        .await?;
        Ok((store, lock))
    }
}

/// An exclusive advisory lock (`flock`) on the database file (created empty
/// when missing and `create`: SQLite reads an empty file as an empty
/// database), taken before the first connection and held while migrating.
/// SQLite has no migration lock of its own: processes opening a new file at
/// once would race to switch it to WAL ("database is locked") and apply the
/// same migration twice (the second fails, e.g. "duplicate column").
/// SQLite's own locks are `fcntl` locks, which `flock` does not touch.
/// `None` (no lock, as before) when the file system cannot lock.
async fn lock_for_migration(file: &Path, create: bool) -> Option<std::fs::File> {
    let file = file.to_owned();
    let locked = tokio::task::spawn_blocking(move || {
        let handle = std::fs::OpenOptions::new()
            .read(true)
            .append(create)
            .create(create)
            .open(&file)?;
        handle.lock()?;
        Ok::<_, std::io::Error>(handle)
    })
    .await;
    locked.ok().and_then(Result::ok)
}

/// Checks that `file` exists, or creates its directory when it may be created.
async fn prepare_file(file: &Path, display: &str, create: bool) -> Result<()> {
    // A store is a regular file or nothing yet: never a device, a FIFO or a
    // socket (nor a symlink to one), next to which SQLite would create its
    // journals (`/dev/null-journal`).
    if let Ok(meta) = tokio::fs::metadata(file).await
        && !meta.is_file()
    {
        return Err(StoreError::InvalidUrl {
            url: display.to_owned(),
            reason: format!("{} is not a regular file", file.display()),
            hint: "name a database file that is absent or a regular file, e.g. ~/.local/share/drydock/drydock.db",
        });
    }
    if !create {
        return match tokio::fs::try_exists(file).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(StoreError::MissingDatabase {
                url: display.to_owned(),
                source: None,
            }),
            Err(e) => Err(StoreError::AccessDenied {
                url: display.to_owned(),
                source: sqlx::Error::Io(e),
            }),
        };
    }
    let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return Ok(());
    };
    tokio::fs::create_dir_all(dir).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::PermissionDenied {
            StoreError::AccessDenied {
                url: display.to_owned(),
                source: sqlx::Error::Io(e),
            }
        } else {
            StoreError::InvalidUrl {
                url: display.to_owned(),
                reason: format!("cannot create the directory {}: {e}", dir.display()),
                hint: "choose a file whose directory can be created, or create the directory first",
            }
        }
    })?;
    create_private(file, display).await
}

/// Creates `file` empty and readable by its owner only (0600) when absent:
/// it will hold designs with their IPMI credentials, and SQLite creates its
/// journal, WAL and shared-memory files with the database file's mode.
async fn create_private(file: &Path, display: &str) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let path = file.to_owned();
    let created = tokio::task::spawn_blocking(move || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
    })
    .await;
    match created {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Ok(Err(e)) => Err(StoreError::AccessDenied {
            url: display.to_owned(),
            source: sqlx::Error::Io(e),
        }),
        // The blocking pool is gone: SQLite creates the file itself.
        Err(_) => Ok(()),
    }
}
