//! Hostile snapshots: any design the ingester accepts round-trips on both
//! backends; what cannot be stored is refused with a typed error naming it.

use std::sync::Arc;

use drydock_core::{DesignRef, Fetched};
use drydock_store::{MAX_INGEST_KEY_LEN, MAX_NAME_LEN, NewSnapshot, StoreError};

use crate::harness::Ctx;
use crate::snapshots::{fetched, ingest, sample, small_site};

/// NUL, C0 controls, 4-byte UTF-8, quotes and a 1 MiB string, in YAML escapes.
fn hostile_site() -> (String, Vec<String>) {
    let huge = "h".repeat(1 << 20);
    let strings = vec![
        "nul\0inside".to_owned(),
        "controls \u{1}\u{8}\u{1b}[31m\u{1f}\u{7f}".to_owned(),
        "four-byte 😀 𝄞 \u{10FFFF}".to_owned(),
        "quotes ' \" \\ ; DROP TABLE design_ingest; --".to_owned(),
        huge,
    ];
    let escaped: Vec<String> = strings
        .iter()
        .map(|s| serde_json::to_string(s).expect("JSON string is a YAML string"))
        .collect();
    let yaml = drydock_fixtures::sitegen::deckhand(&drydock_fixtures::sitegen::SiteSpec::new(2));
    let plain = "'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDsitegen operator@sitegen'";
    assert!(
        yaml.contains(plain),
        "the generated site has its operator key"
    );
    (yaml.replacen(plain, &escaped.join("\n    - "), 1), strings)
}

pub async fn any_ingested_design_round_trips(ctx: Ctx) {
    let s = &ctx.store;
    let (yaml, strings) = hostile_site();
    let ingested = ingest(&yaml);
    let json = serde_json::to_string(&ingested.design).unwrap();
    for text in &strings {
        let as_json = serde_json::to_string(text).unwrap();
        assert!(
            json.contains(&as_json[1..as_json.len() - 1]),
            "the ingester kept {:.40}",
            text
        );
    }
    let r = DesignRef::parse("https://d.example/hostile.yaml").unwrap();
    let new = NewSnapshot::new(
        &r,
        &Fetched::new("http", &r, bytes::Bytes::from(yaml.clone())),
        "deckhand",
        Arc::from(serde_json::value::to_raw_value(&ingested.design).unwrap()),
        ingested.report.clone(),
        ingested.summary.clone(),
    );
    let stored = s.put_snapshot(&new).await.unwrap().summary;
    let back = s.get_snapshot(stored.snapshot_id).await.unwrap();
    assert!(back.model == ingested.design, "model round-trips");
    assert_eq!(back.report, ingested.report);
    assert_eq!(back.ingest, ingested.summary);
    assert_eq!(&back.bytes[..], yaml.as_bytes());
    assert_eq!(
        s.snapshot_model_json(stored.snapshot_id).await.unwrap(),
        json
    );

    // Raw bytes of any kind are content, not text.
    let mut raw = sample("https://d.example/raw", "x");
    raw.bytes = bytes::Bytes::from_static(b"\0\xff\xfe'; DROP TABLE design_content; --");
    raw.metadata.length = raw.bytes.len() as u64;
    // Stored under their own digest: a read hashes them again.
    raw.metadata.digest = drydock_core::Digest::of(&raw.bytes);
    let stored = s.put_snapshot(&raw).await.unwrap().summary;
    assert_eq!(
        s.get_snapshot(stored.snapshot_id).await.unwrap().bytes,
        raw.bytes
    );
}

pub async fn unstorable_snapshots_are_refused(ctx: Ctx) {
    let s = &ctx.store;
    let before = ctx.count("design_snapshot").await;
    let refused = |new: NewSnapshot, field: &'static str| async move {
        let err = s.put_snapshot(&new).await.unwrap_err();
        assert!(
            matches!(&err, StoreError::Invalid { field: f, .. } if f == field),
            "{field}: {err}"
        );
    };
    let long = format!("https://d.example/{}", "a".repeat(MAX_NAME_LEN));
    refused(sample(&long, "x"), "snapshot.key").await;
    let mut key = sample("https://d.example/x", "x");
    key.ingest_key = "k".repeat(MAX_INGEST_KEY_LEN + 1);
    refused(key.clone(), "snapshot.ingest_key").await;
    key.ingest_key = String::new();
    refused(key.clone(), "snapshot.ingest_key").await;
    key.ingest_key = "nul\0key".into();
    refused(key, "snapshot.ingest_key").await;
    let mut etag = sample("https://d.example/x", "x");
    etag.metadata.etag = Some("\"a\0b\"".into());
    refused(etag, "snapshot.metadata.etag").await;
    let mut driver = sample("https://d.example/x", "x");
    driver.metadata.driver = "d".repeat(MAX_NAME_LEN + 1);
    refused(driver, "snapshot.metadata.driver").await;
    let mut short = sample("https://d.example/x", "x");
    short.metadata.length = 99;
    refused(short, "snapshot.metadata.length").await;
    let r = DesignRef::parse("https://d.example/x").unwrap();
    let mut not_modified = sample("https://d.example/x", "");
    not_modified.metadata = Fetched::not_modified("http", &r, None).metadata;
    refused(not_modified, "snapshot.metadata.not_modified").await;
    let mut ingester = sample("https://d.example/x", "x");
    ingester.ingest.ingester = "i\0".into();
    refused(ingester, "snapshot.ingest.ingester").await;
    assert_eq!(ctx.count("design_snapshot").await, before, "nothing stored");

    // At the limits, it is stored.
    let limit = format!("https://d.example/{}", "a".repeat(MAX_NAME_LEN - 18));
    let mut edge = sample(&limit, "x");
    assert_eq!(edge.key().len(), MAX_NAME_LEN);
    edge.ingest_key = "k".repeat(MAX_INGEST_KEY_LEN);
    edge.metadata = fetched(&DesignRef::parse(&limit).unwrap(), "x", 0).metadata;
    let stored = s.put_snapshot(&edge).await.unwrap().summary;
    assert_eq!(stored.key.len(), MAX_NAME_LEN);
    assert_eq!(
        s.get_snapshot(stored.snapshot_id).await.unwrap().model,
        small_site().design
    );
}
