#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod check;
mod cidr;
mod config;
pub mod effective;
mod error;
mod findings;
mod paths;
mod rule;
mod rules;
mod runner;
mod size;

pub use check::Rules;
pub use config::{PlatformCatalogue, PlatformSource, ValidationConfig};
pub use effective::{
    CompileProblem, CompileProblemKind, EffectiveLink, EffectiveNetwork, EffectiveNode,
    EffectiveSite, Traced,
};
pub use error::{Error, Result};
pub use findings::{Finding, Findings};
pub use paths::{Segment, render as render_path};
pub use rule::{Rule, RuleRegistration, RuleSet};
pub use runner::{RulesOutcome, run, validate_ingested, validate_site};

#[doc(hidden)]
pub mod __private {
    pub use inventory;
}

/// Registers a design rule at link time.
///
/// `code` and `name` are the rule's code and long name (its messages start
/// `<name>: `), `order` its position among the registered rules (which all
/// run after the original's 18), `constructor` a
/// `fn(&ValidationConfig) -> Box<dyn Rule>`. A second rule with the same code
/// and long name is reported and not run.
///
/// As for drivers, the crate that calls this must be referenced by the final
/// program (`use my_rules as _;`), or the linker drops its registrations.
#[macro_export]
macro_rules! register_rule {
    (code: $code:expr, name: $name:expr, order: $order:expr, constructor: $constructor:expr $(,)?) => {
        $crate::__private::inventory::submit! {
            $crate::RuleRegistration::new(
                $code,
                $name,
                $order,
                ::core::env!("CARGO_PKG_NAME"),
                $constructor,
            )
        }
    };
}
