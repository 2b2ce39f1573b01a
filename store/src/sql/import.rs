//! Writing imported rows on either backend: each row only if it is absent
//! (by its key), one transaction per batch.

use sqlx::types::{Json, Text};

use super::db::{Bind, Db, SqlStore};
use super::types::Ts;
use crate::boot::key_hash;
use crate::error::Result;
use crate::import::{ImportBatch, ImportWritten};
use crate::task::stored_design_ref;

const TASK: &str = "INSERT INTO tasks (task_id, parent_task_id, status, action, design_ref, \
    node_filter, request_context, result_status, result_message, result_reason, \
    result_error_count, result_successes, result_failures, result_links, retry, created, \
    created_by, updated, terminated, terminated_by, terminate, message_seq) VALUES ";
const TASK_COLUMNS: usize = 22;

/// Messages go in only within their task's stored `message_seq`: a message
/// the source gained after its task was imported (the task is not updated)
/// would otherwise collide with the next append. (`VALUES` columns are
/// `column1`… on both backends; SQLite needs the `WHERE` before `ON CONFLICT`.)
const MESSAGE: &str = "INSERT INTO result_message (task_id, sequence, message, error, context, \
    context_type, ts, extra) SELECT v.column1, v.column2, v.column3, v.column4, v.column5, \
    v.column6, v.column7, v.column8 FROM tasks t, (VALUES ";
const MESSAGE_TAIL: &str = ") AS v WHERE t.task_id = v.column1 AND v.column2 <= t.message_seq \
    ON CONFLICT (task_id, sequence) DO NOTHING";
const MESSAGE_COLUMNS: usize = 8;

/// Rows per multi-row `INSERT` (well under both backends' parameter limits).
const ROWS_PER_INSERT: usize = 200;

/// `INSERT … VALUES` for `rows` rows of `columns` parameters each, then `tail`.
fn multi_row(head: &str, columns: usize, rows: usize, tail: &str) -> String {
    let mut sql = String::with_capacity(head.len() + rows * columns * 5 + tail.len());
    sql.push_str(head);
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..columns {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(r * columns + c + 1).to_string());
        }
        sql.push(')');
    }
    if !tail.starts_with(')') {
        sql.push(' ');
    }
    sql.push_str(tail);
    sql
}

/// Build data has no key: a row equal in node, task, date and generator is
/// the same row.
const BUILD_DATA: &str = "INSERT INTO build_data (node_name, task_id, collected_date, \
    generator, data_format, data_element) SELECT $1, $2, $3, $4, $5, $6 \
    WHERE NOT EXISTS (SELECT 1 FROM build_data WHERE node_name = $1 AND task_id = $2 \
    AND collected_date = $3 AND generator = $4)";

const BOOT_CONTEXT: &str = "INSERT INTO boot_action (node_name, task_id, identity_key) \
    VALUES ($1, $2, $3) ON CONFLICT (node_name) DO NOTHING";

const BOOT_ACTION: &str = "INSERT INTO boot_action_status (action_id, node_name, action_name, \
    task_id, identity_key, action_status) VALUES ($1, $2, $3, $4, $5, $6) \
    ON CONFLICT (action_id) DO NOTHING";

impl<DB: Db> SqlStore<DB> {
    pub(crate) async fn import_rows(&self, batch: &ImportBatch) -> Result<ImportWritten> {
        let mut tx = self.write().await?;
        let mut written = ImportWritten::default();
        for chunk in batch.tasks.chunks(ROWS_PER_INSERT) {
            let sql = multi_row(
                TASK,
                TASK_COLUMNS,
                chunk.len(),
                "ON CONFLICT (task_id) DO NOTHING",
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for it in chunk {
                let t = &it.task;
                q = q
                    .arg(t.task_id)
                    .arg(t.parent_task_id)
                    .arg(Text(t.status.clone()))
                    .arg(Text(t.action.clone()))
                    .arg(t.design_ref.as_deref().map(stored_design_ref))
                    .arg(t.node_filter.clone().map(Json))
                    .arg(t.request_context.clone().map(Json))
                    .arg(Text(t.result.status.clone()))
                    .arg(t.result.message.clone())
                    .arg(t.result.reason.clone())
                    .arg(t.result.error_count)
                    .arg(Json(t.result.successes.clone()))
                    .arg(Json(t.result.failures.clone()))
                    .arg(Json(t.result.links.clone()))
                    .arg(t.retry)
                    .arg(Ts(t.created))
                    .arg(t.created_by.clone())
                    .arg(t.updated.map(Ts))
                    .arg(t.terminated.map(Ts))
                    .arg(t.terminated_by.clone())
                    .arg(t.terminate)
                    .arg(it.message_seq);
            }
            written.tasks += DB::execute(&mut tx, q).await.map_err(|e| self.err(e))?;
        }
        for chunk in batch.messages.chunks(ROWS_PER_INSERT) {
            let sql = multi_row(MESSAGE, MESSAGE_COLUMNS, chunk.len(), MESSAGE_TAIL);
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for m in chunk {
                q = q
                    .arg(m.task_id)
                    .arg(m.sequence)
                    .arg(m.message.clone())
                    .arg(m.error)
                    .arg(m.context.clone())
                    .arg(m.context_type.clone())
                    .arg(Ts(m.ts))
                    .arg(m.extra.clone().map(Json));
            }
            written.messages += DB::execute(&mut tx, q).await.map_err(|e| self.err(e))?;
        }
        for d in &batch.build_data {
            let q = super::binds::build_data(sqlx::query(BUILD_DATA), d);
            written.build_data += DB::execute(&mut tx, q).await.map_err(|e| self.err(e))?;
        }
        for c in &batch.boot_contexts {
            let q = sqlx::query(BOOT_CONTEXT)
                .arg(c.node_name.as_str())
                .arg(c.task_id)
                .arg(key_hash(&c.identity_key));
            written.boot_contexts += DB::execute(&mut tx, q).await.map_err(|e| self.err(e))?;
        }
        for a in &batch.boot_actions {
            let q = sqlx::query(BOOT_ACTION)
                .arg(a.action_id)
                .arg(a.node_name.as_str())
                .arg(a.action_name.as_str())
                .arg(a.task_id)
                .arg(key_hash(&a.identity_key))
                .arg(a.status.as_str());
            written.boot_actions += DB::execute(&mut tx, q).await.map_err(|e| self.err(e))?;
        }
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok(written)
    }
}
