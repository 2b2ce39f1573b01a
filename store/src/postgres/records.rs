//! Result messages and the active-instance lease on PostgreSQL.

use std::time::Duration;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::PgStore;
use crate::error::Result;
use crate::model::NewResultMessage;

/// Appends `msgs` to task `task_id` on `conn` (a transaction, or not): the
/// sequence number before the first, or `None` when the task does not exist.
pub(crate) async fn append_in(
    conn: &mut sqlx::PgConnection,
    task_id: Uuid,
    msgs: &[NewResultMessage],
) -> sqlx::Result<Option<i64>> {
    {
        let n = msgs.len() as i64;
        let errors = msgs.iter().filter(|m| m.error).count() as i64;
        let texts: Vec<&str> = msgs.iter().map(|m| m.message.as_str()).collect();
        let flags: Vec<bool> = msgs.iter().map(|m| m.error).collect();
        let contexts: Vec<Option<&str>> = msgs.iter().map(|m| m.context.as_deref()).collect();
        let kinds: Vec<Option<&str>> = msgs.iter().map(|m| m.context_type.as_deref()).collect();
        let stamps: Vec<DateTime<Utc>> = msgs.iter().map(|m| m.ts).collect();
        let extras: Vec<Option<String>> = msgs
            .iter()
            .map(|m| m.extra.as_ref().map(|v| v.to_string()))
            .collect();
        // One statement: the row lock on the task orders concurrent appenders,
        // and the counter hands out a gap-free run of sequence numbers.
        let base: Option<i64> = sqlx::query_scalar(
            "WITH s AS ( \
               UPDATE tasks SET message_seq = message_seq + $2, result_error_count = result_error_count + $3 \
               WHERE task_id = $1 RETURNING message_seq - $2 AS base), \
             ins AS (INSERT INTO result_message (task_id, sequence, message, error, context, context_type, ts, extra) \
               SELECT $1, s.base + m.ord, m.message, m.error, m.context, m.context_type, m.ts, m.extra::jsonb \
               FROM s, UNNEST($4::text[], $5::bool[], $6::text[], $7::text[], $8::timestamptz[], $9::text[]) \
                 WITH ORDINALITY AS m(message, error, context, context_type, ts, extra, ord)) \
             SELECT base FROM s",
        )
        .bind(task_id)
        .bind(n)
        .bind(errors)
        .bind(texts)
        .bind(flags)
        .bind(contexts)
        .bind(kinds)
        .bind(stamps)
        .bind(extras)
        .fetch_optional(conn)
        .await?;
        Ok(base)
    }
}

impl PgStore {
    pub(crate) async fn claim_leadership(&self, instance: Uuid, grace: Duration) -> Result<bool> {
        let row: Option<Uuid> = sqlx::query_scalar(
            "INSERT INTO active_instance AS a (dummy_key, identity, last_ping, since) \
             VALUES (1, $1, clock_timestamp(), clock_timestamp()) \
             ON CONFLICT (dummy_key) DO UPDATE SET identity = EXCLUDED.identity, last_ping = EXCLUDED.last_ping, \
             since = CASE WHEN a.identity = EXCLUDED.identity THEN a.since ELSE EXCLUDED.since END \
             WHERE a.identity = EXCLUDED.identity \
                OR a.last_ping < clock_timestamp() - make_interval(secs => $2) \
             RETURNING identity",
        )
        .bind(instance)
        .bind(grace.as_secs_f64())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.err(e))?;
        Ok(row.is_some())
    }

    pub(crate) async fn maintain_leadership(&self, instance: Uuid) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE active_instance SET last_ping = clock_timestamp() WHERE identity = $1",
        )
        .bind(instance)
        .execute(&self.pool)
        .await
        .map_err(|e| self.err(e))?;
        Ok(done.rows_affected() == 1)
    }
}
