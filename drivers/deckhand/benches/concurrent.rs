//! 64 concurrent `deckhand+https` resolves (fetch + ingest) of a generated
//! 1,000-node revision against the loopback Keystone and Deckhand fixtures:
//! median and p99 latency per resolve, and the authentications performed.
//!
//! Run: `cargo bench -p drydock-driver-deckhand --bench concurrent`

use std::sync::Arc;
use std::time::{Duration, Instant};

use drydock_core::{Env, Registry, ResolveOptions, Resolver};
use drydock_driver_deckhand::{DeckhandDriver, DeckhandOptions};
use drydock_driver_http::{Pem, TlsOptions};
use drydock_fixtures::deckhand::{CannedRevision, DeckhandAuth, DeckhandFixture};
use drydock_fixtures::keystone::{
    ADMIN_PASSWORD, ADMIN_USER, DEFAULT_DOMAIN, KeystoneConfig, KeystoneFixture, SERVICE_PROJECT,
};
use drydock_fixtures::sitegen::{SiteSpec, deckhand};
use drydock_fixtures::tls::TestPki;

const CONCURRENCY: usize = 64;
const ROUNDS: usize = 10;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    use drydock_ingester_deckhand as _;
    let pki = TestPki::generate().expect("PKI");
    let keystone =
        KeystoneFixture::start_tls(KeystoneConfig::default(), pki.server_config().unwrap())
            .await
            .expect("keystone");
    let fixture = DeckhandFixture::start_tls(
        DeckhandAuth::Keystone(keystone.clone()),
        pki.server_config().unwrap(),
    )
    .await
    .expect("deckhand");
    let site = deckhand(&SiteSpec::new(1000));
    let id = fixture.add_revision(CannedRevision::from_yaml("site", &site).expect("canned"));
    let env = Env::fixed([
        ("OS_AUTH_URL", keystone.auth_url().to_string()),
        ("OS_USERNAME", ADMIN_USER.to_owned()),
        ("OS_PASSWORD", ADMIN_PASSWORD.to_owned()),
        ("OS_PROJECT_NAME", SERVICE_PROJECT.to_owned()),
        ("OS_USER_DOMAIN_NAME", DEFAULT_DOMAIN.to_owned()),
        ("OS_PROJECT_DOMAIN_NAME", DEFAULT_DOMAIN.to_owned()),
    ]);
    let tls = TlsOptions::default().with_ca_bundle(Pem::Bytes(pki.ca_pem.clone().into_bytes()));
    let driver = DeckhandDriver::new(
        DeckhandOptions::default()
            .with_tls(tls)
            .with_env_proxy(false),
        &env,
    )
    .expect("driver");
    let registry = Registry::builder()
        .with_linked()
        .override_driver(
            "drydock-driver-deckhand",
            drydock_driver_deckhand::NAME,
            drydock_driver_deckhand::SCHEMES,
            Arc::new(driver),
        )
        .build()
        .expect("registry");
    let resolver = Arc::new(Resolver::with_registry(Arc::new(registry)));
    let reference = fixture.reference(id);
    let mut latencies = Vec::new();
    let mut rounds = Vec::new();
    for round in 0..=ROUNDS {
        let started = Instant::now();
        let tasks: Vec<_> = (0..CONCURRENCY)
            .map(|_| {
                let (resolver, reference) = (resolver.clone(), reference.clone());
                tokio::spawn(async move {
                    let t = Instant::now();
                    let resolved = resolver
                        .resolve(&reference, &ResolveOptions::default())
                        .await
                        .expect("resolves");
                    assert_eq!(resolved.ingested.design.baremetal_nodes.len(), 1000);
                    t.elapsed()
                })
            })
            .collect();
        let mut these = Vec::new();
        for task in tasks {
            these.push(task.await.expect("join"));
        }
        // Round 0 warms the pools (TLS handshakes, the first token).
        if round > 0 {
            latencies.extend(these);
            rounds.push(started.elapsed());
        }
    }
    latencies.sort();
    rounds.sort();
    println!(
        "64 concurrent deckhand+https resolves of a 1,000-node revision ({} bytes), {ROUNDS} rounds:",
        site.len()
    );
    println!(
        "  per resolve: median {:?}, p99 {:?}, max {:?}",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies[latencies.len() - 1]
    );
    println!("  per round of 64: median {:?}", percentile(&rounds, 0.5));
    println!(
        "  Keystone authentications: {} for {} resolves",
        keystone.token_requests(),
        (ROUNDS + 1) * CONCURRENCY
    );
}
