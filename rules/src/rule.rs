//! The [`Rule`] trait, its link-time [`RuleRegistration`] and the ordered [`RuleSet`].

use std::fmt;
use std::sync::OnceLock;

use super::config::ValidationConfig;
use super::effective::EffectiveSite;
use super::findings::Findings;
use crate::error::{Error, Result};

/// One design rule: reads the effective site, reports findings.
///
/// A rule never recomputes the effective site and never fails: every problem
/// is a message in `findings`. The runner adds `<long name>: Validation
/// successful.` after a rule that reported no error.
pub trait Rule: Send + Sync {
    /// Checks `site`, reporting into `findings`.
    fn check(&self, site: &EffectiveSite<'_>, findings: &mut Findings);
}

/// A rule's link-time registration; submit it with [`crate::register_rule!`].
#[derive(Clone, Copy)]
pub struct RuleRegistration {
    code: &'static str,
    name: &'static str,
    order: u32,
    crate_name: &'static str,
    constructor: fn(&ValidationConfig) -> Box<dyn Rule>,
    /// One of the original's 18, which run before every other rule.
    builtin: bool,
}

impl RuleRegistration {
    /// A registration; prefer [`crate::register_rule!`], which fills `crate_name`.
    pub const fn new(
        code: &'static str,
        name: &'static str,
        order: u32,
        crate_name: &'static str,
        constructor: fn(&ValidationConfig) -> Box<dyn Rule>,
    ) -> Self {
        RuleRegistration {
            code,
            name,
            order,
            crate_name,
            constructor,
            builtin: false,
        }
    }
    /// A registration of one of the original's rules.
    pub(crate) const fn builtin(
        code: &'static str,
        name: &'static str,
        order: u32,
        constructor: fn(&ValidationConfig) -> Box<dyn Rule>,
    ) -> Self {
        RuleRegistration {
            builtin: true,
            ..RuleRegistration::new(code, name, order, env!("CARGO_PKG_NAME"), constructor)
        }
    }
    /// The rule's code (`DD1001`); two rules may share one.
    pub fn code(&self) -> &'static str {
        self.code
    }
    /// The rule's long name, the prefix of its messages.
    pub fn name(&self) -> &'static str {
        self.name
    }
    /// The order key among the rules of its tier (the original's 18, then all others).
    pub fn order(&self) -> u32 {
        self.order
    }
    /// The crate that registered it.
    pub fn crate_name(&self) -> &'static str {
        self.crate_name
    }
    /// Builds the rule for `config`.
    pub fn construct(&self, config: &ValidationConfig) -> Box<dyn Rule> {
        (self.constructor)(config)
    }
    /// True for the original's 18 rules.
    pub fn is_builtin(&self) -> bool {
        self.builtin
    }
    fn sort_key(&self) -> (bool, u32, &'static str, &'static str, &'static str) {
        (
            !self.builtin,
            self.order,
            self.code,
            self.name,
            self.crate_name,
        )
    }
}

impl fmt::Debug for RuleRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleRegistration")
            .field("code", &self.code)
            .field("name", &self.name)
            .field("order", &self.order)
            .field("crate_name", &self.crate_name)
            .finish()
    }
}

inventory::collect!(RuleRegistration);

/// Rules in the order they run: the original's 18 (in its order), then every
/// other registered rule by order key. A second registration of one code
/// and long name is kept aside and reported, never run.
#[derive(Debug, Default)]
pub struct RuleSet {
    rules: Vec<&'static RuleRegistration>,
    duplicates: Vec<Error>,
}

static LINKED: OnceLock<RuleSet> = OnceLock::new();

impl RuleSet {
    /// Every rule linked into this program (built once); duplicates are recorded.
    pub fn linked() -> &'static RuleSet {
        LINKED.get_or_init(|| {
            let all = inventory::iter::<RuleRegistration>.into_iter();
            let (set, duplicates) = RuleSet::collect(all);
            RuleSet { duplicates, ..set }
        })
    }

    /// A closed set of rules; fails on a code and long name registered twice.
    pub fn from_registrations<I>(registrations: I) -> Result<RuleSet>
    where
        I: IntoIterator<Item = &'static RuleRegistration>,
    {
        let (set, mut duplicates) = RuleSet::collect(registrations);
        match duplicates.is_empty() {
            true => Ok(set),
            false => Err(duplicates.remove(0)),
        }
    }

    fn collect<I>(registrations: I) -> (RuleSet, Vec<Error>)
    where
        I: IntoIterator<Item = &'static RuleRegistration>,
    {
        let mut all: Vec<&'static RuleRegistration> = registrations.into_iter().collect();
        all.sort_by_key(|r| r.sort_key());
        let mut rules: Vec<&'static RuleRegistration> = Vec::with_capacity(all.len());
        let mut duplicates = Vec::new();
        let mut seen = std::collections::HashMap::new();
        for reg in all {
            if let Some(first) = seen.insert((reg.code, reg.name), reg.crate_name) {
                duplicates.push(Error::DuplicateRule {
                    code: reg.code.to_owned(),
                    name: reg.name.to_owned(),
                    first: first.to_owned(),
                    second: reg.crate_name.to_owned(),
                });
                seen.insert((reg.code, reg.name), first);
                continue;
            }
            rules.push(reg);
        }
        let set = RuleSet {
            rules,
            duplicates: Vec::new(),
        };
        (set, duplicates)
    }

    /// The registrations, in run order.
    pub fn registrations(&self) -> &[&'static RuleRegistration] {
        &self.rules
    }

    /// Registrations left out because their code and long name were taken.
    pub fn duplicates(&self) -> &[Error] {
        &self.duplicates
    }
}
