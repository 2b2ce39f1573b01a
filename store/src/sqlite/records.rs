//! Result messages and the active-instance lease on SQLite.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{QueryBuilder, Sqlite};
use uuid::Uuid;

use super::SqliteStore;
use crate::error::Result;
use crate::model::{NewResultMessage, now};
use crate::sql::{Bind, Ts};

/// Rows per INSERT: 8 parameters each stays far below SQLite's 32,766 limit.
const ROWS_PER_INSERT: usize = 1000;

/// Appends `msgs` to task `task_id` inside the write transaction `tx`: the
/// sequence number before the first, or `None` when the task does not exist.
pub(crate) async fn append_in(
    tx: &mut sqlx::SqliteConnection,
    task_id: Uuid,
    msgs: &[NewResultMessage],
) -> sqlx::Result<Option<i64>> {
    {
        let n = msgs.len() as i64;
        let errors = msgs.iter().filter(|m| m.error).count() as i64;
        let last: Option<i64> = sqlx::query_scalar(
            "UPDATE tasks SET message_seq = message_seq + $2, result_error_count = result_error_count + $3 \
             WHERE task_id = $1 RETURNING message_seq",
        )
        .bind(task_id)
        .bind(n)
        .bind(errors)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(last) = last else {
            return Ok(None);
        };
        let base = last - n;
        for (chunk_no, chunk) in msgs.chunks(ROWS_PER_INSERT).enumerate() {
            let first = base + (chunk_no * ROWS_PER_INSERT) as i64;
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO result_message (task_id, sequence, message, error, context, context_type, ts, extra) ",
            );
            q.push_values(chunk.iter().enumerate(), |mut row, (i, m)| {
                row.push_bind(task_id)
                    .push_bind(first + i as i64 + 1)
                    .push_bind(m.message.clone())
                    .push_bind(m.error)
                    .push_bind(m.context.clone())
                    .push_bind(m.context_type.clone())
                    .push_bind(Ts(m.ts))
                    .push_bind(m.extra.clone().map(Json));
            });
            q.build().execute(&mut *tx).await?;
        }
        Ok(Some(base))
    }
}

impl SqliteStore {
    pub(crate) async fn claim_leadership(&self, instance: Uuid, grace: Duration) -> Result<bool> {
        let now = now();
        let cutoff = chrono::Duration::from_std(grace)
            .ok()
            .and_then(|g| now.checked_sub_signed(g))
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        let mut tx = self.write().await?;
        let row: Option<Uuid> = sqlx::query_scalar(
            "INSERT INTO active_instance (dummy_key, identity, last_ping, since) VALUES (1, $1, $2, $2) \
             ON CONFLICT (dummy_key) DO UPDATE SET identity = excluded.identity, last_ping = excluded.last_ping, \
             since = CASE WHEN active_instance.identity = excluded.identity THEN active_instance.since \
             ELSE excluded.since END \
             WHERE active_instance.identity = excluded.identity OR active_instance.last_ping < $3 \
             RETURNING identity",
        )
        .bind(instance)
        .bind(Ts(now))
        .bind(Ts(cutoff))
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| self.err(e))?;
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok(row.is_some())
    }

    pub(crate) async fn maintain_leadership(&self, instance: Uuid) -> Result<bool> {
        let update = sqlx::query("UPDATE active_instance SET last_ping = $2 WHERE identity = $1")
            .arg(instance)
            .arg(Ts(now()));
        Ok(self.execute_write(update).await? == 1)
    }
}
