//! Design snapshots: a resolved design, stored so a task can be traced to exactly what it ran on.

use bytes::Bytes;
use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::FromRow;
use uuid::Uuid;

use crate::error::Result;
use crate::model::{json, name, opt_text, text};
use crate::sql::Ts;

/// What the driver knew about the fetched bytes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromRow)]
pub struct SnapshotMetadata {
    /// The driver that fetched it.
    pub driver: String,
    /// Content type, if known.
    pub content_type: Option<String>,
    /// ETag, if known.
    pub etag: Option<String>,
    /// Revision, if the source has them.
    pub revision: Option<String>,
    /// Last-Modified, if known.
    pub last_modified: Option<String>,
    /// Where the bytes finally came from (redacted by the driver).
    pub location: String,
    /// When they were fetched.
    #[sqlx(try_from = "Ts")]
    pub fetched_at: DateTime<Utc>,
}

/// A resolved design to store with [`crate::Store::put_snapshot`].
#[derive(Clone, Debug, PartialEq)]
pub struct NewSnapshot {
    /// The reference, credentials removed (see [`strip_credentials`]).
    pub reference: String,
    /// The driver's metadata.
    pub metadata: SnapshotMetadata,
    /// The raw bytes.
    pub bytes: Bytes,
    /// The ingested model.
    pub model: Value,
    /// The validation report.
    pub report: Value,
}

impl NewSnapshot {
    /// The snapshot of a design the resolver produced.
    pub fn from_resolved(resolved: &drydock_core::Resolved) -> Self {
        let m = &resolved.fetched.metadata;
        NewSnapshot {
            reference: strip_credentials(resolved.reference.redacted()),
            metadata: SnapshotMetadata {
                driver: m.driver.clone(),
                content_type: m.content_type.clone(),
                etag: m.etag.clone(),
                revision: m.revision.clone(),
                last_modified: m.last_modified.clone(),
                location: strip_credentials(&m.location),
                fetched_at: m.fetched_at.trunc_subsecs(6),
            },
            bytes: resolved.fetched.bytes.clone(),
            model: serde_json::to_value(&resolved.ingested.design).unwrap_or(Value::Null),
            report: serde_json::to_value(&resolved.ingested.report).unwrap_or(Value::Null),
        }
    }

    /// The lower-case hex SHA-256 of the bytes: the key they are stored under.
    pub fn digest(&self) -> String {
        drydock_core::Digest::of(&self.bytes).hex()
    }

    pub(crate) fn validate(&self) -> Result<()> {
        name("snapshot.reference", &self.reference)?;
        let m = &self.metadata;
        text("snapshot.driver", &m.driver)?;
        text("snapshot.location", &m.location)?;
        opt_text("snapshot.content_type", m.content_type.as_deref())?;
        opt_text("snapshot.etag", m.etag.as_deref())?;
        opt_text("snapshot.revision", m.revision.as_deref())?;
        opt_text("snapshot.last_modified", m.last_modified.as_deref())?;
        json("snapshot.model", &self.model)?;
        json("snapshot.report", &self.report)
    }
}

/// A stored snapshot without its content, as lists return it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, FromRow)]
pub struct SnapshotSummary {
    /// Its id.
    pub snapshot_id: Uuid,
    /// The reference, credentials removed.
    pub reference: String,
    /// The driver's metadata.
    #[sqlx(flatten)]
    pub metadata: SnapshotMetadata,
    /// Hex SHA-256 of the bytes.
    pub digest: String,
    /// Length of the bytes.
    pub length: i64,
    /// When it was stored.
    #[sqlx(try_from = "Ts")]
    pub stored_at: DateTime<Utc>,
}

/// A stored snapshot with its content.
#[derive(Clone, Debug, PartialEq, FromRow)]
pub struct Snapshot {
    /// Id, reference, metadata, digest.
    #[sqlx(flatten)]
    pub summary: SnapshotSummary,
    /// The raw bytes.
    #[sqlx(try_from = "Vec<u8>")]
    pub bytes: Bytes,
    /// The ingested model.
    #[sqlx(json)]
    pub model: Value,
    /// The validation report.
    #[sqlx(json)]
    pub report: Value,
}

/// The reference without userinfo (user name and password both removed).
/// Secret-looking query values are expected to be redacted already
/// (as `DesignRef::redacted` does).
pub fn strip_credentials(reference: &str) -> String {
    match url::Url::parse(reference) {
        Ok(mut url) if !url.username().is_empty() || url.password().is_some() => {
            let _ = url.set_password(None);
            let _ = url.set_username("");
            url.to_string()
        }
        _ => reference.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_userinfo_entirely() {
        let r =
            drydock_core::DesignRef::parse("deckhand+https://svc:pw@deckhand:8443/rev/7?token=abc")
                .unwrap();
        let s = strip_credentials(r.redacted());
        assert_eq!(s, "deckhand+https://deckhand:8443/rev/7?token=***");
        assert_eq!(
            strip_credentials("file:///srv/site.yaml"),
            "file:///srv/site.yaml"
        );
        assert_eq!(strip_credentials("https://bob@h/x"), "https://h/x");
    }
}
