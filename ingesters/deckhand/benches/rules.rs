//! All design rules on the generated 10,000-node site (ingested once, outside
//! the measurement).
//!
//! Run: `cargo bench -p drydock-ingester-deckhand --bench rules`
//!
//! `compile` is the effective site alone (host-profile chains, hardware
//! profiles, route domains, boot-action targets); `validate_site` is that plus
//! the 18 rules, which is what validation costs after ingest.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use drydock_core::{Bytes, IngestOptions, Ingester, Status};
use drydock_fixtures::sitegen::{self, SiteSpec};
use drydock_ingester_deckhand::DeckhandIngester;
use drydock_rules::{EffectiveSite, ValidationConfig, validate_site};

const NODES: usize = 10_000;

fn rules(c: &mut Criterion) {
    let bytes = Bytes::from(sitegen::deckhand(&SiteSpec::new(NODES)));
    let ingested = DeckhandIngester::default()
        .ingest(&bytes, &IngestOptions::default())
        .expect("ingests");
    assert!(ingested.report.is_success());
    let design = ingested.design;
    let config = ValidationConfig::default().with_platform(sitegen::platform_catalogue());
    let outcome = validate_site(&design, &config);
    assert_eq!(
        outcome.status,
        Status::Success,
        "the generated site is valid"
    );
    assert_eq!(outcome.messages.len(), 18, "only the 18 infos");

    let mut group = c.benchmark_group("rules_10000_nodes");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("compile", |b| {
        b.iter(|| EffectiveSite::compile(black_box(&design)).map(|s| s.nodes.len()))
    });
    group.bench_function("validate_site", |b| {
        b.iter(|| validate_site(black_box(&design), &config))
    });
    group.finish();
}

criterion_group!(benches, rules);
criterion_main!(benches);
