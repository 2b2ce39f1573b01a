//! Throughput of a `file://` fetch of a 64 MiB file from the page cache.
//!
//! Run: `cargo bench -p drydock-driver-file --bench fetch`
//!
//! `driver_fetch` is the whole `Driver::fetch` (resolve, checks, read into one
//! pre-sized buffer, and the SHA-256 digest `Fetched::new` computes).
//! `driver_read` is the same without the digest (`FileDriver::read`);
//! `std_fs_read` (a plain read of the file) and `sha256` (the digest alone)
//! are the floors it is made of.

use std::hint::black_box;
use std::io::Write;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use drydock_core::{DesignRef, Digest, Driver, FetchOptions};
use drydock_driver_file::FileDriver;

const SIZE: usize = 64 << 20;

fn fetch(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("site.yaml");
    let line = b"- {name: node-0001, rack: rack01, profile: cab-intel, addr: 172.16.1.11}\n";
    let mut file = std::fs::File::create(&path).expect("create the file");
    let mut written = 0;
    while written < SIZE {
        let n = line.len().min(SIZE - written);
        file.write_all(&line[..n]).expect("write the file");
        written += n;
    }
    drop(file);
    let content = std::fs::read(&path).expect("warm the page cache");
    assert_eq!(content.len(), SIZE);

    let url = url::Url::from_file_path(&path).expect("absolute path");
    let reference = DesignRef::parse(url.as_str()).expect("valid reference");
    let driver = FileDriver::default();
    let options = FetchOptions::default().with_max_size(SIZE as u64);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");

    let mut group = c.benchmark_group("file_fetch_64MiB");
    group.throughput(Throughput::Bytes(SIZE as u64));
    group.sample_size(30);
    group.bench_function("driver_fetch", |b| {
        b.iter(|| {
            let fetched = runtime
                .block_on(driver.fetch(&reference, &options))
                .expect("fetch succeeds");
            assert_eq!(fetched.bytes.len(), SIZE);
            black_box(fetched)
        })
    });
    group.bench_function("driver_read", |b| {
        b.iter(|| {
            let content = runtime
                .block_on(driver.read(&reference, &options))
                .expect("read succeeds");
            assert_eq!(content.bytes.len(), SIZE);
            black_box(content)
        })
    });
    group.bench_function("std_fs_read", |b| {
        b.iter(|| black_box(std::fs::read(&path).expect("read")))
    });
    group.bench_function("sha256", |b| b.iter(|| black_box(Digest::of(&content))));
    group.finish();
}

criterion_group!(benches, fetch);
criterion_main!(benches);
