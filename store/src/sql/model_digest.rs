//! The digest that binds a stored model, report and ingest summary to the
//! content and ingest key they were derived from (`design_ingest.model_digest`).
//!
//! Written with the row, checked on every read of it: a row whose model
//! (or report) was edited while its bytes and their digest were left alone
//! is refused as corrupt. Checking costs one SHA-256 pass over the stored
//! JSON text, which every read parses anyway. It is no signature: whoever
//! can write the database can also write a matching digest; it stops a row
//! whose parts disagree from being believed.

use drydock_core::Digest;
use sha2::{Digest as _, Sha256};

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
