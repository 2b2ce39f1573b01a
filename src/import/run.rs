//! The import itself: source tables in order, batch by batch.

use std::collections::HashMap;

use sqlx::postgres::PgRow;

use super::report::{ImportReport, TableReport};
use super::rows;
use super::source::Source;
use super::{ImportError, ImportOptions, Interrupted};
use crate::store::{
    ImportBatch, ImportWritten, ResultMessage, ResultStatus, Store, TaskAction, TaskStatus, Uuid,
    stored_design_ref,
};

/// What `progress` is told after each batch: the table, rows done, rows in it.
pub type Progress<'a> = &'a mut dyn FnMut(&str, u64, u64);

/// Why an interrupted task is recorded as failed.
const INTERRUPTED: &str = "imported from the original Drydock while it was running or \
    terminating: the original never resumes such a task, so it is recorded as failed";

/// Imports the original database at `source_url` into `store` (`None`: a dry
/// run, which reads and reports but writes nothing). `progress` is called
/// after each batch. Fails before writing anything when the source cannot be
/// read, is no Drydock database or is at an unknown level; a row that cannot
/// be imported is counted in the report with its reason.
pub async fn import(
    source_url: &str,
    store: Option<&Store>,
    options: &ImportOptions,
    progress: Progress<'_>,
) -> Result<ImportReport, ImportError> {
    let mut src = Source::open(source_url, &options.source_timezone).await?;
    let result = Importer {
        src: &mut src,
        store,
        options,
        progress,
        report: ImportReport::default(),
        bad_tasks: HashMap::new(),
        numbering: None,
    }
    .run()
    .await;
    src.close().await;
    result
}

struct Importer<'a, 'p> {
    src: &'a mut Source,
    store: Option<&'a Store>,
    options: &'a ImportOptions,
    progress: Progress<'p>,
    report: ImportReport,
    /// Task rows that could not be read → why (only those: the other
    /// reasons to skip a task are decided again from its message's row).
    bad_tasks: HashMap<Uuid, String>,
    /// The task whose messages are being numbered (they come in task
    /// order), and the last sequence given.
    numbering: Option<(Uuid, i64)>,
}

/// Why a readable task is not imported, if it is not: decided alike for
/// the task and for its messages.
fn skip_reason(
    action: &TaskAction,
    status: &TaskStatus,
    options: &ImportOptions,
) -> Option<&'static str> {
    if *action == TaskAction::Noop && !options.include_noop {
        Some("noop task (a health probe; --include-noop imports it)")
    } else if rows::interrupted(status) && options.interrupted == Interrupted::Skip {
        Some("left running or terminating (--interrupted skip)")
    } else {
        None
    }
}

impl Importer<'_, '_> {
    async fn run(mut self) -> Result<ImportReport, ImportError> {
        let level = self.src.level;
        self.report.alembic_version = super::LEVELS[level].to_owned();
        self.report.source_timezone = self.options.source_timezone.clone();
        self.report.dry_run = self.store.is_none();
        self.report.column_lengths = self.src.column_lengths().await?;
        self.tasks().await?;
        self.table("result_message").await?;
        if level >= 1 {
            self.table("build_data").await?;
        }
        self.table("boot_action").await?;
        self.table("boot_action_status").await?;
        let leases = self.src.count("active_instance").await?;
        let t = self.entry("active_instance");
        t.read = leases;
        for _ in 0..leases {
            t.skip("runtime state (the leader lease): not imported");
        }
        Ok(self.report)
    }

    fn entry(&mut self, table: &str) -> &mut TableReport {
        self.report.tables.entry(table.to_owned()).or_default()
    }

    async fn write(&self, batch: &ImportBatch) -> Result<ImportWritten, ImportError> {
        match self.store {
            Some(store) => Ok(store.import_rows(batch).await?),
            None => Ok(ImportWritten {
                tasks: batch.tasks.len() as u64,
                messages: batch.messages.len() as u64,
                build_data: batch.build_data.len() as u64,
                boot_contexts: batch.boot_contexts.len() as u64,
                boot_actions: batch.boot_actions.len() as u64,
            }),
        }
    }

    /// The next batch of rows of `table`'s cursor; `None` at its end.
    async fn batches(&mut self, table: &str) -> Result<Option<Vec<PgRow>>, ImportError> {
        let rows = self
            .src
            .fetch(&format!("c_{table}"), self.options.batch_size)
            .await?;
        Ok((!rows.is_empty()).then_some(rows))
    }

    async fn tasks(&mut self) -> Result<(), ImportError> {
        let options = self.options;
        let total = self.src.count("tasks").await?;
        self.src.declare("c_tasks", "tasks").await?;
        let mut done = 0;
        while let Some(batch_rows) = self.batches("tasks").await? {
            let mut batch = ImportBatch::default();
            for row in &batch_rows {
                let raw_id: Option<Vec<u8>> = super::source::get(row, "task_id");
                let parent = super::source::get::<Vec<u8>>(row, "listed_parent")
                    .and_then(|p| rows::uuid(&p));
                let n: i64 = super::source::get(row, "message_count").unwrap_or(0);
                let errors: i64 = super::source::get(row, "error_count").unwrap_or(0);
                let t = self.report.tables.entry("tasks".into()).or_default();
                t.read += 1;
                let mut row = match rows::task(row, parent) {
                    Ok(row) => row,
                    Err(reason) => {
                        t.skip(reason.clone());
                        if let Some(id) = raw_id.as_deref().and_then(rows::uuid) {
                            self.bad_tasks.insert(id, reason);
                        }
                        continue;
                    }
                };
                let id = row.task.task_id;
                if let Some(reason) = skip_reason(&row.task.action, &row.task.status, options) {
                    t.skip(reason);
                    continue;
                }
                if row.bad_json {
                    t.note("a JSON column held text that is no JSON: kept as a JSON string");
                }
                if let Some(d) = &row.task.design_ref
                    && stored_design_ref(d) != *d
                {
                    t.note("credentials removed from design_ref");
                }
                let task = &mut row.task;
                task.result.error_count = errors;
                let mut seq = n;
                if row.interrupted {
                    match options.interrupted {
                        Interrupted::Requeue => {
                            t.note("left running or terminating: queued again");
                            task.status = TaskStatus::Queued;
                            task.result.status = ResultStatus::Incomplete;
                        }
                        _ => {
                            t.note("left running or terminating: recorded as failed");
                            task.fail(INTERRUPTED);
                            seq += 1;
                            task.result.error_count += 1;
                            batch.messages.push(ResultMessage {
                                sequence: seq,
                                task_id: id,
                                message: INTERRUPTED.to_owned(),
                                error: true,
                                context: Some(id.to_string()),
                                context_type: Some("task".into()),
                                ts: task.updated.unwrap_or(task.created),
                                extra: None,
                            });
                        }
                    }
                }
                batch.tasks.push(crate::store::ImportedTask {
                    task: row.task,
                    message_seq: seq,
                });
            }
            done += batch_rows.len() as u64;
            let written = self.write(&batch).await?;
            let t = self.entry("tasks");
            t.imported += written.tasks;
            t.present += batch.tasks.len() as u64 - written.tasks;
            (self.progress)("tasks", done, total);
        }
        Ok(())
    }

    /// Result messages, build data or boot actions.
    async fn table(&mut self, table: &str) -> Result<(), ImportError> {
        let total = self.src.count(table).await?;
        self.src.declare(&format!("c_{table}"), table).await?;
        let mut done = 0;
        while let Some(batch_rows) = self.batches(table).await? {
            let mut batch = ImportBatch::default();
            for row in &batch_rows {
                self.entry(table).read += 1;
                if let Err(reason) = self.add(table, row, &mut batch) {
                    self.entry(table).skip(reason);
                }
            }
            done += batch_rows.len() as u64;
            let written = self.write(&batch).await?;
            let (added, offered) = match table {
                "result_message" => (written.messages, batch.messages.len()),
                "build_data" => (written.build_data, batch.build_data.len()),
                "boot_action" => (written.boot_contexts, batch.boot_contexts.len()),
                _ => (written.boot_actions, batch.boot_actions.len()),
            };
            let t = self.entry(table);
            t.imported += added;
            t.present += offered as u64 - added;
            (self.progress)(table, done, total);
        }
        Ok(())
    }

    fn add(&mut self, table: &str, row: &PgRow, batch: &mut ImportBatch) -> Result<(), String> {
        match table {
            "result_message" => {
                let (mut message, bad) = rows::message(row)?;
                let task = message.task_id;
                if super::source::get::<bool>(row, "task_known") != Some(true) {
                    return Err("its task is not in the tasks table".into());
                }
                if let Some(why) = self.bad_tasks.get(&task) {
                    return Err(format!("its task was skipped: {why}"));
                }
                // A readable task: skipped for the same reason as it was.
                let action = rows::action(row, "task_action");
                let status = rows::status(row, "task_status")?;
                if let Some(why) = action.and_then(|a| skip_reason(&a, &status, self.options)) {
                    return Err(format!("its task was skipped: {why}"));
                }
                let seq = match &mut self.numbering {
                    Some((current, seq)) if *current == task => {
                        *seq += 1;
                        *seq
                    }
                    numbering => numbering.insert((task, 1)).1,
                };
                message.sequence = seq;
                if bad {
                    self.entry(table)
                        .note("extra held text that is no JSON: kept as a JSON string");
                }
                batch.messages.push(message);
            }
            "build_data" => batch.build_data.push(rows::build_data(row)?),
            "boot_action" => batch.boot_contexts.push(rows::boot_context(row)?),
            _ => batch.boot_actions.push(rows::boot_action(row)?),
        }
        Ok(())
    }
}
