//! DD2003 MTU Rationality.

use foldhash::{HashMap, HashMapExt};

use crate::paths::field_path;
use crate::{EffectiveSite, Findings, Rule};

const MIN_MTU: i64 = 1280;
const MAX_MTU: i64 = 65536;

fn out_of_range(mtu: i64) -> bool {
    mtu != 0 && !(MIN_MTU..=MAX_MTU).contains(&mtu)
}

/// MTUs lie in 1280..=65536 (0 and unset are skipped) and a network's MTU is at
/// most that of the link carrying it natively (the later link wins; networks
/// allowed but not native are not compared: copied). Fixes: an out-of-range
/// network prints its own MTU (the original prints the last link's, and
/// crashes when there are no links).
#[derive(Default)]
pub struct MtuRationality;

impl Rule for MtuRationality {
    fn check(&self, site: &EffectiveSite<'_>, out: &mut Findings) {
        let mut native_mtu: HashMap<&str, i64> = HashMap::new();
        for link in &site.links {
            if out_of_range(link.mtu) {
                out.error(format_args!(
                    "MTU must be between {MIN_MTU} and {MAX_MTU}, value is {}",
                    link.mtu
                ))
                .document(link.doc)
                .diagnostic("Define a valid MTU. Standard is 1500, Jumbo is 9100.")
                .at(link.doc, field_path!(link.doc, "mtu"))
                .report();
            }
            if let Some(native) = link.native_network {
                native_mtu.insert(native, link.mtu);
            }
        }
        for net in &site.networks {
            let Some(mtu) = net.mtu.filter(|m| *m != 0) else {
                continue;
            };
            if out_of_range(mtu) {
                out.error(format_args!(
                    "MTU must be between {MIN_MTU} and {MAX_MTU}, value is {mtu}"
                ))
                .document(net.doc)
                .diagnostic("Define a valid MTU. Standard is 1500, Jumbo is 9100.")
                .at(net.doc, field_path!(net.doc, "mtu"))
                .report();
            }
            let parent = native_mtu.get(net.name).copied().filter(|m| *m != 0);
            if parent.is_some_and(|parent| mtu > parent) {
                out.error(format_args!(
                    "MTU must be <= the parent Network Link; for Network {}",
                    net.name
                ))
                .document(net.doc)
                .diagnostic("Define a MTU less than or equal to that of the carrying network link.")
                .at(net.doc, field_path!(net.doc, "mtu"))
                .report();
            }
        }
    }
}
