//! A stored model cannot disagree with its bytes: a row whose model (or
//! report) was edited, or whose model digest is gone, is a corrupt row on
//! every read; migrating does not bless it; storing the design again writes
//! a row whose digest was lost afresh.

use drydock_store::{Backend, StoreError};
use sqlx::Connection as _;

use crate::harness::Ctx;
use crate::snapshots::put;

/// Runs one statement with raw SQL, behind the store's back.
async fn behind_the_back(ctx: &Ctx, sql: &'static str) {
    let affected = match ctx.backend() {
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&ctx.url).await.expect("pg");
            sqlx::query(sql)
                .execute(&mut c)
                .await
                .expect(sql)
                .rows_affected()
        }
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&ctx.url)
                .await
                .expect("sqlite");
            sqlx::query(sql)
                .execute(&mut c)
                .await
                .expect(sql)
                .rows_affected()
        }
    };
    assert_eq!(affected, 1, "{sql}");
}

fn corrupt(err: &StoreError, column: &str) -> bool {
    matches!(err, StoreError::Corrupt { field, .. } if field == column)
}

pub async fn an_edited_model_is_a_corrupt_row(ctx: Ctx) {
    let s = &ctx.store;
    let stored = put(s, "https://designs.example/site.yaml", "the bytes").await;
    let id = stored.summary.snapshot_id;
    let digest = stored.summary.digest;
    let back = s
        .get_snapshot(id)
        .await
        .expect("an untouched row reads back");
    assert!(s.snapshot_model_json(id).await.is_ok());

    behind_the_back(
        &ctx,
        "UPDATE design_ingest SET model = replace(model, '\"mtu\":1500', '\"mtu\":9216')",
    )
    .await;
    let edited = [
        s.get_snapshot(id).await.unwrap_err(),
        s.snapshot_model_json(id).await.unwrap_err(),
        s.snapshot_by_digest(&digest, "deckhand").await.unwrap_err(),
    ];
    for err in &edited {
        assert!(corrupt(err, "design_ingest.model"), "{err}");
        assert!(err.to_string().contains(&id.to_string()), "{err}");
    }

    // A digest removed is no way around the check, and migrating does not
    // give the row one.
    behind_the_back(&ctx, "UPDATE design_ingest SET model_digest = NULL").await;
    s.migrate().await.unwrap();
    let err = s.get_snapshot(id).await.unwrap_err();
    assert!(corrupt(&err, "design_ingest.model_digest"), "{err}");

    // Storing the design again writes the row afresh, with its digest.
    put(s, "https://designs.example/site.yaml", "the bytes").await;
    let again = s.get_snapshot(id).await.expect("written afresh");
    assert_eq!(again.model, back.model);
    assert_eq!(again.report, back.report);
}
