//! Claims from one store shared by many callers (on PostgreSQL they take
//! turns on the connection held for claims): each task still goes to
//! exactly one caller, and a claim connection the server ended is replaced.

use std::collections::HashSet;
use std::time::Duration;

use drydock_store::{Backend, NewTask, TaskAction, TaskStatus, Uuid};
use sqlx::Connection as _;

use crate::claims::worker;
use crate::harness::Ctx;

pub async fn one_store_shared_by_eight_claimers_claims_once_each(ctx: Ctx) {
    const TASKS: usize = 400;
    let mut created = HashSet::new();
    for _ in 0..TASKS {
        let task = ctx
            .store
            .create_task(&NewTask::new(TaskAction::DeployNode))
            .await
            .unwrap();
        created.insert(task.task_id);
    }
    let mut claimers = tokio::task::JoinSet::new();
    for n in 0..8u32 {
        let store = ctx.store.clone();
        claimers.spawn(async move {
            let claim = worker(&[]);
            let mut mine = Vec::new();
            loop {
                // Some take one at a time, some in batches.
                let got = store.claim_tasks(&claim, 1 + n % 3).await.unwrap();
                if got.is_empty() {
                    break mine;
                }
                for t in got {
                    assert_eq!(t.status, TaskStatus::Running);
                    assert_eq!(t.claimed_by, Some(claim.owner));
                    mine.push(t.task_id);
                }
            }
        });
    }
    let claimed: Vec<Uuid> = claimers.join_all().await.into_iter().flatten().collect();
    assert_eq!(claimed.len(), TASKS, "no task claimed twice, none left");
    assert_eq!(claimed.iter().copied().collect::<HashSet<_>>(), created);
}

pub async fn a_claim_connection_the_server_ended_is_replaced(ctx: Ctx) {
    let s = &ctx.store;
    for _ in 0..4 {
        s.create_task(&NewTask::new(TaskAction::DeployNode))
            .await
            .unwrap();
    }
    let claim = worker(&[]);
    assert!(s.claim_next_task(&claim).await.unwrap().is_some());
    if ctx.backend() == Backend::Postgres {
        // The server ends every session of this database, as a restart would.
        let url = url::Url::parse(&ctx.url).unwrap();
        let db = url.path().trim_start_matches('/').to_owned();
        let mut admin = sqlx::PgConnection::connect(&crate::harness::pg_admin_url())
            .await
            .unwrap();
        let killed: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = $1 AND pid <> pg_backend_pid()) k",
        )
        .bind(&db)
        .fetch_one(&mut admin)
        .await
        .unwrap();
        assert!(killed > 0, "the claim connection was there to end");
        admin.close().await.unwrap();
    }
    // At most one claim fails (retryably) before a new connection is taken
    // (the pool pings what it hands out).
    let mut failures = 0;
    let mut got = 0;
    while got < 3 {
        match s.claim_next_task(&claim).await {
            Ok(Some(_)) => got += 1,
            Ok(None) => panic!("three tasks are left"),
            Err(e) => {
                assert!(e.is_retryable(), "{e:?}");
                failures += 1;
                assert!(failures <= 1, "the claim connection was not replaced: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    assert!(s.claim_next_task(&claim).await.unwrap().is_none());
}
