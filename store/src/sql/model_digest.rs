//! The digest that binds a stored model, report and ingest summary to the
//! content and ingest key they were derived from (`design_ingest.model_digest`).
//!
//! Written with the row, checked on every read of it: a row whose model
//! (or report) was edited while its bytes and their digest were left alone
//! is refused as corrupt. Checking costs one SHA-256 pass over the stored
//! JSON text, which every read parses anyway. It is no signature: whoever
//! can write the database can also write a matching digest; it stops a row
//! whose parts disagree from being believed. Rows stored before the column
//! existed get theirs once, when the store is migrated
//! ([`SqlStore::fill_model_digests`]); a row without one is refused.

use drydock_core::Digest;
use sha2::{Digest as _, Sha256};
use sqlx::types::Text;

use super::db::{Bind, Db, SqlStore};
use crate::error::Result;

/// SHA-256 over the content's digest, the ingest key, and the model, report
/// and ingest summary as stored; each part length-prefixed, so no two
/// different rows hash alike. As `sha256:<hex>`.
pub(crate) fn model_digest(
    content: &Digest,
    ingest_key: &str,
    model: &str,
    report: &str,
    ingest: &str,
) -> String {
    let mut hasher = Sha256::new();
    for part in [
        content.to_string().as_str(),
        ingest_key,
        model,
        report,
        ingest,
    ] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    format!("sha256:{}", hex::encode(hasher.finalize()))
}

impl<DB: Db> SqlStore<DB> {
    /// Gives the rows stored before model digests existed (listed by the
    /// migration in `model_digest_fixup`) their digest, one row at a time,
    /// and empties the list: what was stored then is taken as it stands,
    /// once. A row left without a digest later is never filled in.
    pub(crate) async fn fill_model_digests(&self) -> Result<()> {
        let pending: Vec<(Text<Digest>, String)> = self
            .read_all(sqlx::query(
                "SELECT digest, ingest_key FROM model_digest_fixup",
            ))
            .await?;
        if pending.is_empty() {
            return Ok(());
        }
        for (digest, ingest_key) in pending {
            let row: Option<(String, String, String)> = self
                .read_optional(
                    sqlx::query(
                        "SELECT model, report, ingest FROM design_ingest \
                         WHERE digest = $1 AND ingest_key = $2",
                    )
                    .arg(Text(digest.0))
                    .arg(ingest_key.as_str()),
                )
                .await?;
            let Some((model, report, ingest)) = row else {
                continue;
            };
            let bound = model_digest(&digest.0, &ingest_key, &model, &report, &ingest);
            let mut tx = self.write().await?;
            let update = sqlx::query(
                "UPDATE design_ingest SET model_digest = $3 \
                 WHERE digest = $1 AND ingest_key = $2 AND model_digest IS NULL",
            )
            .arg(Text(digest.0))
            .arg(ingest_key.as_str())
            .arg(bound);
            DB::execute(&mut tx, update)
                .await
                .map_err(|e| self.err(e))?;
            tx.commit().await.map_err(|e| self.err(e))?;
        }
        let mut tx = self.write().await?;
        DB::execute(&mut tx, sqlx::query("DELETE FROM model_digest_fixup"))
            .await
            .map_err(|e| self.err(e))?;
        tx.commit().await.map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::model_digest;
    use drydock_core::Digest;

    #[test]
    fn every_part_and_its_boundaries_count() {
        let d = Digest::of(b"x");
        let base = model_digest(&d, "k", "{}", "{}", "{}");
        assert_eq!(base, model_digest(&d, "k", "{}", "{}", "{}"));
        assert_ne!(base, model_digest(&Digest::of(b"y"), "k", "{}", "{}", "{}"));
        assert_ne!(base, model_digest(&d, "k2", "{}", "{}", "{}"));
        assert_ne!(base, model_digest(&d, "k", "{ }", "{}", "{}"));
        assert_ne!(base, model_digest(&d, "k", "{}", "{}", "{} "));
        assert_ne!(
            model_digest(&d, "k", "ab", "c", "{}"),
            model_digest(&d, "k", "a", "bc", "{}")
        );
    }
}
