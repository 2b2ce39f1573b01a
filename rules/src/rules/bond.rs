//! DD1006 Network Bond Rationality.

use crate::paths::field_path;
use crate::{EffectiveLink, EffectiveSite, Findings, Rule};
use drydock_core::design::BondingMode;

/// 802.3ad links have up and down delays of at least the mon rate. The other
/// checks are copied as the original has them: `disabled` links with bond
/// options (ingest drops those, so it never fires), and `active-backup` with a
/// hash or peer rate (ingest keeps neither, so no message: the original crashes
/// on every active-backup link instead, fixed). `balance-rr` is never checked:
/// the original tests the misspelt `balanced-rr`.
#[derive(Default)]
pub struct Bond;

fn delay_path(link: &EffectiveLink<'_>, written: Option<i64>, field: &str) -> String {
    match written {
        Some(_) => field_path!(link.doc, "bonding", field),
        None => field_path!(link.doc, "bonding", "mon_rate"),
    }
}

impl Rule for Bond {
    fn check(&self, site: &EffectiveSite<'_>, out: &mut Findings) {
        for link in &site.links {
            let written = link.data.bonding.as_ref();
            match link.bonding_mode {
                BondingMode::Disabled => {
                    let any = link.hash.is_some_and(|h| !h.is_empty())
                        || link.peer_rate.is_some_and(|p| !p.is_empty())
                        || [link.mon_rate, link.up_delay, link.down_delay]
                            .iter()
                            .any(|v| v.is_some_and(|v| v != 0));
                    if any {
                        out.error(
                            "If bonding mode is disabled no other bond option can be specified",
                        )
                        .document(link.doc)
                        .diagnostic("Enable a bonding mode or remove the bond options.")
                        .at(link.doc, field_path!(link.doc, "bonding"))
                        .report();
                    }
                }
                BondingMode::Lacp => {
                    let Some(mon) = link.mon_rate else { continue };
                    if let Some(up) = link.up_delay.filter(|u| *u < mon) {
                        out.error(format_args!("Up delay {up} is less than mon rate {mon}"))
                            .document(link.doc)
                            .diagnostic("Link up delay must be equal or greater than the mon_rate")
                            .at(
                                link.doc,
                                delay_path(link, written.and_then(|b| b.up_delay), "up_delay"),
                            )
                            .report();
                    }
                    if let Some(down) = link.down_delay.filter(|d| *d < mon) {
                        out.error(format_args!(
                            "Down delay {down} is less than mon rate {mon}"
                        ))
                        .document(link.doc)
                        .diagnostic("Link down delay must be equal or greater than the mon_rate")
                        .at(
                            link.doc,
                            delay_path(link, written.and_then(|b| b.down_delay), "down_delay"),
                        )
                        .report();
                    }
                }
                BondingMode::ActiveBackup => {
                    if link.hash.is_some_and(|h| !h.is_empty()) {
                        out.error("Hash cannot be defined if bond mode is active-backup")
                            .document(link.doc)
                            .diagnostic("Hash mode is only applicable to LACP (802.3ad)")
                            .at(link.doc, field_path!(link.doc, "bonding", "hash"))
                            .report();
                    }
                    if link.peer_rate.is_some_and(|p| !p.is_empty()) {
                        out.error("Peer rate cannot be defined if bond mode is active-backup")
                            .document(link.doc)
                            .diagnostic("Peer rate is only applicable to LACP (802.3ad)")
                            .at(link.doc, field_path!(link.doc, "bonding", "peer_rate"))
                            .report();
                    }
                }
                BondingMode::RoundRobin => {}
            }
        }
    }
}
