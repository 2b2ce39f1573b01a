//! DD1008 Hugepages.

use crate::effective::merge::get;
use crate::paths::field_path;
use crate::{EffectiveSite, Findings, Rule};

/// The effective kernel parameters give both `hugepages` and `hugepagesz`, or neither.
#[derive(Default)]
pub struct Hugepages;

impl Rule for Hugepages {
    fn check(&self, site: &EffectiveSite<'_>, out: &mut Findings) {
        for node in &site.nodes {
            let params = &node.host.kernel_params;
            let (count, size) = (get(params, "hugepages"), get(params, "hugepagesz"));
            let (key, given) = match (count, size) {
                (Some(c), None) => ("hugepages", c),
                (None, Some(s)) => ("hugepagesz", s),
                _ => continue,
            };
            out.error("Invalid hugepages kernel configuration")
                .document(node.doc)
                .diagnostic("hugepages and hugepagesz must be specified together")
                .at(
                    given.doc,
                    field_path!(given.doc, "platform", "kernel_params", key),
                )
                .report();
        }
    }
}
