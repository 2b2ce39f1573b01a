//! Ingest benchmark: generated Deckhand-format sites of 100, 1,000 and 10,000
//! BaremetalNodes, from bytes in memory. Prints the median time, MB/s and the
//! peak heap during ingestion (a counting global allocator).
//!
//! `cargo bench -p drydock-ingester-deckhand --bench ingest [-- SIZES…]`
//! (`DRYDOCK_BENCH_THREADS=1` for the serial path).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use drydock_core::{Bytes, IngestOptions, Ingester};
use drydock_fixtures::sitegen::{self, SiteSpec};
use drydock_ingester_deckhand::{DeckhandIngester, DeckhandOptions, Limits};
use drydock_ingester_yaml::parse::load_stream;

struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; the
// counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc`, passed on as is.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() && COUNTING.load(Ordering::Relaxed) {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, that is from `System`.
        unsafe { System.dealloc(ptr, layout) };
        if COUNTING.load(Ordering::Relaxed) {
            CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from `System` with `layout`, as the caller promises.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() && COUNTING.load(Ordering::Relaxed) {
            if new_size >= layout.size() {
                let now = CURRENT.fetch_add(new_size - layout.size(), Ordering::Relaxed)
                    + (new_size - layout.size());
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const MIB: f64 = 1024.0 * 1024.0;

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![100, 1_000, 10_000]
    } else {
        sizes
    };
    // DRYDOCK_BENCH_THREADS=1 measures the serial path (0 or unset: one per core).
    let threads = std::env::var("DRYDOCK_BENCH_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    let limits = Limits {
        threads,
        ..Limits::default()
    };
    let ingester = DeckhandIngester::new(DeckhandOptions::with_limits(limits.clone()));
    println!(
        "{:>7} {:>9} {:>7} {:>10} {:>10} {:>11} {:>19} {:>9} {:>12}",
        "nodes",
        "MB",
        "docs",
        "median",
        "min",
        "parse-only",
        "cpu/run (parse)",
        "MB/s",
        "peak heap"
    );
    for n in sizes {
        let bytes = Bytes::from(sitegen::deckhand(&SiteSpec::new(n)));
        let runs = if n >= 10_000 { 15 } else { 30 };
        let mut times = Vec::with_capacity(runs);
        let mut parse_times = Vec::with_capacity(runs);
        let mut docs = 0;
        let mut cpu = Duration::ZERO;
        let mut parse_cpu = Duration::ZERO;
        for _ in 0..runs {
            let (t, c) = (Instant::now(), cpu_time());
            let out = ingester
                .ingest(&bytes, &IngestOptions::default())
                .expect("ingests");
            times.push(t.elapsed());
            cpu += cpu_time().saturating_sub(c);
            assert!(out.report.is_success(), "generated site is valid");
            docs = out.summary.documents;
            drop(out);
            let (t, c) = (Instant::now(), cpu_time());
            let parsed = load_stream(&bytes, &limits, |d| d.is_ok()).expect("utf-8");
            parse_times.push(t.elapsed());
            parse_cpu += cpu_time().saturating_sub(c);
            assert!(parsed.iter().all(|ok| *ok));
        }
        parse_times.sort();
        // Peak heap: one more run with the counting allocator on (it slows allocation).
        COUNTING.store(true, Ordering::SeqCst);
        let base = CURRENT.load(Ordering::SeqCst);
        PEAK.store(base, Ordering::SeqCst);
        let out = ingester
            .ingest(&bytes, &IngestOptions::default())
            .expect("ingests");
        let peak_over_input = PEAK.load(Ordering::SeqCst).saturating_sub(base);
        drop(out);
        COUNTING.store(false, Ordering::SeqCst);
        times.sort();
        let median = times[runs / 2];
        let mb = bytes.len() as f64 / 1e6;
        println!(
            "{:>7} {:>9.2} {:>7} {:>10} {:>10} {:>11} {:>19} {:>9.1} {:>8.1} MiB",
            n,
            mb,
            docs,
            fmt(median),
            fmt(times[0]),
            fmt(parse_times[runs / 2]),
            format!(
                "{} / {}",
                fmt(cpu / runs as u32),
                fmt(parse_cpu / runs as u32)
            ),
            mb / median.as_secs_f64(),
            (peak_over_input + bytes.len()) as f64 / MIB,
        );
    }
}

fn fmt(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// User + system CPU time of this process so far (Linux `/proc/self/stat`, 10 ms ticks).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|x| x.parse().ok())
        .collect();
    Duration::from_millis(f.iter().sum::<u64>() * 10)
}
