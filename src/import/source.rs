//! The original Drydock's database, read in one read-only transaction: its
//! Alembic level, its column lengths, and its tables through cursors.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnection, PgRow};
use sqlx::{Connection as _, Row as _};

use super::ImportError;

/// The original's Alembic revisions, oldest first: base tables, then
/// `build_data`, then `tasks.result_links`.
pub const LEVELS: [&str; 3] = ["9593a123e7c5", "4a5bef3702b", "4713e7ebca9"];

/// The tables each level has (every level has the ones before).
const TABLES: [&[&str]; 3] = [
    &[
        "tasks",
        "result_message",
        "active_instance",
        "boot_action",
        "boot_action_status",
    ],
    &["build_data"],
    &[],
];

/// An open source database, inside its read-only transaction.
pub(crate) struct Source {
    conn: PgConnection,
    shown: String,
    /// Which of [`LEVELS`] (0, 1 or 2).
    pub level: usize,
    /// The time zone naive timestamps are read in.
    tz: String,
}

impl Source {
    /// Connects, starts a repeatable-read read-only transaction, and checks
    /// that this is an original Drydock database at a known level.
    pub async fn open(url: &str, tz: &str) -> Result<Source, ImportError> {
        let shown = drydock_core::redact_str(url);
        let unreachable = |e: sqlx::Error| ImportError::Source {
            url: shown.clone(),
            reason: e.to_string(),
        };
        let connecting = PgConnection::connect(url);
        let mut conn = tokio::time::timeout(std::time::Duration::from_secs(10), connecting)
            .await
            .map_err(|_| ImportError::Source {
                url: shown.clone(),
                reason: "no answer within 10 s".into(),
            })?
            .map_err(unreachable)?;
        sqlx::query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&mut conn)
            .await
            .map_err(unreachable)?;
        let mut source = Source {
            conn,
            shown,
            level: 0,
            tz: tz.to_owned(),
        };
        source.level = source.detect_level().await?;
        source.check_timezone().await?;
        Ok(source)
    }

    fn failed(&self, e: sqlx::Error) -> ImportError {
        ImportError::Source {
            url: self.shown.clone(),
            reason: e.to_string(),
        }
    }

    fn not_drydock(&self, reason: String) -> ImportError {
        ImportError::NotDrydock {
            url: self.shown.clone(),
            reason,
        }
    }

    async fn tables(&mut self) -> Result<Vec<String>, ImportError> {
        sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema()",
        )
        .fetch_all(&mut self.conn)
        .await
        .map_err(|e| self.failed(e))
    }

    async fn detect_level(&mut self) -> Result<usize, ImportError> {
        let tables = self.tables().await?;
        if !tables.iter().any(|t| t == "alembic_version") {
            return Err(self.not_drydock("it has no alembic_version table".into()));
        }
        let versions: Vec<String> = sqlx::query_scalar("SELECT version_num FROM alembic_version")
            .fetch_all(&mut self.conn)
            .await
            .map_err(|e| self.failed(e))?;
        let [version] = versions.as_slice() else {
            return Err(self.not_drydock(format!(
                "alembic_version holds {} rows, one was expected",
                versions.len()
            )));
        };
        let level =
            LEVELS
                .iter()
                .position(|l| l == version)
                .ok_or_else(|| ImportError::UnknownLevel {
                    url: self.shown.clone(),
                    version: version.clone(),
                })?;
        for needed in TABLES[..=level].iter().copied().flatten() {
            if !tables.iter().any(|t| t == needed) {
                return Err(self.not_drydock(format!(
                    "table {needed} is missing, though alembic_version says {version}"
                )));
            }
        }
        if level == 2 {
            let cols: Vec<String> = sqlx::query_scalar(
                "SELECT column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = 'tasks'",
            )
            .fetch_all(&mut self.conn)
            .await
            .map_err(|e| self.failed(e))?;
            if !cols.iter().any(|c| c == "result_links") {
                return Err(self.not_drydock(format!(
                    "tasks.result_links is missing, though alembic_version says {version}"
                )));
            }
        }
        Ok(level)
    }

    async fn check_timezone(&mut self) -> Result<(), ImportError> {
        let checked = sqlx::query("SELECT TIMESTAMP '2000-01-01' AT TIME ZONE $1")
            .bind(&self.tz)
            .execute(&mut self.conn)
            .await;
        checked.map(|_| ()).map_err(|e| ImportError::Timezone {
            name: self.tz.clone(),
            reason: e
                .as_database_error()
                .map_or_else(|| e.to_string(), |d| d.message().to_owned()),
        })
    }

    /// The declared length of every bounded text column, as
    /// `table.column` → length (read, since older databases kept shorter ones).
    pub async fn column_lengths(&mut self) -> Result<BTreeMap<String, i32>, ImportError> {
        let rows: Vec<(String, String, Option<i32>)> = sqlx::query_as(
            "SELECT table_name::text, column_name::text, character_maximum_length::int \
             FROM information_schema.columns WHERE table_schema = current_schema() \
             AND table_name IN ('tasks', 'result_message', 'boot_action', \
             'boot_action_status', 'build_data')",
        )
        .fetch_all(&mut self.conn)
        .await
        .map_err(|e| self.failed(e))?;
        Ok(rows
            .into_iter()
            .filter_map(|(t, c, n)| n.map(|n| (format!("{t}.{c}"), n)))
            .collect())
    }

    /// The number of rows of `table`.
    pub async fn count(&mut self, table: &str) -> Result<u64, ImportError> {
        let n: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
                .fetch_one(&mut self.conn)
                .await
                .map_err(|e| self.failed(e))?;
        Ok(u64::try_from(n).unwrap_or_default())
    }

    /// Opens cursor `name` over `table` (ordered by its key where it has one),
    /// naive timestamps converted from the source time zone. What needs
    /// more than one row is computed by the source, so memory does not grow
    /// with it: a task comes with its message and error counts and the task
    /// whose `subtask_id_list` names it (`listed_parent`); a message, in
    /// task and sequence order, with its task's action and status
    /// (`task_known` false when there is no such task).
    pub async fn declare(&mut self, name: &str, table: &str) -> Result<(), ImportError> {
        let ts = |c: &str| {
            let column = c.rsplit('.').next().unwrap_or(c);
            format!("({c} AT TIME ZONE $1) AS {column}")
        };
        let links = if self.level >= 2 {
            "t.result_links::text AS result_links"
        } else {
            "NULL::text AS result_links"
        };
        let select = match table {
            "tasks" => format!(
                "SELECT t.task_id, t.parent_task_id, t.result_status, t.result_message, \
                 t.result_reason, t.result_successes::text[] AS result_successes, \
                 t.result_failures::text[] AS result_failures, t.retry, t.status, {}, \
                 t.created_by, {}, t.design_ref, t.request_context::text AS request_context, \
                 t.node_filter::text AS node_filter, t.action, {}, t.terminated_by, \
                 t.terminate, {links}, coalesce(c.n, 0) AS message_count, \
                 coalesce(c.e, 0) AS error_count, l.parent AS listed_parent \
                 FROM tasks t \
                 LEFT JOIN (SELECT task_id, count(*) AS n, \
                 count(*) FILTER (WHERE error IS TRUE) AS e \
                 FROM result_message GROUP BY task_id) c ON c.task_id = t.task_id \
                 LEFT JOIN (SELECT DISTINCT ON (child) child, parent FROM \
                 (SELECT task_id AS parent, unnest(subtask_id_list) AS child FROM tasks \
                 WHERE subtask_id_list IS NOT NULL) s ORDER BY child, parent) l \
                 ON l.child = t.task_id \
                 ORDER BY t.task_id",
                ts("t.created"),
                ts("t.updated"),
                ts("t.terminated")
            ),
            "result_message" => format!(
                "SELECT m.sequence, m.task_id, m.message, m.error, m.context, m.context_type, \
                 {}, m.extra::text AS extra, t.task_id IS NOT NULL AS task_known, \
                 t.action AS task_action, t.status AS task_status \
                 FROM result_message m LEFT JOIN tasks t ON t.task_id = m.task_id \
                 ORDER BY m.task_id, m.sequence",
                ts("m.ts")
            ),
            "build_data" => format!(
                "SELECT node_name, task_id, {}, generator, data_format, data_element \
                 FROM build_data ORDER BY node_name, task_id, collected_date, generator",
                ts("collected_date")
            ),
            "boot_action" => {
                "SELECT node_name, task_id, identity_key FROM boot_action ORDER BY node_name".into()
            }
            _ => "SELECT node_name, action_id, action_name, task_id, identity_key, action_status \
                  FROM boot_action_status ORDER BY action_id"
                .into(),
        };
        // A cursor cannot take parameters: the zone is quoted as a literal.
        let select = select.replace("$1", &quote(&self.tz));
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DECLARE {name} NO SCROLL CURSOR FOR {select}"
        )))
        .execute(&mut self.conn)
        .await
        .map_err(|e| self.failed(e))?;
        Ok(())
    }

    /// The next `n` rows of cursor `name` (none at its end).
    pub async fn fetch(&mut self, name: &str, n: usize) -> Result<Vec<PgRow>, ImportError> {
        sqlx::query(sqlx::AssertSqlSafe(format!("FETCH {n} FROM {name}")))
            .fetch_all(&mut self.conn)
            .await
            .map_err(|e| self.failed(e))
    }

    /// Ends the read-only transaction.
    pub async fn close(mut self) {
        let _ = sqlx::query("ROLLBACK").execute(&mut self.conn).await;
        let _ = self.conn.close().await;
    }
}

/// `s` as an SQL string literal.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A column of `row`, `None` when NULL or unreadable.
pub(crate) fn get<'r, T>(row: &'r PgRow, column: &str) -> Option<T>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    row.try_get::<Option<T>, _>(column).ok().flatten()
}

/// A timestamp column (already converted to UTC by the query).
pub(crate) fn ts(row: &PgRow, column: &str) -> Option<DateTime<Utc>> {
    get::<DateTime<Utc>>(row, column)
}
