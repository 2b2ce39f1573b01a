//! Reading a store URL: which backend, which options, and how to show it.
//!
//! `postgres://` / `postgresql://` URLs go to PostgreSQL (their password and
//! secret-looking parameters are shown as `***`; a parameter sqlx does not
//! know is refused, never handed to sqlx, which would log its value).
//! `sqlite:` URLs are read exactly as sqlx documents them (`sqlite:relative.db`,
//! `sqlite://relative.db`, `sqlite:///abs.db`, `sqlite::memory:`,
//! `sqlite://:memory:`, query parameters such as `mode=ro`), and a plain
//! file path (`/var/lib/x.db`, `./x.db`, `x.db`) is a SQLite file. Paths hold
//! no secret and are shown as given.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;

use crate::error::{Result, StoreError};
use crate::options::redact_url;

/// URL schemes [`crate::Store::connect`] accepts (besides plain file paths).
pub const SCHEMES: &[&str] = &["postgres", "postgresql", "sqlite"];

/// Query parameters of a PostgreSQL URL that sqlx understands.
const PG_PARAMETERS: &[&str] = &[
    "sslmode",
    "ssl-mode",
    "sslrootcert",
    "ssl-root-cert",
    "ssl-ca",
    "sslcert",
    "ssl-cert",
    "sslkey",
    "ssl-key",
    "statement-cache-capacity",
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "password",
    "application_name",
    "options",
];

/// Whether sqlx reads this query parameter of a PostgreSQL URL.
pub(crate) fn is_known_parameter(key: &str) -> bool {
    PG_PARAMETERS.contains(&key) || key.starts_with("options[")
}

/// A store URL, read.
pub(crate) struct Target {
    /// Where to connect.
    pub(crate) backend: BackendOptions,
    /// How to show it: secrets redacted, paths as given.
    pub(crate) display: String,
}

/// The connect options of one backend.
pub(crate) enum BackendOptions {
    /// A PostgreSQL server.
    Postgres(Box<PgConnectOptions>),
    /// A SQLite file, or an in-memory database when `file` is `None`.
    Sqlite {
        /// The options as parsed.
        options: Box<SqliteConnectOptions>,
        /// The file, unless in memory.
        file: Option<PathBuf>,
    },
}

/// Reads `input` as a store URL or a SQLite file path.
pub(crate) fn parse(input: &str) -> Result<Target> {
    let shown = redact_url(input);
    let invalid = |reason: String, hint| invalid(&shown, reason, hint);
    if input.trim().is_empty() {
        return Err(invalid(
            "it is empty".into(),
            "give postgres://user@host/database, sqlite:///absolute/file.db or a file path",
        ));
    }
    if input.trim() != input {
        return Err(invalid(
            "it has leading or trailing white space".into(),
            "remove the white space around the URL",
        ));
    }
    match scheme(input) {
        None => sqlite_file(input, Path::new(input)),
        Some(s) if s.eq_ignore_ascii_case("sqlite") => sqlite(input),
        Some(s) if s.eq_ignore_ascii_case("postgres") || s.eq_ignore_ascii_case("postgresql") => {
            postgres(input)
        }
        Some(other) => Err(StoreError::UnsupportedUrl {
            url: redact_url(input),
            reason: format!(
                "`{other}` is not a supported scheme (supported: {}, or a SQLite file path)",
                SCHEMES.join(", ")
            ),
        }),
    }
}

/// `url` (as shown) cannot be used: `reason`, and `hint` what to do.
fn invalid(url: &str, reason: String, hint: &'static str) -> StoreError {
    StoreError::InvalidUrl {
        url: url.to_owned(),
        reason,
        hint,
    }
}

/// The scheme of `input`, or `None` when it reads as a file path.
pub(crate) fn scheme(input: &str) -> Option<&str> {
    if input.starts_with(['/', '.', '~']) {
        return None;
    }
    let (scheme, _) = input.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

fn sqlite(input: &str) -> Result<Target> {
    // sqlx strips a lower-case `sqlite:` only; the scheme is case-insensitive.
    let lower = format!("sqlite{}", &input["sqlite".len()..]);
    let options = SqliteConnectOptions::from_str(&lower).map_err(|e| StoreError::InvalidUrl {
        url: input.to_owned(),
        reason: e.to_string(),
        hint: "write it as sqlx reads SQLite URLs: sqlite:///absolute/file.db, \
               sqlite:relative.db or sqlite::memory:",
    })?;
    let file = options.get_filename();
    if file.to_string_lossy().starts_with("file:sqlx-in-memory-") || is_memory(input) {
        return Ok(Target {
            display: input.to_owned(),
            backend: BackendOptions::Sqlite {
                options: Box::new(options),
                file: None,
            },
        });
    }
    let file = file.to_path_buf();
    sqlite_checked(input, options, file)
}

/// Whether a `sqlite:` URL asks for an in-memory database (`mode=memory`).
fn is_memory(input: &str) -> bool {
    input.split_once('?').is_some_and(|(_, q)| {
        url::form_urlencoded::parse(q.as_bytes()).any(|(k, v)| k == "mode" && v == "memory")
    })
}

fn sqlite_file(input: &str, path: &Path) -> Result<Target> {
    let options = SqliteConnectOptions::new().filename(path);
    sqlite_checked(input, options, path.to_path_buf())
}

/// A SQLite file target, refused when the path cannot be a database file.
fn sqlite_checked(input: &str, options: SqliteConnectOptions, file: PathBuf) -> Result<Target> {
    let invalid = |reason: String, hint| invalid(input, reason, hint);
    if file.as_os_str().is_empty() {
        return Err(invalid(
            "it names no file".into(),
            "name the database file, e.g. sqlite:///var/lib/drydock/drydock.db",
        ));
    }
    if file.is_dir() {
        return Err(invalid(
            format!("{} is a directory", file.display()),
            "name a database file inside that directory, e.g. <directory>/drydock.db",
        ));
    }
    Ok(Target {
        display: input.to_owned(),
        backend: BackendOptions::Sqlite {
            options: Box::new(options),
            file: Some(file),
        },
    })
}

fn postgres(input: &str) -> Result<Target> {
    let display = redact_url(input);
    let invalid = |reason: String, hint| invalid(&display, reason, hint);
    let parsed = url::Url::parse(input).map_err(|e| {
        invalid(
            format!("not a valid URL ({e})"),
            "write it as postgres://user:password@host:port/database",
        )
    })?;
    for (key, _) in parsed.query_pairs() {
        if key == "sslpassword" {
            return Err(invalid(
                "`sslpassword` is not supported (encrypted client keys are not)".into(),
                "use an unencrypted client key file (sslkey) and remove sslpassword",
            ));
        }
        if !is_known_parameter(&key) {
            return Err(invalid(
                format!(
                    "unknown connect parameter `{key}` (known: {})",
                    PG_PARAMETERS.join(", ")
                ),
                "remove the parameter or correct its name",
            ));
        }
    }
    let options = PgConnectOptions::from_str(input).map_err(|e| {
        let text = e.to_string();
        let reason = match parsed.password().filter(|p| !p.is_empty()) {
            Some(pw) => text.replace(pw, drydock_core::REDACTED),
            None => text,
        };
        invalid(
            reason,
            "write it as postgres://user:password@host:port/database",
        )
    })?;
    let sslmode_given = parsed
        .query_pairs()
        .any(|(k, _)| k == "sslmode" || k == "ssl-mode")
        || std::env::var_os("PGSSLMODE").is_some();
    let options = if !sslmode_given && is_loopback(options.get_host()) {
        // The default `prefer` would negotiate TLS with a loopback server
        // that offers it, which protects nothing on one host and costs each
        // connection a handshake (about 150 ms with sqlx): plain text, unless
        // the URL or PGSSLMODE asks for a mode.
        options.ssl_mode(sqlx::postgres::PgSslMode::Disable)
    } else {
        options
    };
    Ok(Target {
        display,
        backend: BackendOptions::Postgres(Box::new(options)),
    })
}

/// Whether `host` is this machine over TCP (`localhost`, 127.0.0.0/8, `::1`).
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_of(input: &str) -> Option<PathBuf> {
        match parse(input).unwrap().backend {
            BackendOptions::Sqlite { file, .. } => file,
            BackendOptions::Postgres(_) => panic!("{input} is SQLite"),
        }
    }

    #[test]
    fn sqlite_urls_read_as_sqlx_documents_them() {
        assert_eq!(file_of("sqlite:relative.db"), Some("relative.db".into()));
        assert_eq!(file_of("sqlite://relative.db"), Some("relative.db".into()));
        assert_eq!(file_of("sqlite:///abs/x.db"), Some("/abs/x.db".into()));
        assert_eq!(
            file_of("sqlite:///abs/x.db?mode=rwc"),
            Some("/abs/x.db".into())
        );
        assert_eq!(file_of("SQLite:///abs/x.db"), Some("/abs/x.db".into()));
        assert_eq!(file_of("sqlite::memory:"), None);
        assert_eq!(file_of("sqlite://:memory:"), None);
        assert_eq!(file_of("sqlite://?mode=memory"), None);
    }

    #[test]
    fn plain_paths_are_sqlite_files_shown_as_given() {
        for path in ["/var/lib/x.db", "./x.db", "../x.db", "x.db", "dir/x.db"] {
            let target = parse(path).unwrap();
            assert_eq!(target.display, path, "a path is never redacted");
            assert!(
                matches!(target.backend, BackendOptions::Sqlite { file: Some(ref f), .. } if f == Path::new(path))
            );
        }
    }

    #[test]
    fn a_directory_is_told_to_name_a_file() {
        let dir = std::env::temp_dir();
        let err = parse(&dir.display().to_string()).err().unwrap();
        assert!(matches!(&err, StoreError::InvalidUrl { .. }), "{err}");
        assert!(
            err.to_string().contains(&dir.display().to_string()),
            "{err}"
        );
        assert!(
            err.hint().contains("inside that directory"),
            "{}",
            err.hint()
        );
        let url = format!("sqlite://{}", dir.display());
        assert!(
            parse(&url)
                .err()
                .unwrap()
                .hint()
                .contains("inside that directory")
        );
    }

    #[test]
    fn wrong_schemes_are_named_right_schemes_never_are() {
        let err = parse("mysql://root:pw@127.0.0.1/x").err().unwrap();
        assert!(matches!(err, StoreError::UnsupportedUrl { .. }), "{err}");
        assert!(
            err.to_string().contains("`mysql`") && !err.to_string().contains(":pw@"),
            "{err}"
        );
        for right in ["sqlite:", "sqlite://", "postgres://h:notaport/db"] {
            if let Err(e) = parse(right) {
                assert!(!e.to_string().contains("scheme"), "{right}: {e}");
            }
        }
    }

    #[test]
    fn a_loopback_server_is_reached_in_plain_text_unless_a_mode_is_given() {
        use sqlx::postgres::PgSslMode;
        let mode = |url: &str| match parse(url).unwrap().backend {
            BackendOptions::Postgres(o) => o.get_ssl_mode(),
            BackendOptions::Sqlite { .. } => unreachable!("a PostgreSQL URL"),
        };
        if std::env::var_os("PGSSLMODE").is_some() {
            return;
        }
        for local in [
            "postgres://u@127.0.0.1:5432/db",
            "postgres://u@localhost/db",
            "postgres://u@[::1]:5432/db",
        ] {
            assert!(matches!(mode(local), PgSslMode::Disable), "{local}");
        }
        assert!(matches!(
            mode("postgres://u@127.0.0.1/db?sslmode=prefer"),
            PgSslMode::Prefer
        ));
        assert!(matches!(
            mode("postgres://u@127.0.0.1/db?sslmode=require"),
            PgSslMode::Require
        ));
        assert!(matches!(
            mode("postgres://u@db.example/db"),
            PgSslMode::Prefer
        ));
    }

    #[test]
    fn unknown_postgres_parameters_are_refused_without_their_value() {
        let err = parse("postgres://u:pw@h/db?sslpassword=topsecret")
            .err()
            .unwrap();
        let text = format!("{err} {}", err.hint());
        assert!(
            text.contains("sslpassword") && !text.contains("topsecret"),
            "{text}"
        );
        let err = parse("postgres://u@h/db?sslmod=require&x=topsecret")
            .err()
            .unwrap();
        assert!(
            err.to_string().contains("`sslmod`") && !err.to_string().contains("topsecret"),
            "{err}"
        );
        let ok = parse("postgres://u:hunter2@h:5433/db?sslmode=prefer&application_name=x").unwrap();
        assert_eq!(
            ok.display,
            "postgres://u:***@h:5433/db?sslmode=prefer&application_name=x"
        );
    }
}
