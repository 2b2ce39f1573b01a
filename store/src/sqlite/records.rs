//! Result messages, build data and the active-instance lease on SQLite.

use std::time::Duration;

use sqlx::{QueryBuilder, Sqlite, Transaction};
use uuid::Uuid;

use super::{SqliteStore, json_text, ts};
use crate::error::{Result, not_found};
use crate::model::{BuildData, BuildDataScope, Leader, NewResultMessage, ResultMessage, now};

/// Rows per INSERT: 8 parameters each stays far below SQLite's 32,766 limit.
const ROWS_PER_INSERT: usize = 1000;

impl SqliteStore {
    pub(crate) async fn append_messages(
        &self,
        task_id: Uuid,
        msgs: &[NewResultMessage],
    ) -> Result<Vec<i64>> {
        let n = msgs.len() as i64;
        let errors = msgs.iter().filter(|m| m.error).count() as i64;
        let mut tx = self.write().await?;
        let last: Option<i64> = sqlx::query_scalar(
            "UPDATE tasks SET message_seq = message_seq + $2, result_error_count = result_error_count + $3 \
             WHERE task_id = $1 RETURNING message_seq",
        )
        .bind(task_id)
        .bind(n)
        .bind(errors)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| self.err(e))?;
        let base = last.ok_or_else(|| not_found(task_id))? - n;
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
                    .push_bind(ts(m.ts))
                    .push_bind(json_text(m.extra.as_ref()));
            });
            q.build().execute(&mut *tx).await.map_err(|e| self.err(e))?;
        }
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok((base + 1..=base + n).collect())
    }

    pub(crate) async fn messages_in(
        &self,
        tx: &mut Transaction<'static, Sqlite>,
        task_id: Uuid,
    ) -> Result<Vec<ResultMessage>> {
        let rows = sqlx::query(
            "SELECT sequence, task_id, message, error, context, context_type, ts, extra \
             FROM result_message WHERE task_id = $1 ORDER BY sequence",
        )
        .bind(task_id)
        .fetch_all(&mut **tx)
        .await
        .map_err(|e| self.err(e))?;
        rows.iter()
            .map(|r| {
                Ok(ResultMessage {
                    sequence: self.get(r, "sequence")?,
                    task_id: self.get(r, "task_id")?,
                    message: self.get(r, "message")?,
                    error: self.get(r, "error")?,
                    context: self.get(r, "context")?,
                    context_type: self.get(r, "context_type")?,
                    ts: self.get_ts(r, "ts")?,
                    extra: self.get_json(r, "extra")?,
                })
            })
            .collect()
    }

    pub(crate) async fn messages(&self, task_id: Uuid) -> Result<Vec<ResultMessage>> {
        let mut tx = self.pool.begin().await.map_err(|e| self.err(e))?;
        let messages = self.messages_in(&mut tx, task_id).await?;
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok(messages)
    }

    pub(crate) async fn put_build_data(&self, d: &BuildData) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO build_data (node_name, task_id, collected_date, generator, data_format, data_element) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&d.node_name)
        .bind(d.task_id)
        .bind(ts(d.collected_date))
        .bind(&d.generator)
        .bind(&d.data_format)
        .bind(&d.data_element)
        .execute(&mut *tx)
        .await
        .map_err(|e| self.err(e))?;
        tx.commit().await.map_err(|e| self.err(e))
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
                    node_name: self.get(r, "node_name")?,
                    task_id: self.get(r, "task_id")?,
                    collected_date: self.get_ts(r, "collected_date")?,
                    generator: self.get(r, "generator")?,
                    data_format: self.get(r, "data_format")?,
                    data_element: self.get(r, "data_element")?,
                })
            })
            .collect()
    }

    pub(crate) async fn claim_leadership(&self, instance: Uuid, grace: Duration) -> Result<bool> {
        let now = now();
        let cutoff = chrono::Duration::from_std(grace)
            .ok()
            .and_then(|g| now.checked_sub_signed(g))
            .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC);
        let mut tx = self.write().await?;
        let row: Option<Uuid> = sqlx::query_scalar(
            "INSERT INTO active_instance (dummy_key, identity, last_ping) VALUES (1, $1, $2) \
             ON CONFLICT (dummy_key) DO UPDATE SET identity = excluded.identity, last_ping = excluded.last_ping \
             WHERE active_instance.identity = excluded.identity OR active_instance.last_ping < $3 \
             RETURNING identity",
        )
        .bind(instance)
        .bind(ts(now))
        .bind(ts(cutoff))
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| self.err(e))?;
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok(row.is_some())
    }

    pub(crate) async fn maintain_leadership(&self, instance: Uuid) -> Result<bool> {
        let mut tx = self.write().await?;
        let done = sqlx::query("UPDATE active_instance SET last_ping = $2 WHERE identity = $1")
            .bind(instance)
            .bind(ts(now()))
            .execute(&mut *tx)
            .await
            .map_err(|e| self.err(e))?;
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok(done.rows_affected() == 1)
    }

    pub(crate) async fn abdicate_leadership(&self, instance: Uuid) -> Result<bool> {
        let mut tx = self.write().await?;
        let done = sqlx::query("DELETE FROM active_instance WHERE identity = $1")
            .bind(instance)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.err(e))?;
        tx.commit().await.map_err(|e| self.err(e))?;
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
                instance_id: self.get(&r, "identity")?,
                last_ping: self.get_ts(&r, "last_ping")?,
            })
        })
        .transpose()
    }
}
