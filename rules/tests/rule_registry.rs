//! A rule registered from another crate (this test crate) runs after the
//! original's 18, sees the effective site, and reports with its own name.

mod common;

use common::{clean, run};
use drydock_core::{ErrorKind, Level, RuleOutcome};
use drydock_rules::{EffectiveSite, Findings, Rule, RuleRegistration, RuleSet, ValidationConfig};
use drydock_rules::{Error, register_rule};

/// Every node must carry the tag `blessed`.
struct Blessed;

impl Rule for Blessed {
    fn check(&self, site: &EffectiveSite<'_>, out: &mut Findings) {
        for node in site
            .nodes
            .iter()
            .filter(|n| !n.host.tags.iter().any(|t| t.value == "blessed"))
        {
            out.error(format_args!("Node {} is not blessed", node.name))
                .document(node.doc)
                .report();
        }
    }
}

fn blessed(_: &ValidationConfig) -> Box<dyn Rule> {
    Box::new(Blessed)
}

register_rule!(code: "XX0001", name: "Blessing", order: 1, constructor: blessed);

#[test]
fn the_linked_set_holds_the_18_then_the_third_party_rule() {
    let set = RuleSet::linked();
    let names: Vec<&str> = set.registrations().iter().map(|r| r.name()).collect();
    assert_eq!(names.len(), 19);
    assert_eq!(names[0], "Rational Boot Storage");
    assert_eq!(names[17], "Bootaction pkg_list Validation");
    assert_eq!(
        names[18], "Blessing",
        "order 1 still runs after the built-in rules"
    );
    assert!(
        set.registrations()[..18]
            .iter()
            .all(|r| r.is_builtin() && r.crate_name() == "drydock-rules")
    );
    assert!(set.duplicates().is_empty());
}

#[test]
fn the_third_party_rule_reports_like_the_others() {
    let out = run(&clean());
    let mine: Vec<_> = out.messages.iter().filter(|m| m.code == "XX0001").collect();
    assert_eq!(mine.len(), 2);
    assert_eq!(
        mine[0].message,
        "Blessing: Node controller01 is not blessed"
    );
    assert_eq!(mine[0].level, Level::Error);
    let last = out.rules.last().unwrap();
    assert_eq!(
        (last.code.as_str(), last.outcome),
        ("XX0001", RuleOutcome::Failed)
    );
}

static FIRST: RuleRegistration = RuleRegistration::new("XX0002", "Twin", 5, "crate-a", blessed);
static SECOND: RuleRegistration = RuleRegistration::new("XX0002", "Twin", 9, "crate-b", blessed);
static OTHER: RuleRegistration =
    RuleRegistration::new("XX0002", "Not a twin", 7, "crate-b", blessed);

#[test]
fn a_closed_set_refuses_a_rule_registered_twice() {
    let err = RuleSet::from_registrations([&FIRST, &OTHER, &SECOND]).unwrap_err();
    assert!(
        matches!(&err, Error::DuplicateRule { code, first, second, .. } if code == "XX0002" && first == "crate-a" && second == "crate-b")
    );
    assert_eq!(err.kind(), ErrorKind::Registry);
    assert_eq!(
        err.to_string(),
        "rule XX0002 `Twin` is registered twice: by crate `crate-a` and by crate `crate-b`"
    );
    let set = RuleSet::from_registrations([&SECOND, &OTHER]).unwrap();
    let order: Vec<&str> = set.registrations().iter().map(|r| r.name()).collect();
    assert_eq!(order, ["Not a twin", "Twin"], "by order key");
}
