//! Boot actions: a context per node, a status per action, identity keys
//! stored as hashes and checked; hostile names and keys.

use drydock_store::{Backend, MAX_NAME_LEN, ResultStatus, StoreError, Uuid};
use sqlx::Connection;

use crate::harness::Ctx;

/// The identity key hashes stored in `table`, read with raw SQL.
async fn stored_hashes(ctx: &Ctx, table: &str) -> Vec<Vec<u8>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT identity_key FROM {table}"));
    match ctx.backend() {
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&ctx.url).await.unwrap();
            sqlx::query_scalar(sql).fetch_all(&mut c).await.unwrap()
        }
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&ctx.url).await.unwrap();
            sqlx::query_scalar(sql).fetch_all(&mut c).await.unwrap()
        }
    }
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    drydock_core::Digest::of(bytes).as_bytes().to_vec()
}

pub async fn contexts_and_statuses_with_hashed_keys(ctx: Ctx) {
    let s = &ctx.store;
    let (deploy, redeploy) = (Uuid::new_v4(), Uuid::new_v4());
    let key: Vec<u8> = (0u8..32).collect();
    assert!(s.boot_action_context("n1").await.unwrap().is_none());
    assert!(
        !s.check_node_key("n1", &key).await.unwrap(),
        "no context: no key matches"
    );
    s.post_boot_action_context("n1", deploy, &key)
        .await
        .unwrap();
    let got = s.boot_action_context("n1").await.unwrap().unwrap();
    assert_eq!((got.node_name.as_str(), got.task_id), ("n1", deploy));
    assert!(s.check_node_key("n1", &key).await.unwrap());
    let mut wrong = key.clone();
    wrong[31] ^= 1;
    assert!(!s.check_node_key("n1", &wrong).await.unwrap());
    assert!(!s.check_node_key("n1", &key[..31]).await.unwrap());
    assert_eq!(
        stored_hashes(&ctx, "boot_action").await,
        [sha256(&key)],
        "the hash, never the key"
    );

    // Posting again replaces the context (a redeploy with a new key).
    let new_key = [0xA5u8; 32];
    s.post_boot_action_context("n1", redeploy, &new_key)
        .await
        .unwrap();
    assert_eq!(
        s.boot_action_context("n1").await.unwrap().unwrap().task_id,
        redeploy
    );
    assert!(
        s.check_node_key("n1", &new_key).await.unwrap()
            && !s.check_node_key("n1", &key).await.unwrap()
    );

    let (a1, a2) = (Uuid::now_v7(), Uuid::now_v7());
    let posted = s
        .post_boot_action("n1", redeploy, &new_key, a1, "hw-config")
        .await
        .unwrap();
    assert_eq!(posted.status, ResultStatus::Incomplete);
    s.post_boot_action("n1", redeploy, &new_key, a2, "ntp")
        .await
        .unwrap();
    let dup = s
        .post_boot_action("n1", redeploy, &new_key, a1, "again")
        .await
        .unwrap_err();
    assert!(matches!(dup, StoreError::Conflict { .. }), "{dup}");
    assert_eq!(s.boot_action(a1).await.unwrap(), Some(posted.clone()));
    let done = s
        .update_boot_action_status(a1, ResultStatus::Success)
        .await
        .unwrap();
    assert_eq!(done.status, ResultStatus::Success);
    let failed = s
        .update_boot_action_status(a2, ResultStatus::Failure)
        .await
        .unwrap();
    assert_eq!(failed.status, ResultStatus::Failure);
    let all = s.boot_actions("n1").await.unwrap();
    assert_eq!(
        all.iter()
            .map(|a| (a.action_name.as_str(), a.status.clone()))
            .collect::<Vec<_>>(),
        [
            ("hw-config", ResultStatus::Success),
            ("ntp", ResultStatus::Failure)
        ]
    );
    assert!(s.boot_actions("n2").await.unwrap().is_empty());
    assert!(s.check_boot_action_key(a1, &new_key).await.unwrap());
    assert!(!s.check_boot_action_key(a1, &key).await.unwrap());
    assert!(
        !s.check_boot_action_key(Uuid::new_v4(), &new_key)
            .await
            .unwrap()
    );
    assert!(
        stored_hashes(&ctx, "boot_action_status")
            .await
            .iter()
            .all(|h| *h == sha256(&new_key))
    );

    let err = s
        .update_boot_action_status(a1, ResultStatus::PartialSuccess)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid { field, .. } if field == "boot_action.status"),
        "{err}"
    );
    let err = s
        .update_boot_action_status(Uuid::new_v4(), ResultStatus::Success)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NotFound {
                what: "boot action",
                ..
            }
        ),
        "{err}"
    );
}

pub async fn hostile_boot_action_inputs(ctx: Ctx) {
    let s = &ctx.store;
    let task = Uuid::new_v4();
    // Any bytes make a key, NUL and all; names are text.
    let odd_key = [
        0u8, 0xff, b'\'', b';', 0, 0, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
    ];
    for node in [
        "n'; DROP TABLE boot_action; --",
        "ünï 🚀 \u{1}\u{1f}",
        &"n".repeat(MAX_NAME_LEN),
    ] {
        s.post_boot_action_context(node, task, &odd_key)
            .await
            .unwrap();
        assert!(
            s.check_node_key(node, &odd_key).await.unwrap(),
            "{node:.20}"
        );
        let id = Uuid::new_v4();
        s.post_boot_action(node, task, &odd_key, id, node)
            .await
            .unwrap();
        assert_eq!(s.boot_actions(node).await.unwrap()[0].action_name, node);
    }
    let refused = |field: &'static str, err: StoreError| {
        assert!(
            matches!(&err, StoreError::Invalid { field: f, .. } if f == field),
            "{field}: {err}"
        );
    };
    refused(
        "boot_action.node_name",
        s.post_boot_action_context("n\0", task, &odd_key)
            .await
            .unwrap_err(),
    );
    let huge = "n".repeat(MAX_NAME_LEN + 1);
    refused(
        "boot_action.node_name",
        s.post_boot_action_context(&huge, task, &odd_key)
            .await
            .unwrap_err(),
    );
    refused(
        "boot_action.node_name",
        s.boot_actions(&huge).await.unwrap_err(),
    );
    refused(
        "boot_action.identity_key",
        s.post_boot_action_context("n", task, b"short")
            .await
            .unwrap_err(),
    );
    refused(
        "boot_action.identity_key",
        s.post_boot_action_context("n", task, &[1; 1025])
            .await
            .unwrap_err(),
    );
    let err = s
        .post_boot_action("n", task, &odd_key, Uuid::new_v4(), "a\0")
        .await
        .unwrap_err();
    refused("boot_action.action_name", err);
    assert!(
        s.boot_action_context("n").await.unwrap().is_none(),
        "nothing stored"
    );
}

pub async fn rows_start_unreported_and_list_by_task(ctx: Ctx) {
    let s = &ctx.store;
    let (deploy, other) = (Uuid::now_v7(), Uuid::now_v7());
    let key = [3u8; 32];
    let (a1, a2, a3) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let quiet = s
        .post_boot_action_with_status("n2", deploy, &key, (a1, "quiet"), ResultStatus::Unreported)
        .await
        .unwrap();
    assert_eq!(quiet.status, ResultStatus::Unreported);
    assert_eq!(s.boot_action(a1).await.unwrap(), Some(quiet));
    s.post_boot_action_with_status("n1", deploy, &key, (a2, "loud"), ResultStatus::Incomplete)
        .await
        .unwrap();
    s.post_boot_action("n1", other, &key, a3, "elsewhere")
        .await
        .unwrap();
    let err = s
        .post_boot_action_with_status(
            "n1",
            deploy,
            &key,
            (Uuid::now_v7(), "x"),
            ResultStatus::Success,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid { field, .. } if field == "boot_action.status"),
        "a row never starts final: {err}"
    );
    let rows = s.task_boot_actions(deploy).await.unwrap();
    assert_eq!(
        rows.iter()
            .map(|r| (r.node_name.as_str(), r.action_name.as_str()))
            .collect::<Vec<_>>(),
        [("n1", "loud"), ("n2", "quiet")],
        "by node, then id; only the task's"
    );
    assert!(
        s.task_boot_actions(Uuid::now_v7())
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn a_final_status_is_set_once(ctx: Ctx) {
    let s = &ctx.store;
    let id = Uuid::now_v7();
    s.post_boot_action("n1", Uuid::now_v7(), &[4u8; 32], id, "once")
        .await
        .unwrap();
    let won = s
        .finish_boot_action(id, ResultStatus::Failure)
        .await
        .unwrap();
    assert_eq!(won.map(|b| b.status), Some(ResultStatus::Failure));
    assert_eq!(
        s.finish_boot_action(id, ResultStatus::Success)
            .await
            .unwrap(),
        None,
        "a final status stays"
    );
    assert_eq!(
        s.boot_action(id).await.unwrap().unwrap().status,
        ResultStatus::Failure
    );
    assert_eq!(
        s.finish_boot_action(Uuid::now_v7(), ResultStatus::Success)
            .await
            .unwrap(),
        None
    );
    assert!(
        s.finish_boot_action(id, ResultStatus::Incomplete)
            .await
            .is_err()
    );
}
