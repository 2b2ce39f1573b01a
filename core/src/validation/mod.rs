//! Design validation beyond the schemas: the effective site and the original
//! Drydock's 18 business rules (VALIDATION.md), plus any rule a linked crate
//! registers with [`crate::register_rule!`].
//!
//! ```
//! use drydock_core::SiteDesign;
//! use drydock_core::validation::{ValidationConfig, validate_site};
//!
//! let outcome = validate_site(&SiteDesign::default(), &ValidationConfig::default());
//! // An empty design has no networks and no nodes: warnings, but no error.
//! assert!(outcome.messages.iter().any(|m| m.message == "CIDR Validity: No networks found."));
//! assert_eq!(outcome.rules[0].name, "Rational Boot Storage");
//! assert!(outcome.rules.len() >= 18);
//! ```

mod cidr;
mod config;
pub mod effective;
mod findings;
mod locate;
mod paths;
mod rule;
mod rules;
mod runner;
mod size;

pub use config::{PlatformCatalogue, PlatformSource, ValidationConfig};
pub use effective::{
    CompileProblem, CompileProblemKind, EffectiveLink, EffectiveNetwork, EffectiveNode,
    EffectiveSite, Traced,
};
pub use findings::{Finding, Findings, body_key, document_ref};
pub use locate::{Locator, PathStep, fill_locations, parse_path};
pub use paths::{Segment, render as render_path};
pub use rule::{Rule, RuleRegistration, RuleSet};
pub use runner::{RulesOutcome, run, validate_ingested, validate_site};
