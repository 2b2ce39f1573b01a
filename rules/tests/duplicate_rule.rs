//! A second registration of a built-in rule's code and long name is reported
//! as a warning and never run; the verdict stays the design's.

mod common;

use common::{clean, run};
use drydock_core::{Level, Status};
use drydock_rules::register_rule;
use drydock_rules::{EffectiveSite, Findings, Rule, RuleSet, ValidationConfig};

struct Impostor;

impl Rule for Impostor {
    fn check(&self, _: &EffectiveSite<'_>, out: &mut Findings) {
        out.error("must never run").report();
    }
}

fn impostor(_: &ValidationConfig) -> Box<dyn Rule> {
    Box::new(Impostor)
}

register_rule!(code: "DD1001", name: "Rational Boot Storage", order: 1, constructor: impostor);

#[test]
fn the_duplicate_is_reported_and_not_run() {
    let set = RuleSet::linked();
    assert_eq!(set.registrations().len(), 18);
    assert_eq!(set.duplicates().len(), 1);
    let out = run(&clean());
    assert_eq!(out.status, Status::Success);
    assert!(
        !out.messages
            .iter()
            .any(|m| m.message.contains("must never run"))
    );
    let w: Vec<_> = out
        .messages
        .iter()
        .filter(|m| m.level == Level::Warning)
        .map(|m| m.message.as_str())
        .collect();
    assert_eq!(
        w,
        [
            "rule DD1001 `Rational Boot Storage` is registered twice: by crate `drydock-rules` and by crate `drydock-rules`; only the first runs"
        ]
    );
}
