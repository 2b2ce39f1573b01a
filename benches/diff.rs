//! Diff benchmark: two generated Deckhand sites of 1,000 and 10,000
//! BaremetalNodes, ingested once, that differ in one node's address and in
//! every document's line. Prints the median and best time of `diff`.
//!
//! `cargo bench -p drydock --bench diff`

use std::time::{Duration, Instant};

use drydock::diff::diff;
use drydock::ingester_deckhand::DeckhandIngester;
use drydock::{Bytes, IngestOptions, Ingester, SiteDesign};
use drydock_fixtures::sitegen::{self, SiteSpec};

fn ingest(text: String) -> SiteDesign {
    let out = DeckhandIngester::default()
        .ingest(&Bytes::from(text), &IngestOptions::default())
        .expect("the generated site ingests");
    assert!(out.report.is_success(), "generated site is valid");
    out.design
}

fn main() {
    println!("{:>7} {:>10} {:>10}", "nodes", "median", "min");
    for n in [1_000, 10_000] {
        let original = sitegen::deckhand(&SiteSpec::new(n));
        // The last node's mgmt address (`10.1.a.b`), changed.
        let last = n - 1;
        let address = format!("address: 10.1.{}.{}\n", 1 + last / 250, 1 + last % 250);
        let edited = original
            .replacen(&address, "address: 10.1.255.255\n", 1)
            .replacen('\n', "\n# edited\n", 1);
        let (old, new) = (ingest(original), ingest(edited));
        let runs = 31;
        let mut times: Vec<Duration> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                let d = diff(&old, &new);
                let took = t.elapsed();
                assert_eq!(d.to_string().lines().count(), 1, "{d}");
                took
            })
            .collect();
        times.sort();
        println!(
            "{:>7} {:>10} {:>10}",
            n,
            fmt(times[runs / 2]),
            fmt(times[0])
        );
    }
}

fn fmt(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}
