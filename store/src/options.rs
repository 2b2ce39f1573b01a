//! [`StoreOptions`]: pool sizes and timeouts, and the default SQLite location.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Pool sizes and timeouts for [`crate::Store::connect`].
///
/// ```
/// use std::time::Duration;
/// let options = drydock_store::StoreOptions {
///     max_connections: 4,
///     acquire_timeout: Duration::from_secs(2),
///     ..Default::default()
/// };
/// assert!(options.migrate);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreOptions {
    /// Most connections the pool keeps open (SQLite: readers and the writer
    /// together; PostgreSQL: plus one held for claims once the store claims).
    pub max_connections: u32,
    /// Connections kept open even when idle.
    pub min_connections: u32,
    /// How long a call waits for a free connection (or a new one to open) before
    /// failing with [`crate::StoreError::Unavailable`].
    #[serde(with = "secs")]
    pub acquire_timeout: Duration,
    /// Idle connections are closed after this long.
    #[serde(with = "secs")]
    pub idle_timeout: Duration,
    /// SQLite only: how long a writer waits for the file's write lock before failing.
    #[serde(with = "secs")]
    pub busy_timeout: Duration,
    /// PostgreSQL only: per-statement timeout set on every connection (zero: none).
    #[serde(with = "secs")]
    pub statement_timeout: Duration,
    /// Every acknowledged write survives a crash of the database server or of
    /// the machine (PostgreSQL `synchronous_commit=on`, SQLite `synchronous=FULL`).
    /// False trades that for speed: PostgreSQL `synchronous_commit=off` (a server
    /// crash may lose the last fraction of a second of acknowledged commits, never
    /// corrupts), SQLite `synchronous=NORMAL` (a power loss may lose the last commits).
    pub durable_commits: bool,
    /// Apply the embedded migrations on connect (otherwise call [`crate::Store::migrate`]).
    pub migrate: bool,
    /// SQLite: create the database file (and its directory) when missing.
    /// False for commands that only read: a missing file is then
    /// [`crate::StoreError::MissingDatabase`] naming the path.
    pub create_missing: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            max_connections: 10,
            min_connections: 0,
            acquire_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(300),
            busy_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(60),
            durable_commits: true,
            migrate: true,
            create_missing: true,
        }
    }
}

impl StoreOptions {
    /// The default options, but never creating a database file: for commands that only read.
    pub fn existing_only() -> Self {
        StoreOptions {
            create_missing: false,
            ..StoreOptions::default()
        }
    }

    /// These options with a pool of one connection, opened when the store
    /// is: for a command that does one thing at a time and exits (the
    /// CLI's), so that it opens one connection in all (the migrations
    /// check and the work share it).
    pub fn single_connection(self) -> Self {
        StoreOptions {
            max_connections: 1,
            min_connections: 0,
            ..self
        }
    }
}

mod secs {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let secs = f64::deserialize(d)?;
        Duration::try_from_secs_f64(secs).map_err(serde::de::Error::custom)
    }
}

/// The SQLite database the CLI uses when none is given:
/// `$XDG_DATA_HOME/drydock/drydock.db`, else `$HOME/.local/share/drydock/drydock.db`,
/// else `./drydock.db`. [`crate::Store::connect`] creates the file and its directory.
pub fn default_sqlite_path() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".local/share"))
        });
    match base {
        Some(dir) => dir.join("drydock").join("drydock.db"),
        None => PathBuf::from("drydock.db"),
    }
}

/// [`default_sqlite_path`] as a `sqlite://` URL for [`crate::Store::connect`].
pub fn default_sqlite_url() -> String {
    format!("sqlite://{}", default_sqlite_path().display())
}

/// The URL with its password replaced by `***` and secret-looking query values hidden,
/// for error messages and logs; the value of a parameter PostgreSQL's driver
/// does not know is hidden too (it is refused, and might be a secret).
/// SQLite URLs and file paths hold no secret and are returned as they are.
pub fn redact_url(url: &str) -> String {
    let sqlite = crate::connect::scheme(url).is_none_or(|s| s.eq_ignore_ascii_case("sqlite"));
    if sqlite {
        return url.to_owned();
    }
    match url::Url::parse(url) {
        // The same redaction as every design reference (drydock-core), plus
        // the values of parameters the driver does not know.
        Ok(mut parsed) => {
            if let Some(query) = parsed.query() {
                let query = query
                    .split('&')
                    .map(|pair| match pair.split_once('=') {
                        Some((key, _)) if !crate::connect::is_known_parameter(key) => {
                            format!("{key}={}", drydock_core::REDACTED)
                        }
                        _ => pair.to_owned(),
                    })
                    .collect::<Vec<_>>()
                    .join("&");
                parsed.set_query(Some(&query));
            }
            drydock_core::redact_url(&parsed)
        }
        // Unparseable: keep only the scheme, which cannot hold a secret.
        Err(_) => match url.split_once(':') {
            Some((scheme, _)) => format!("{scheme}:***"),
            None => drydock_core::REDACTED.to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_password_and_secret_query() {
        let r = redact_url("postgres://app:s3cret@db:5432/drydock?sslpassword=x&sslmode=require");
        assert!(!r.contains("s3cret"), "{r}");
        assert!(r.contains("app:***@db"), "{r}");
        assert!(r.contains("sslmode=require"), "{r}");
        assert!(!r.contains("sslpassword=x"), "{r}");
    }

    #[test]
    fn options_refuse_unknown_keys_and_take_seconds() {
        let o: StoreOptions =
            serde_json::from_str(r#"{"max_connections": 3, "acquire_timeout": 0.5}"#).unwrap();
        assert_eq!(o.max_connections, 3);
        assert_eq!(o.acquire_timeout, Duration::from_millis(500));
        assert!(o.durable_commits && o.migrate);
        let e = serde_json::from_str::<StoreOptions>(r#"{"max_conections": 3}"#).unwrap_err();
        assert!(e.to_string().contains("max_conections"), "{e}");
        assert!(serde_json::from_str::<StoreOptions>(r#"{"busy_timeout": -1}"#).is_err());
    }

    #[test]
    fn unparseable_url_keeps_only_scheme() {
        assert_eq!(redact_url("postgres://a:b@[bad"), "postgres:***");
    }

    #[test]
    fn sqlite_urls_and_paths_are_shown_as_given() {
        for shown in [
            "sqlite:///var/lib/x.db",
            "sqlite:rel.db",
            "/var/lib/x.db",
            "./x.db",
        ] {
            assert_eq!(redact_url(shown), shown);
        }
    }

    #[test]
    fn default_path_ends_in_drydock_db() {
        assert!(default_sqlite_path().ends_with("drydock.db"));
        assert!(default_sqlite_url().starts_with("sqlite://"));
    }
}
