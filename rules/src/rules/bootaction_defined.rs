//! DD4001 Bootaction Definition.

use crate::effective::Targets;
use crate::{EffectiveSite, Findings, Rule};

/// Warns about every node no boot action targets.
#[derive(Default)]
pub struct BootactionDefined;

impl Rule for BootactionDefined {
    fn check(&self, site: &EffectiveSite<'_>, out: &mut Findings) {
        let mut targeted = vec![false; site.nodes.len()];
        for action in &site.boot_actions {
            match &action.targets {
                Targets::All => targeted.fill(true),
                Targets::Nodes(nodes) => nodes.iter().for_each(|i| targeted[*i] = true),
            }
        }
        for (node, _) in site.nodes.iter().zip(targeted).filter(|(_, t)| !t) {
            out.warning(format_args!(
                "Node {} is not in scope for any bootactions.",
                node.name
            ))
            .document(node.doc)
            .diagnostic("It is expected all nodes have at least one post-deploy action.")
            .report();
        }
    }
}
