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
    created_by, updated, terminated, terminated_by, terminate, message_seq) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
    $19, $20, $21, $22) ON CONFLICT (task_id) DO NOTHING";

const MESSAGE: &str = "INSERT INTO result_message (task_id, sequence, message, error, context, \
    context_type, ts, extra) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
    ON CONFLICT (task_id, sequence) DO NOTHING";

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
        for it in &batch.tasks {
            let t = &it.task;
            let q = sqlx::query(TASK)
                .arg(t.task_id)
                .arg(t.parent_task_id)
                .arg(Text(&t.status))
                .arg(Text(&t.action))
                .arg(t.design_ref.as_deref().map(stored_design_ref))
                .arg(t.node_filter.as_ref().map(Json))
                .arg(t.request_context.as_ref().map(Json))
                .arg(Text(&t.result.status))
                .arg(t.result.message.as_deref())
                .arg(t.result.reason.as_deref())
                .arg(t.result.error_count)
                .arg(Json(&t.result.successes))
                .arg(Json(&t.result.failures))
                .arg(Json(&t.result.links))
                .arg(t.retry)
                .arg(Ts(t.created))
                .arg(t.created_by.as_deref())
                .arg(t.updated.map(Ts))
                .arg(t.terminated.map(Ts))
                .arg(t.terminated_by.as_deref())
                .arg(t.terminate)
                .arg(it.message_seq);
            written.tasks += DB::execute(&mut tx, q).await.map_err(|e| self.err(e))?;
        }
        for m in &batch.messages {
            let q = sqlx::query(MESSAGE)
                .arg(m.task_id)
                .arg(m.sequence)
                .arg(m.message.as_str())
                .arg(m.error)
                .arg(m.context.as_deref())
                .arg(m.context_type.as_deref())
                .arg(Ts(m.ts))
                .arg(m.extra.as_ref().map(Json));
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
