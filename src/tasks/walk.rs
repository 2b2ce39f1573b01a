//! Walking a task's subtask tree: every descendant once, breadth first, to a
//! depth; what `GET /tasks/{id}?subtaskerrors` and `?layers` show.

use std::collections::HashSet;

use drydock_store::{Store, StoreError, SubtaskFilter, Task, Uuid};

/// Deepest subtask tree walked, whatever `layers` asks.
pub const MAX_DEPTH: usize = 64;

/// Every descendant of `task` with its messages, breadth first, each once
/// (a cycle is walked once), to `layers` levels counting `task` as the
/// first (negative: every level, up to [`MAX_DEPTH`]).
pub async fn descendants(store: &Store, task: &Task, layers: i64) -> Result<Vec<Task>, StoreError> {
    let mut seen: HashSet<Uuid> = HashSet::from([task.task_id]);
    let mut out = Vec::new();
    let mut level = vec![task.task_id];
    let mut depth = 1;
    while !level.is_empty() && depth < MAX_DEPTH && (layers < 0 || (depth as i64) < layers) {
        let mut next = Vec::new();
        for parent in level {
            for child in store.subtasks(parent, SubtaskFilter::All).await? {
                if seen.insert(child.task_id) {
                    next.push(child.task_id);
                    out.push(store.get_task(child.task_id).await?);
                }
            }
        }
        level = next;
        depth += 1;
    }
    Ok(out)
}

/// The descendants of `task` that carry an error message.
pub async fn descendants_with_errors(store: &Store, task: &Task) -> Result<Vec<Task>, StoreError> {
    let mut all = descendants(store, task, -1).await?;
    all.retain(|t| t.messages.iter().any(|m| m.error));
    Ok(all)
}
