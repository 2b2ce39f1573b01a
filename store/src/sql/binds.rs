//! Bind chains, written once for both backends: each takes a query of the
//! statement named in its doc and binds its parameters in order.

use sqlx::types::{Json, Text};
use uuid::Uuid;

use super::db::{Bind, Db, Q};
use super::types::Ts;
use crate::model::BuildData;
use crate::task::{NewTask, Task, stored_design_ref};

/// A task's `INSERT`: `$1`…`$10`.
pub(crate) fn new_task<'q, DB: Db>(q: Q<'q, DB>, t: &NewTask) -> Q<'q, DB> {
    q.arg(t.task_id)
        .arg(t.parent_task_id)
        .arg(Text(&t.status))
        .arg(Text(&t.action))
        .arg(t.design_ref.as_deref().map(stored_design_ref))
        .arg(t.design_snapshot_id)
        .arg(t.node_filter.as_ref().map(Json))
        .arg(t.request_context.as_ref().map(Json))
        .arg(Ts(t.created))
        .arg(t.created_by.as_deref())
}

/// A task's `UPDATE`: `$1`…`$19`, `updated` being `now`.
pub(crate) fn task_update<'q, DB: Db>(q: Q<'q, DB>, t: &Task, now: Ts) -> Q<'q, DB> {
    q.arg(t.task_id)
        .arg(t.version)
        .arg(t.parent_task_id)
        .arg(Text(&t.status))
        .arg(t.design_ref.as_deref().map(stored_design_ref))
        .arg(t.design_snapshot_id)
        .arg(t.node_filter.as_ref().map(Json))
        .arg(t.request_context.as_ref().map(Json))
        .arg(Text(&t.result.status))
        .arg(t.result.message.as_deref())
        .arg(t.result.reason.as_deref())
        .arg(Json(&t.result.successes))
        .arg(Json(&t.result.failures))
        .arg(Json(&t.result.links))
        .arg(t.retry)
        .arg(now)
        .arg(t.terminated.map(Ts))
        .arg(t.terminated_by.as_deref())
        .arg(t.terminate)
}

/// A finished task's `UPDATE` (`FINISH`): `$1`…`$19` as [`task_update`], `$20`
/// the owner that must still hold its claim.
pub(crate) fn task_finish<'q, DB: Db>(q: Q<'q, DB>, t: &Task, now: Ts, owner: Uuid) -> Q<'q, DB> {
    task_update(q, t, now).arg(owner)
}

/// `INSERT INTO build_data`: `$1`…`$6`.
pub(crate) fn build_data<'q, DB: Db>(q: Q<'q, DB>, d: &BuildData) -> Q<'q, DB> {
    q.arg(d.node_name.as_str())
        .arg(d.task_id)
        .arg(Ts(d.collected_date))
        .arg(d.generator.as_str())
        .arg(d.data_format.as_str())
        .arg(d.data_element.as_str())
}
