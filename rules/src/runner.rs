//! Running the rules: [`RulesOutcome`], [`validate_site`], [`validate_ingested`].

use std::sync::atomic::{AtomicUsize, Ordering};

use super::config::ValidationConfig;
use super::effective::EffectiveSite;
use super::findings::Findings;
use super::rule::{RuleRegistration, RuleSet};
use drydock_core::Ingested;
use drydock_core::design::SiteDesign;
use drydock_core::lean::append_lean;
use drydock_core::report::{
    Level, Message, PROCESSING_ERROR, RuleOutcome, RuleRun, Status, ValidationReport,
};

/// Sites with fewer nodes run their rules on the calling thread.
const PARALLEL_FROM_NODES: usize = 1_000;

/// What running the rules gave.
#[derive(Clone, Debug, PartialEq)]
pub struct RulesOutcome {
    /// Messages in rule order (or the reasons the rules did not run).
    pub messages: Vec<Message>,
    /// The rules that ran, in order, with their outcome; empty when none ran.
    pub rules: Vec<RuleRun>,
    /// Failure exactly when a message is an error.
    pub status: Status,
}

impl RulesOutcome {
    fn new(messages: Vec<Message>, rules: Vec<RuleRun>) -> Self {
        let failed = messages.iter().any(|m| m.level == Level::Error);
        RulesOutcome {
            messages,
            rules,
            status: if failed {
                Status::Failure
            } else {
                Status::Success
            },
        }
    }

    fn skipped(reason: &str) -> Self {
        RulesOutcome::new(
            vec![Message::new(PROCESSING_ERROR, Level::Info, reason)],
            Vec::new(),
        )
    }

    /// The original's summary: `Site design passed validation` or
    /// `Site design failed validation.` (given the ingest report's status too).
    pub fn summary(&self, ingest: Status) -> &'static str {
        match (self.status, ingest) {
            (Status::Success, Status::Success) => "Site design passed validation",
            _ => "Site design failed validation.",
        }
    }

    /// Appends the messages to `report` (its status follows) and records the rules that ran.
    pub fn apply_to(self, report: &mut ValidationReport) {
        report.append(self.messages);
        report.rules = self.rules;
    }
}

/// Compiles the effective site of `design` and runs every linked rule on it, in order.
pub fn validate_site(design: &SiteDesign, config: &ValidationConfig) -> RulesOutcome {
    run(RuleSet::linked(), design, config)
}

/// As the original: the rules run only when ingest succeeded (warnings
/// allowed); otherwise the outcome only says they were skipped.
pub fn validate_ingested(ingested: &Ingested, config: &ValidationConfig) -> RulesOutcome {
    validate_design(&ingested.design, ingested.report.status, config)
}

/// [`validate_ingested`] of a design whose ingest ended with `ingest`.
pub(crate) fn validate_design(
    design: &SiteDesign,
    ingest: Status,
    config: &ValidationConfig,
) -> RulesOutcome {
    match ingest {
        Status::Success => validate_site(design, config),
        Status::Failure => RulesOutcome::skipped(
            "Design rules not run: the design failed ingest validation; fix the errors above first.",
        ),
    }
}

/// Runs `rules` on `design`.
pub fn run(rules: &RuleSet, design: &SiteDesign, config: &ValidationConfig) -> RulesOutcome {
    let site = match EffectiveSite::compile(design) {
        Ok(site) => site,
        Err(problems) => {
            let mut messages: Vec<Message> = problems.iter().map(|p| p.to_message()).collect();
            messages.push(Message::new(
                PROCESSING_ERROR,
                Level::Info,
                "Design rules not run: the effective site could not be compiled.",
            ));
            return RulesOutcome::new(messages, Vec::new());
        }
    };
    let mut messages = Vec::new();
    for duplicate in rules.duplicates() {
        let text = format!("{duplicate}; only the first runs");
        messages.push(Message::new(PROCESSING_ERROR, Level::Warning, text));
    }
    let registrations = rules.registrations();
    let mut runs = Vec::with_capacity(registrations.len());
    for (registration, (found, outcome)) in
        registrations
            .iter()
            .zip(check_all(registrations, &site, config))
    {
        append_lean(&mut messages, found);
        runs.push(RuleRun {
            code: registration.code().to_owned(),
            name: registration.name().to_owned(),
            outcome,
        });
    }
    RulesOutcome::new(messages, runs)
}

/// Runs every rule on `site`, on up to four threads (the rules only read the
/// site); results in the rules' order.
fn check_all(
    registrations: &[&'static RuleRegistration],
    site: &EffectiveSite<'_>,
    config: &ValidationConfig,
) -> Vec<(Vec<Message>, RuleOutcome)> {
    let check = |registration: &RuleRegistration| {
        let (code, name) = (registration.code(), registration.name());
        let mut findings = Findings::new(code, name);
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            registration.construct(config).check(site, &mut findings);
        }));
        if let Err(panic) = run {
            // A rule that panics (a bug, likely a third party's) fails; the others still run.
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown cause".to_owned());
            let mut failed = Findings::new(code, name);
            failed
                .error(format_args!("rule aborted: {why}"))
                .diagnostic("The rule has a bug; report it to the crate that registered it.")
                .report();
            return failed.finish();
        }
        findings.finish()
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4)
        .min(registrations.len());
    if threads <= 1 || site.nodes.len() < PARALLEL_FROM_NODES {
        return registrations.iter().map(|r| check(r)).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, (Vec<Message>, RuleOutcome))> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(registration) = registrations.get(i) else {
                            break;
                        };
                        mine.push((i, check(registration)));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}
