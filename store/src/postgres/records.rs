//! Result messages, build data and the active-instance lease on PostgreSQL.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

use super::PgStore;
use crate::error::Result;
use crate::error::not_found;
use crate::model::{BuildData, BuildDataScope, Leader, NewResultMessage, ResultMessage};

impl PgStore {
    pub(crate) async fn append_messages(
        &self,
        task_id: Uuid,
        msgs: &[NewResultMessage],
    ) -> Result<Vec<i64>> {
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
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.err(e))?;
        let base = base.ok_or_else(|| not_found(task_id))?;
        Ok((base + 1..=base + n).collect())
    }

    pub(crate) async fn messages(&self, task_id: Uuid) -> Result<Vec<ResultMessage>> {
        let rows = sqlx::query(
            "SELECT sequence, task_id, message, error, context, context_type, ts, extra \
             FROM result_message WHERE task_id = $1 ORDER BY sequence",
        )
        .bind(task_id)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.err(e))?;
        rows.iter()
            .map(|r| {
                Ok(ResultMessage {
                    sequence: r.try_get("sequence")?,
                    task_id: r.try_get("task_id")?,
                    message: r.try_get("message")?,
                    error: r.try_get("error")?,
                    context: r.try_get("context")?,
                    context_type: r.try_get("context_type")?,
                    ts: r.try_get("ts")?,
                    extra: r.try_get("extra")?,
                })
            })
            .collect::<std::result::Result<_, sqlx::Error>>()
            .map_err(|e| self.err(e))
    }

    pub(crate) async fn put_build_data(&self, d: &BuildData) -> Result<()> {
        sqlx::query(
            "INSERT INTO build_data (node_name, task_id, collected_date, generator, data_format, data_element) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&d.node_name)
        .bind(d.task_id)
        .bind(d.collected_date)
        .bind(&d.generator)
        .bind(&d.data_format)
        .bind(&d.data_element)
        .execute(&self.pool)
        .await
        .map_err(|e| self.err(e))?;
        Ok(())
    }

    pub(crate) async fn build_data(
        &self,
        scope: &BuildDataScope,
        latest_only: bool,
    ) -> Result<Vec<BuildData>> {
        let sql = match scope {
            BuildDataScope::Node(_) => build_data_sql!("node_name = $1"),
            BuildDataScope::Task(_) => build_data_sql!("task_id = $1"),
        };
        let query = sqlx::query(sql);
        let query = match scope {
            BuildDataScope::Node(n) => query.bind(n.as_str()),
            BuildDataScope::Task(t) => query.bind(*t),
        };
        let rows = query
            .bind(latest_only)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.err(e))?;
        rows.iter()
            .map(|r| {
                Ok(BuildData {
                    node_name: r.try_get("node_name")?,
                    task_id: r.try_get("task_id")?,
                    collected_date: r.try_get("collected_date")?,
                    generator: r.try_get("generator")?,
                    data_format: r.try_get("data_format")?,
                    data_element: r.try_get("data_element")?,
                })
            })
            .collect::<std::result::Result<_, sqlx::Error>>()
            .map_err(|e| self.err(e))
    }

    pub(crate) async fn claim_leadership(&self, instance: Uuid, grace: Duration) -> Result<bool> {
        let row = sqlx::query(
            "INSERT INTO active_instance AS a (dummy_key, identity, last_ping) VALUES (1, $1, clock_timestamp()) \
             ON CONFLICT (dummy_key) DO UPDATE SET identity = EXCLUDED.identity, last_ping = EXCLUDED.last_ping \
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

    pub(crate) async fn abdicate_leadership(&self, instance: Uuid) -> Result<bool> {
        let done = sqlx::query("DELETE FROM active_instance WHERE identity = $1")
            .bind(instance)
            .execute(&self.pool)
            .await
            .map_err(|e| self.err(e))?;
        Ok(done.rows_affected() == 1)
    }

    pub(crate) async fn current_leader(&self) -> Result<Option<Leader>> {
        let row =
            sqlx::query("SELECT identity, last_ping FROM active_instance WHERE dummy_key = 1")
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| self.err(e))?;
        row.map(|r| {
            Ok(Leader {
                instance_id: r.try_get("identity")?,
                last_ping: r.try_get("last_ping")?,
            })
        })
        .transpose()
        .map_err(|e| self.err(e))
    }
}
