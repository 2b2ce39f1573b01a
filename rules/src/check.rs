//! [`Rules`]: the design rules as the check the resolver runs after ingest.

use drydock_core::report::ValidationReport;
use drydock_core::{DesignCheck, Digest, SiteDesign};

use crate::config::ValidationConfig;
use crate::rule::RuleSet;
use crate::runner::validate_design;

/// Every linked rule, built with one configuration; hand it to the resolver
/// (`ResolveOptions::with_check`) to run the rules after ingest.
///
/// Its part of the ingest key names the linked rules and digests the
/// configuration, so a cached report is reused only when both are the same.
#[derive(Debug)]
pub struct Rules {
    config: ValidationConfig,
    key: String,
}

impl Rules {
    /// The linked rules, configured by `config`.
    pub fn new(config: ValidationConfig) -> Self {
        let key = key(&config);
        Rules { config, key }
    }

    /// The configuration the rules are built with.
    pub fn config(&self) -> &ValidationConfig {
        &self.config
    }
}

impl Default for Rules {
    fn default() -> Self {
        Rules::new(ValidationConfig::default())
    }
}

impl DesignCheck for Rules {
    fn key(&self) -> &str {
        &self.key
    }

    fn check(&self, design: &SiteDesign, report: &mut ValidationReport) {
        validate_design(design, report.status, &self.config).apply_to(report);
    }
}

/// `rules:` and 16 hex digits of the digest of the linked rules (code, long
/// name, crate), the configuration, the crate's version and whether images
/// are asked of a live source.
fn key(config: &ValidationConfig) -> String {
    let rules: Vec<String> = RuleSet::linked()
        .registrations()
        .iter()
        .map(|r| {
            // The original's 18 were registered by drydock-core before they
            // moved here: the key keeps that name, so the reports stored
            // under it are still found.
            let crate_name = if r.is_builtin() {
                "drydock-core"
            } else {
                r.crate_name()
            };
            format!("{}/{}/{}", r.code(), r.name(), crate_name)
        })
        .collect();
    let text = serde_json::json!({
        "rules": rules,
        "config": config,
        "version": env!("CARGO_PKG_VERSION"),
        "live_platform": config.platform_source.is_some(),
    })
    .to_string();
    let digest = Digest::of(text.as_bytes()).hex();
    format!("rules:{}", &digest[..16])
}
