//! SQL shared by both backends (both accept `$n` parameters), and the
//! plumbing that lets one piece of code bind, decode and run it on either.

/// The columns of a task row, `t` being `tasks` (without the subtask list,
/// which each dialect aggregates its own way).
macro_rules! task_cols {
    () => {
        "t.task_id, t.parent_task_id, t.status, t.action, t.design_ref, t.design_snapshot_id, \
         t.node_filter, t.request_context, t.result_status, t.result_message, t.result_reason, \
         t.result_error_count, t.result_successes, t.result_failures, t.result_links, t.retry, \
         t.created, t.created_by, t.updated, t.terminated, t.terminated_by, t.terminate, \
         t.claimed_by, t.lease_expires, t.attempts, t.version"
    };
}

/// Inserts a task; binds: [`binds::new_task`].
macro_rules! insert_task {
    () => {
        "INSERT INTO tasks AS t (task_id, parent_task_id, status, action, design_ref, \
         design_snapshot_id, node_filter, request_context, result_status, result_links, created, \
         created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'unreported', '[]', $9, $10)"
    };
}

/// Writes a task's mutable fields if its version is still `$2` (a task that
/// stops running loses its lease); binds: [`binds::task_update`].
macro_rules! update_task {
    () => {
        "UPDATE tasks AS t SET parent_task_id = $3, status = $4, design_ref = $5, \
         design_snapshot_id = $6, node_filter = $7, request_context = $8, result_status = $9, \
         result_message = $10, result_reason = $11, result_successes = $12, \
         result_failures = $13, result_links = $14, retry = $15, updated = $16, \
         terminated = $17, terminated_by = $18, terminate = $19, version = t.version + 1, \
         lease_expires = CASE WHEN $4 = 'running' THEN t.lease_expires END \
         WHERE t.task_id = $1 AND t.version = $2"
    };
}

/// A task whose lease lapsed goes back to the queue, one attempt more, or
/// after `$1` attempts is complete and failed with reason `$2`; `$3` is now.
/// The dialect adds which tasks (`t` being `tasks`).
macro_rules! lapse_set {
    () => {
        "attempts = t.attempts + 1, lease_expires = NULL, updated = $3, version = t.version + 1, \
         status = CASE WHEN t.attempts + 1 >= $1 THEN 'complete' ELSE 'queued' END, \
         claimed_by = CASE WHEN t.attempts + 1 >= $1 THEN t.claimed_by END, \
         result_status = CASE WHEN t.attempts + 1 < $1 THEN t.result_status \
           WHEN t.result_status IN ('success', 'partial_success') THEN 'partial_success' \
           ELSE 'failure' END, \
         result_reason = CASE WHEN t.attempts + 1 >= $1 THEN $2 ELSE t.result_reason END"
    };
}

/// The columns of a result message.
macro_rules! message_cols {
    () => {
        "sequence, task_id, message, error, context, context_type, ts, extra"
    };
}

pub(crate) mod binds;
mod boot;
mod claims;
mod db;
mod records;
#[macro_use]
mod snapshot_rows;
mod snapshot_reads;
mod snapshots;
mod types;

pub(crate) use db::{Bind, SqlStore};
pub(crate) use records::{MESSAGES, MESSAGES_OF_MANY};
pub(crate) use types::Ts;
