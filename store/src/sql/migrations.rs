//! The store's migrations, embedded in the binary.
//!
//! Written out rather than with sqlx's `migrate!` (whose macros crate builds
//! sqlx's drivers a second time for the compiler): the same versions,
//! descriptions (the file name's words) and checksums (SHA-384 of the SQL,
//! computed by [`Migration::new`]), so databases migrated by either agree.
//! A test checks that every file of the migration folders is listed here.

use std::sync::LazyLock;

use sqlx::SqlStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

/// The migrations as `(version, description, PostgreSQL SQL, SQLite SQL)`,
/// in order; each folder's file is `<version>_<description with _>.sql`.
macro_rules! migrations {
    ($($version:literal $file:literal $description:literal),* $(,)?) => {
        [$((
            $version,
            $description,
            include_str!(concat!("../../migrations/postgres/", stringify!($version), "_", $file, ".sql")),
            include_str!(concat!("../../migrations/sqlite/", stringify!($version), "_", $file, ".sql")),
        )),*]
    };
}

/// Every migration, oldest first.
const MIGRATIONS: [(i64, &str, &str, &str); 6] = migrations![
    20261124000001 "initial" "initial",
    20261201000001 "snapshot_ingests" "snapshot ingests",
    20261202000001 "work_queue" "work queue",
    20261203000001 "leader_since" "leader since",
    20261206000001 "snapshot_keys_without_nested_secrets" "snapshot keys without nested secrets",
    20261207000001 "model_digests" "model digests",
];

/// A migrator of the given SQL of every migration.
fn migrator(sql: impl Fn(&(i64, &str, &'static str, &'static str)) -> &'static str) -> Migrator {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|m| {
                let text = sql(m);
                Migration::new(
                    m.0,
                    m.1.into(),
                    MigrationType::Simple,
                    SqlStr::from_static(text),
                    text.starts_with("-- no-transaction"),
                )
            })
            .collect(),
    )
}

/// PostgreSQL's migrator.
pub(crate) static PG_MIGRATOR: LazyLock<Migrator> = LazyLock::new(|| migrator(|m| m.2));
/// SQLite's migrator.
pub(crate) static SQLITE_MIGRATOR: LazyLock<Migrator> = LazyLock::new(|| migrator(|m| m.3));

#[cfg(test)]
mod tests {
    use super::*;

    /// The files of a migration folder, as `(version, description)`.
    fn folder(backend: &str) -> Vec<(i64, String)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(backend);
        let mut found: Vec<(i64, String)> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .map(|name| {
                let (version, rest) = name.split_once('_').expect("<version>_<name>.sql");
                let description = rest.strip_suffix(".sql").expect(".sql").replace('_', " ");
                (version.parse().expect("a numeric version"), description)
            })
            .collect();
        found.sort();
        found
    }

    #[test]
    fn every_migration_file_is_listed_with_its_description() {
        let listed: Vec<(i64, String)> = MIGRATIONS.iter().map(|m| (m.0, m.1.to_owned())).collect();
        assert_eq!(folder("postgres"), listed);
        assert_eq!(folder("sqlite"), listed);
    }

    #[test]
    fn checksums_are_sha384_of_the_files_as_migrate_would_compute() {
        use sha2::{Digest as _, Sha384};
        for (m, (version, _, pg, _)) in PG_MIGRATOR.iter().zip(MIGRATIONS) {
            assert_eq!(m.version, version);
            assert_eq!(m.checksum.as_ref(), Sha384::digest(pg).as_slice());
        }
        assert_eq!(SQLITE_MIGRATOR.iter().count(), MIGRATIONS.len());
    }
}
