//! DD2006 CIDR Validity.

use crate::cidr::{self, Strict};
use crate::paths::field_path;
use crate::{EffectiveSite, Findings, Rule};

/// A network CIDR must not have host bits set (MAAS refuses it); other parse
/// failures are left to IP Locality Check. The original matches Python's
/// exception text and so misses non-canonical IPv6 CIDRs: fixed, every family
/// is checked.
#[derive(Default)]
pub struct CidrValidity;

impl Rule for CidrValidity {
    fn check(&self, site: &EffectiveSite<'_>, out: &mut Findings) {
        if site.networks.is_empty() {
            out.warning("No networks found.")
                .diagnostic("Site design likely incomplete without defined networks")
                .report();
            return;
        }
        for net in &site.networks {
            let Some(text) = net.cidr else { continue };
            if let Strict::HostBitsSet(network) = cidr::strict(text) {
                out.error(format_args!("The provided CIDR {text} has host bits set"))
                    .document(net.doc)
                    .diagnostic(format!("Provide a CIDR acceptable by MAAS: {network}"))
                    .at(net.doc, field_path!(net.doc, "cidr"))
                    .report();
            }
        }
    }
}
