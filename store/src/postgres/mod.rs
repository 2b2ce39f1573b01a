//! The PostgreSQL backend: row locks with `SKIP LOCKED` for claims, one
//! statement per message batch, the database clock for the lease.

#[macro_use]
mod tasks;
mod claims;
pub(crate) mod records;

use sqlx::Postgres;
use sqlx::postgres::PgConnectOptions;

use crate::error::Result;
use crate::options::StoreOptions;
use crate::sql::SqlStore;

/// A pool of PostgreSQL connections.
pub(crate) type PgStore = SqlStore<Postgres>;

impl PgStore {
    pub(crate) async fn connect(
        connect: PgConnectOptions,
        display: String,
        options: &StoreOptions,
    ) -> Result<Self> {
        let mut connect = connect.application_name("drydock");
        if !options.statement_timeout.is_zero() {
            let ms = options.statement_timeout.as_millis().to_string();
            connect = connect.options([("statement_timeout", ms.as_str())]);
        }
        if !options.durable_commits {
            connect = connect.options([("synchronous_commit", "off")]);
        }
        let refused = refused(connect.clone());
        SqlStore::open(connect, display, options, false, refused).await
    }
}

/// The refusal of the server `connect` names, if it refuses: a bare socket
/// connect (TCP, or the Unix socket), closed at once without a word, which
/// PostgreSQL neither logs nor counts as a session. Any other outcome is
/// `None`: the pool's own attempt says what it is.
async fn refused(connect: PgConnectOptions) -> Option<std::io::Error> {
    let port = connect.get_port();
    let socket_dir = connect.get_socket().cloned().or_else(|| {
        connect
            .get_host()
            .starts_with('/')
            .then(|| connect.get_host().into())
    });
    let attempt = match socket_dir {
        #[cfg(unix)]
        Some(dir) => {
            let path = dir.join(format!(".s.PGSQL.{port}"));
            tokio::net::UnixStream::connect(path).await.map(drop)
        }
        #[cfg(not(unix))]
        Some(_) => return None,
        None => tokio::net::TcpStream::connect((connect.get_host(), port))
            .await
            .map(drop),
    };
    attempt
        .err()
        .filter(|e| e.kind() == std::io::ErrorKind::ConnectionRefused)
}
