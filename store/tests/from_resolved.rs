//! `NewSnapshot::from_resolved` on a design resolved through a real `Resolver`
//! (an in-memory driver and ingester registered on a private registry).

use std::sync::Arc;

use drydock_core::{
    Bytes, DesignRef, Detection, Driver, FetchOptions, Fetched, IngestOptions, Ingested, Ingester,
    Registry, ResolveOptions, Resolver, async_trait,
};
use drydock_store::{NewSnapshot, Store, StoreOptions};

const BODY: &str = "apiVersion: drydock/v1\nkind: Region\nmetadata:\n  name: sitename\n";

#[derive(Debug)]
struct Memo;

#[async_trait]
impl Driver for Memo {
    async fn fetch(&self, r: &DesignRef, _: &FetchOptions) -> drydock_core::Result<Fetched> {
        let mut f = Fetched::new("memo", r, Bytes::from_static(BODY.as_bytes()));
        f.metadata.etag = Some("\"v7\"".into());
        f.metadata.revision = Some("7".into());
        f.metadata.content_type = Some("application/yaml".into());
        Ok(f)
    }
}

#[derive(Debug)]
struct Plain;

impl Ingester for Plain {
    fn name(&self) -> &'static str {
        "plain"
    }
    fn detect(&self, _: &[u8]) -> Detection {
        Detection::Yes
    }
    fn ingest(&self, _: &Bytes, _: &IngestOptions) -> drydock_core::Result<Ingested> {
        Ok(Ingested::default())
    }
}

#[tokio::test]
async fn snapshot_of_a_resolved_design_is_keyed_canonically_and_shows_no_credentials() {
    let registry = Registry::builder()
        .driver_instance("memo-test", "memo", &["memo"], Arc::new(Memo))
        .ingester_instance("plain-test", Arc::new(Plain))
        .build()
        .unwrap();
    let resolver = Resolver::with_registry(Arc::new(registry));
    let resolved = resolver
        .resolve(
            "memo://svc:s3cret@designs.local/site.yaml?token=abc",
            &ResolveOptions::default(),
        )
        .await
        .unwrap();
    let new = NewSnapshot::from_resolved(&resolved, "plain").unwrap();
    assert_eq!(new.key(), "memo://designs.local/site.yaml");
    assert_eq!(
        new.reference(),
        "memo://svc:***@designs.local/site.yaml?token=***"
    );
    assert!(!new.metadata.location.contains("s3cret"));
    assert_eq!(
        new.metadata, resolved.fetched.metadata,
        "the driver's metadata as it is"
    );
    assert_eq!(
        new.digest(),
        resolved.fetched.metadata.digest,
        "the driver's digest"
    );
    assert_eq!(
        new.model.get(),
        serde_json::to_string(&resolved.ingested.design).unwrap(),
        "the model serialised once, as JSON text"
    );
    assert_eq!(new.report, resolved.ingested.report);
    assert_eq!(new.ingest, resolved.ingested.summary);
    assert_eq!(new.ingest_key, "plain");

    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(
        &format!("sqlite://{}/d.db", dir.path().display()),
        &StoreOptions::default(),
    )
    .await
    .unwrap();
    let stored = store.put_snapshot(&new).await.unwrap().summary;
    let back = store.get_snapshot(stored.snapshot_id).await.unwrap();
    assert_eq!(&back.bytes[..], BODY.as_bytes());
    assert_eq!(back.summary.metadata, new.metadata);
    assert_eq!(back.model, resolved.ingested.design);
    let again = DesignRef::parse("memo://other:pw@designs.local/site.yaml?token=xyz").unwrap();
    let latest = store
        .latest_snapshot(&again, "plain")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(latest.summary.snapshot_id, stored.snapshot_id);
}
