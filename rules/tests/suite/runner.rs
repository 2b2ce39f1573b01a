//! The runner: rule order, infos, skipping, and the report it extends.

use crate::common;

use std::sync::Arc;

use common::{catalogue, clean, run, site, with};
use drydock_core::design::Kind;
use drydock_core::{Ingested, Level, Message, RuleOutcome, Status, ValidationReport};
use drydock_rules::{PlatformSource, ValidationConfig, validate_ingested, validate_site};
use serde_json::json;

const ORDER: [(&str, &str); 18] = [
    ("DD1001", "Rational Boot Storage"),
    ("DD2006", "CIDR Validity"),
    ("DD1008", "Hugepages"),
    ("DD2002", "IP Locality Check"),
    ("DD2003", "MTU Rationality"),
    ("DD2004", "Network Trunking Rationalty"),
    ("DD2005", "Duplicated IP Check"),
    ("DD3001", "Platform Selection"),
    ("DD1006", "Network Bond Rationality"),
    ("DD2002", "Storage Partitioning"),
    ("DD2003", "Storage Sizing"),
    ("DD2004", "Storage Mountpoint"),
    ("DD1007", "Allowed Network Check"),
    ("DD3003", "Hostname Validity"),
    ("DD4001", "Valid IPMI Configuration"),
    ("DD4002", "Valid Libvirt Configuration"),
    ("DD4001", "Bootaction Definition"),
    ("DD4002", "Bootaction pkg_list Validation"),
];

#[test]
fn the_clean_design_gives_18_infos_in_the_originals_order() {
    let out = run(&clean());
    assert_eq!(out.status, Status::Success, "{:#?}", out.messages);
    let infos: Vec<(&str, &str)> = out
        .messages
        .iter()
        .map(|m| (m.code.as_str(), m.message.as_str()))
        .collect();
    let want: Vec<(&str, String)> = ORDER
        .iter()
        .map(|(c, n)| (*c, format!("{n}: Validation successful.")))
        .collect();
    assert_eq!(
        infos,
        want.iter()
            .map(|(c, m)| (*c, m.as_str()))
            .collect::<Vec<_>>()
    );
    assert!(
        out.messages
            .iter()
            .all(|m| m.level == Level::Info && m.documents.is_empty())
    );
    let runs: Vec<(&str, &str, RuleOutcome)> = out
        .rules
        .iter()
        .map(|r| (r.code.as_str(), r.name.as_str(), r.outcome))
        .collect();
    assert_eq!(
        runs,
        ORDER
            .iter()
            .map(|(c, n)| (*c, *n, RuleOutcome::Passed))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        out.summary(Status::Success),
        "Site design passed validation"
    );
}

#[test]
fn without_a_catalogue_platform_selection_warns_and_says_it_did_not_run() {
    let out = validate_site(&site(&clean()), &ValidationConfig::default());
    assert_eq!(out.status, Status::Success);
    let warnings: Vec<&Message> = out
        .messages
        .iter()
        .filter(|m| m.level == Level::Warning)
        .collect();
    assert_eq!(warnings.len(), 1);
    assert_eq!(
        warnings[0].message,
        "Platform Selection: Platform Validation: No enabled node driver, imageand kernel selections not validated."
    );
    assert_eq!(warnings[0].code, "DD3001");
    let infos = out
        .messages
        .iter()
        .filter(|m| m.level == Level::Info)
        .count();
    assert_eq!(
        infos, 18,
        "17 rules' success and one saying Platform Selection did not run"
    );
    assert!(
        out.messages.iter().any(|m| m.level == Level::Info
            && m.message.starts_with("Platform Selection: rule not run: "))
    );
    assert!(
        !out.messages
            .iter()
            .any(|m| m.message == "Platform Selection: Validation successful."),
        "a rule that did not run validated nothing"
    );
    assert_eq!(out.rules[7].outcome, RuleOutcome::NotRun);
}

struct Failing(&'static str);

impl PlatformSource for Failing {
    fn images(&self) -> Result<Vec<String>, String> {
        match self.0 {
            "images" => Err("connection refused".into()),
            _ => Ok(vec!["xenial".into()]),
        }
    }
    fn kernels(&self, _: &str) -> Result<Vec<String>, String> {
        Err("timed out".into())
    }
}

#[test]
fn a_failing_node_driver_is_a_warning_not_a_verdict() {
    for (what, text) in [
        (
            "images",
            "Platform validation: Could not load images from driver, skippingimage and kernel selection validation.",
        ),
        (
            "kernels",
            "Platform validation: Could not load kernels from driver, skippingimage and kernel selection validation.",
        ),
    ] {
        let config = catalogue().with_platform_source(Arc::new(Failing(what)));
        let out = validate_site(&site(&clean()), &config);
        assert_eq!(out.status, Status::Success);
        let w: Vec<_> = out
            .messages
            .iter()
            .filter(|m| m.level == Level::Warning)
            .map(|m| m.message.as_str())
            .collect();
        assert_eq!(w, [format!("Platform Selection: {text}")]);
        assert_eq!(out.rules[7].outcome, RuleOutcome::NotRun);
    }
}

#[test]
fn rules_run_only_on_a_design_that_ingested_cleanly() {
    let mut ingested = Ingested {
        design: site(&clean()),
        ..Ingested::default()
    };
    ingested.report.push(Message {
        level: Level::Warning,
        ..Message::error("DD000", "a warning only")
    });
    assert_eq!(validate_ingested(&ingested, &catalogue()).rules.len(), 18);
    ingested.report.push(Message::error("DD001", "broken"));
    let out = validate_ingested(&ingested, &catalogue());
    assert!(out.rules.is_empty());
    assert_eq!(
        out.status,
        Status::Success,
        "skipping adds no error of its own"
    );
    assert_eq!(out.messages.len(), 1);
    assert!(
        out.messages[0]
            .message
            .starts_with("Design rules not run: the design failed ingest validation")
    );
    assert_eq!(
        out.summary(ingested.report.status),
        "Site design failed validation."
    );
}

#[test]
fn a_design_that_does_not_compile_reports_why_and_runs_no_rule() {
    let docs = with(
        clean(),
        "HostProfile",
        "k8-node",
        json!({"host_profile": "gone", "hardware_profile": "hp"}),
    );
    let out = run(&docs);
    assert_eq!(out.status, Status::Failure);
    assert!(out.rules.is_empty());
    let texts: Vec<&str> = out.messages.iter().map(|m| m.message.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Error loading effective site: HostProfile gone not found in design state",
            "Design rules not run: the effective site could not be compiled.",
        ]
    );
    assert_eq!(out.messages[0].path.as_deref(), Some("data.host_profile"));
}

#[test]
fn the_report_json_is_unchanged_when_no_rule_ran() {
    let report = ValidationReport::default();
    assert_eq!(
        serde_json::to_string(&report).unwrap(),
        r#"{"status":"success","messages":[]}"#
    );
    let mut report = ValidationReport::default();
    run(&clean()).apply_to(&mut report);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(
        json["rules"][0],
        json!({"code": "DD1001", "name": "Rational Boot Storage", "outcome": "passed"})
    );
    assert_eq!(json["rules"].as_array().unwrap().len(), 18);
    let back: ValidationReport = serde_json::from_value(json).unwrap();
    assert_eq!(back, report);
    let old: ValidationReport =
        serde_json::from_str(r#"{"status":"failure","messages":[]}"#).unwrap();
    assert!(old.rules.is_empty());
}

#[test]
fn an_empty_design_warns_about_what_is_missing() {
    let out = validate_site(&site(&[("Region", "site", json!({}))]), &catalogue());
    assert_eq!(out.status, Status::Success);
    let w: Vec<_> = out
        .messages
        .iter()
        .filter(|m| m.level == Level::Warning)
        .map(|m| m.message.as_str())
        .collect();
    assert_eq!(
        w,
        [
            "CIDR Validity: No networks found.",
            "IP Locality Check: No networks found.",
            "IP Locality Check: No baremetal_nodes found.",
            "Duplicated IP Check: No BaremetalNodes Found.",
        ]
    );
    assert_eq!(site(&[]).count(Kind::Region), 0);
}
