//! A rule that panics fails with an error of its own; the others still run.

mod common;

use common::{clean, run};
use drydock_core::{Level, RuleOutcome, Status};
use drydock_rules::register_rule;
use drydock_rules::{EffectiveSite, Findings, Rule, ValidationConfig};

struct Exploder;

impl Rule for Exploder {
    fn check(&self, site: &EffectiveSite<'_>, out: &mut Findings) {
        out.warning("lost with the panic").report();
        panic!("boom on {} nodes", site.nodes.len());
    }
}

fn exploder(_: &ValidationConfig) -> Box<dyn Rule> {
    Box::new(Exploder)
}

register_rule!(code: "XX0009", name: "Exploder", order: 9, constructor: exploder);

#[test]
fn a_panicking_rule_is_an_error_of_that_rule() {
    let out = run(&clean());
    assert_eq!(out.status, Status::Failure);
    let errors: Vec<_> = out
        .messages
        .iter()
        .filter(|m| m.level == Level::Error)
        .map(|m| m.message.as_str())
        .collect();
    assert_eq!(errors, ["Exploder: rule aborted: boom on 2 nodes"]);
    assert!(
        !out.messages
            .iter()
            .any(|m| m.message.contains("lost with the panic"))
    );
    assert_eq!(out.rules.len(), 19);
    assert!(
        out.rules[..18]
            .iter()
            .all(|r| r.outcome == RuleOutcome::Passed)
    );
    assert_eq!(out.rules[18].outcome, RuleOutcome::Failed);
}
