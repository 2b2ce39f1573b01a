//! The store's behaviour suite: every behaviour runs on PostgreSQL and on SQLite.

mod boot_actions;
mod build_data;
mod claims;
mod claims_shared;
mod connect_errors;
mod finish;
mod harness;
mod hostile;
mod hostile_snapshots;
mod import;
mod leader;
mod logs;
mod messages;
mod model_digest;
mod outages;
mod saving;
mod snapshot_lookups;
mod snapshot_migration;
mod snapshots;
mod task_api;
mod tasks;
mod work_queue;

/// `behaviour!(module::function)` makes `module::function::{postgres, sqlite}` tests.
macro_rules! behaviour {
    ($($module:ident :: $name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres() {
                    crate::harness::postgres(stringify!($name), crate::$module::$name).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn sqlite() {
                    crate::harness::sqlite(stringify!($name), crate::$module::$name).await
                }
            }
        )+
    };
}

behaviour!(
    tasks::create_and_get,
    tasks::update_guards_lost_updates,
    tasks::racing_updates_lose_nothing,
    tasks::list_filters_by_status_and_action,
    tasks::subtasks_active_complete_all,
    task_api::unknown_values_are_kept_bad_ones_are_corrupt,
    task_api::orchestrator_helpers_and_what_the_api_shows,
    claims::claim_takes_oldest_matching,
    claims::eight_workers_claim_2000_tasks_once_each,
    claims_shared::one_store_shared_by_eight_claimers_claims_once_each,
    claims_shared::a_claim_connection_the_server_ended_is_replaced,
    work_queue::batch_claims_take_each_task_once,
    work_queue::claims_skip_terminated_tasks,
    work_queue::lapsed_leases_requeue_then_fail,
    work_queue::waiting_wakes_when_work_is_queued,
    work_queue::waiting_for_work_ignores_other_actions,
    work_queue::a_one_connection_store_waits_on_its_one_connection,
    work_queue::ping_answers_or_fails_typed,
    finish::finish_writes_result_and_messages_once,
    finish::a_lapsed_claim_cannot_finish,
    tasks::retention_deletes_old_tasks_subtasks_messages,
    messages::append_one_and_many,
    messages::concurrent_appends_are_gap_free,
    build_data::series_and_latest_survive_task_deletion,
    build_data::read_by_all_node_task_and_both,
    boot_actions::contexts_and_statuses_with_hashed_keys,
    boot_actions::hostile_boot_action_inputs,
    import::imported_rows_are_added_once,
    import::a_bad_batch_is_refused_whole,
    boot_actions::rows_start_unreported_and_list_by_task,
    boot_actions::a_final_status_is_set_once,
    leader::claim_maintain_abdicate,
    leader::four_contenders_one_leader_and_takeover,
    snapshots::store_get_list_latest,
    snapshots::same_bytes_stored_once,
    snapshots::ingest_keys_keep_their_own_reports,
    snapshots::unchanged_content_reuses_the_row,
    snapshots::concurrent_puts_add_one_row,
    snapshots::task_records_its_snapshot,
    model_digest::an_edited_model_is_a_corrupt_row,
    snapshot_lookups::canonical_key_stores_and_finds,
    snapshot_lookups::latest_and_previous,
    snapshot_lookups::record_seen_revalidates,
    saving::resolutions_are_saved_as_they_were_obtained,
    snapshot_lookups::lists_page_newest_first,
    snapshot_migration::version_one_snapshots_migrate,
    hostile_snapshots::any_ingested_design_round_trips,
    hostile_snapshots::unstorable_snapshots_are_refused,
    hostile::hostile_strings_round_trip_or_are_refused,
    outages::unreachable_at_connect_is_a_typed_error,
    connect_errors::missing_database_or_role_is_named,
    connect_errors::tls_failure_has_a_tls_hint,
    connect_errors::every_documented_url_form_opens,
    logs::no_secret_reaches_a_log_line,
    outages::migrations_explicit_and_idempotent,
    outages::outage_mid_run_errors_then_recovers,
);

/// Processes opening a new SQLite file at once all migrate it (SQLite has no
/// migration lock: a migration another one applied first is retried).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_first_opens_of_a_sqlite_file_all_migrate() {
    for round in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("new.db").display());
        let opens: Vec<_> = (0..6)
            .map(|_| {
                let url = url.clone();
                tokio::spawn(async move {
                    drydock_store::Store::connect(&url, &drydock_store::StoreOptions::default())
                        .await
                })
            })
            .collect();
        for open in opens {
            let store = open.await.unwrap();
            assert!(store.is_ok(), "round {round}: {:?}", store.err());
        }
    }
}
