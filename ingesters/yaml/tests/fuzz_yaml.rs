//! Property tests of the YAML loader and the legacy YAML ingester: any
//! bytes end in a report (or a typed error whose text is one safe line),
//! never a panic; ingestion is deterministic; every message's line lies in
//! the input. The seed corpus `fixtures/fuzz/yaml/` is replayed first.
//!
//! Bounded for CI: 48 cases per property unless `PROPTEST_CASES` says more.

use drydock_core::text::is_unsafe_char;
use drydock_core::{Bytes, IngestOptions, Ingester, Status};
use drydock_ingester_yaml::YamlIngester;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

fn config() -> ProptestConfig {
    let mut config = ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/fuzz_yaml.txt",
        ))),
        ..ProptestConfig::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 48;
    }
    config
}

/// Every property of ingesting `bytes`.
fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    let ingester = YamlIngester::default();
    let run = || ingester.ingest(&Bytes::copy_from_slice(bytes), &IngestOptions::default());
    match run() {
        Ok(out) => {
            let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            for m in &out.report.messages {
                if let Some(at) = &m.location {
                    prop_assert!(at.line >= 1 && at.line <= lines, "{m:?} of {lines} lines");
                }
            }
            let failed = out.report.error_count() > 0;
            prop_assert_eq!(out.report.status == Status::Failure, failed);
            // Deterministic, parallel loader or not.
            let again = run().expect("the same bytes ingest the same way");
            prop_assert_eq!(&again.report, &out.report);
            prop_assert_eq!(
                serde_json::to_value(&again.design).unwrap(),
                serde_json::to_value(&out.design).unwrap()
            );
        }
        Err(err) => {
            let shown = err.to_string();
            prop_assert!(!shown.chars().any(is_unsafe_char), "{shown:?}");
        }
    }
    Ok(())
}

#[test]
fn the_seed_corpus_ends_in_reports() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/fuzz/yaml");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("the seed corpus is committed") {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        check(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        seen += 1;
    }
    assert!(seen >= 5, "the seed corpus is there ({seen} files)");
}

/// A YAML flow value: scalars with hostile escapes, nested lists and maps.
fn value() -> impl Strategy<Value = String> {
    let scalar = prop_oneof![
        "[a-z][a-z0-9_.-]{0,10}",
        "-?[0-9]{1,25}(\\.[0-9]{1,5})?",
        Just("~".to_owned()),
        Just("true".to_owned()),
        Just("\"\\e[2J\\0\\x9b\\u202e\\r\\n\"".to_owned()),
        Just("'it''s'".to_owned()),
        Just("*a".to_owned()),
        Just("&a x".to_owned()),
        Just("!!binary aGk=".to_owned()),
        "\"[ -~\u{80}-\u{9f}é]{0,12}\"",
    ];
    scalar.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec(("[a-z_]{1,8}", inner), 0..4).prop_map(|v| {
                let pairs: Vec<String> = v.into_iter().map(|(k, v)| format!("{k}: {v}")).collect();
                format!("{{{}}}", pairs.join(", "))
            }),
        ]
    })
}

fn kind() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "Region",
        "Network",
        "NetworkLink",
        "HardwareProfile",
        "HostProfile",
        "BaremetalNode",
        "Rack",
        "BootAction",
        "Nonsense",
    ])
}

/// A stream of legacy documents with random specs, then a few random bytes
/// written over it.
fn stream() -> impl Strategy<Value = Vec<u8>> {
    let doc = (kind(), "[a-z0-9\\\\\"-]{0,10}", value()).prop_map(|(kind, name, spec)| {
        format!(
            "apiVersion: drydock/v1\nkind: {kind}\nmetadata:\n  name: \"{name}\"\nspec: {spec}\n"
        )
    });
    let docs = prop::collection::vec(doc, 1..4).prop_map(|d| d.join("---\n"));
    let noise = prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..3);
    (docs, noise).prop_map(|(text, noise)| {
        let mut bytes = text.into_bytes();
        for (at, byte) in noise {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        bytes
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_bytes_end_in_a_report(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        check(&bytes)?;
    }

    #[test]
    fn any_legacy_stream_ends_in_a_report(bytes in stream()) {
        check(&bytes)?;
    }
}
