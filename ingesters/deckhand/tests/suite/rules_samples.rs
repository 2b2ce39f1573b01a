//! The reference outcomes of VALIDATION.md 5 and the samples' outcomes: the
//! broken design's errors per rule, the clean designs' infos, and what the
//! original gives the samples of `reference/samples/`.

use std::collections::BTreeMap;

use drydock_core::{Bytes, IngestOptions, Ingester, Level, Status};
use drydock_ingester_deckhand::DeckhandIngester;
use drydock_ingester_yaml::YamlIngester;
use drydock_rules::{PlatformCatalogue, RulesOutcome, ValidationConfig, validate_ingested};

fn fixture(name: &str) -> Bytes {
    let path = format!(
        "{}/../../fixtures/designs/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    Bytes::from(std::fs::read(path).expect("fixture exists"))
}

fn catalogue() -> ValidationConfig {
    ValidationConfig::default().with_platform(PlatformCatalogue::new(
        ["xenial"],
        ["ga-16.04", "hwe-16.04"],
    ))
}

fn validate(ingester: &dyn Ingester, name: &str, config: &ValidationConfig) -> RulesOutcome {
    let ingested = ingester
        .ingest(&fixture(name), &IngestOptions::default())
        .unwrap();
    assert_eq!(
        ingested.report.status,
        Status::Success,
        "{name}: {:#?}",
        ingested.report.messages
    );
    validate_ingested(&ingested, config)
}

/// Errors per rule long name.
fn per_rule(out: &RulesOutcome) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for m in out.messages.iter().filter(|m| m.level == Level::Error) {
        let rule = m.message.split(": ").next().unwrap().to_owned();
        *counts.entry(rule).or_default() += 1;
    }
    counts
}

fn infos(out: &RulesOutcome) -> usize {
    out.messages
        .iter()
        .filter(|m| m.level == Level::Info && m.message.ends_with(": Validation successful."))
        .count()
}

#[test]
fn the_broken_design_gives_31_errors_per_rule_as_the_original() {
    let want: BTreeMap<String, usize> = [
        ("Rational Boot Storage", 2),
        ("Hugepages", 2),
        ("IP Locality Check", 3),
        ("MTU Rationality", 4),
        ("Network Trunking Rationalty", 1),
        ("Duplicated IP Check", 2),
        ("Network Bond Rationality", 2),
        ("Storage Partitioning", 2),
        ("Storage Sizing", 8),
        ("Storage Mountpoint", 1),
        ("Allowed Network Check", 1),
        ("Hostname Validity", 3),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let ingested = DeckhandIngester::default()
        .ingest(
            &fixture("validation-broken.yaml"),
            &IngestOptions::default(),
        )
        .unwrap();
    let warnings: Vec<_> = ingested
        .report
        .messages
        .iter()
        .map(|m| (m.level, m.message.as_str()))
        .collect();
    assert_eq!(
        warnings,
        [(
            Level::Warning,
            "duplicate key 'address' at lines 274 and 275: the later value wins, as in PyYAML"
        )]
    );
    let out = validate(
        &DeckhandIngester::default(),
        "validation-broken.yaml",
        &ValidationConfig::default(),
    );
    assert_eq!(per_rule(&out), want);
    assert_eq!(per_rule(&out).values().sum::<usize>(), 31);
    assert_eq!(out.status, Status::Failure);
    assert_eq!(
        out.summary(Status::Success),
        "Site design failed validation."
    );
    let mut with_driver = want;
    with_driver.insert("Platform Selection".into(), 2);
    let out = validate(
        &DeckhandIngester::default(),
        "validation-broken.yaml",
        &catalogue(),
    );
    assert_eq!(per_rule(&out), with_driver);
    let platform: Vec<_> = out
        .messages
        .iter()
        .filter(|m| m.code == "DD3001" && m.level == Level::Error)
        .map(|m| m.message.as_str())
        .collect();
    assert_eq!(
        platform,
        ["Platform Selection: Platform Validation: invalid image ubuntu_16.04"; 2]
    );
}

#[test]
fn the_clean_designs_give_18_infos() {
    let generated =
        ValidationConfig::default().with_platform(drydock_fixtures::sitegen::platform_catalogue());
    for (ingester, name, config) in [
        (
            &DeckhandIngester::default() as &dyn Ingester,
            "rules/clean.yaml",
            catalogue(),
        ),
        (
            &DeckhandIngester::default(),
            "deckhand_fullsite.yaml",
            catalogue(),
        ),
        (
            &DeckhandIngester::default(),
            "valid/site-deckhand.yaml",
            generated.clone(),
        ),
        (
            &YamlIngester::default(),
            "valid/site-legacy.yaml",
            generated,
        ),
    ] {
        let out = validate(ingester, name, &config);
        assert_eq!(out.status, Status::Success, "{name}: {:#?}", out.messages);
        assert_eq!(infos(&out), 18, "{name}");
        assert_eq!(
            out.messages.len(),
            18,
            "{name}: nothing but the infos: {:#?}",
            out.messages
        );
        // Without a node driver: the original's warning, and a note that the rule did not run.
        let out = validate(ingester, name, &ValidationConfig::default());
        assert_eq!(out.status, Status::Success);
        assert_eq!(
            out.messages
                .iter()
                .filter(|m| m.level == Level::Warning)
                .count(),
            1
        );
    }
}

#[test]
fn the_legacy_fullsite_sample_fails_on_an_interface_network_and_its_image() {
    let out = validate(&YamlIngester::default(), "fullsite.yaml", &catalogue());
    let errors: Vec<&str> = out
        .messages
        .iter()
        .filter(|m| m.level == Level::Error)
        .map(|m| m.message.as_str())
        .collect();
    assert_eq!(
        errors,
        [
            "Platform Selection: Platform Validation: invalid image ubuntu_16.04",
            "Platform Selection: Platform Validation: invalid image ubuntu_16.04",
            "Allowed Network Check: Interface bond0 attached to network private not allowed on interface link",
        ]
    );
    let m = out.messages.iter().find(|m| m.code == "DD1007").unwrap();
    assert_eq!(m.documents[0].name, "compute01");
    assert_eq!(m.origin.as_ref().unwrap().name, "k8-node");
    assert_eq!(
        m.path.as_deref(),
        Some("spec.interfaces.bond0.networks[1]"),
        "legacy documents have a spec"
    );
}

#[test]
fn the_bootaction_sample_fails_ingest_so_no_rule_runs() {
    let ingested = DeckhandIngester::default()
        .ingest(
            &fixture("deckhand_bootaction.yaml"),
            &IngestOptions::default(),
        )
        .unwrap();
    let out = validate_ingested(&ingested, &catalogue());
    assert!(out.rules.is_empty());
    assert!(out.messages[0].message.starts_with("Design rules not run"));
}

#[test]
fn generated_sites_pass_every_rule_without_a_warning() {
    use drydock_fixtures::sitegen::{self, SiteSpec};
    let config = ValidationConfig::default().with_platform(sitegen::platform_catalogue());
    for (nodes, legacy) in [(123, false), (1_000, false), (250, true)] {
        let text = match legacy {
            true => sitegen::legacy(&SiteSpec::new(nodes)),
            false => sitegen::deckhand(&SiteSpec::new(nodes)),
        };
        let ingester: &dyn Ingester = match legacy {
            true => &YamlIngester::default(),
            false => &DeckhandIngester::default(),
        };
        let ingested = ingester
            .ingest(&Bytes::from(text), &IngestOptions::default())
            .unwrap();
        let out = validate_ingested(&ingested, &config);
        let noisy: Vec<_> = out
            .messages
            .iter()
            .filter(|m| m.level != Level::Info)
            .collect();
        assert!(noisy.is_empty(), "{nodes} nodes: {noisy:#?}");
        assert_eq!(infos(&out), 18);
    }
}
