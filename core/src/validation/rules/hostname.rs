//! DD3003 Hostname Validity.

use std::sync::LazyLock;

use regex::Regex;

use crate::validation::paths::field_path;
use crate::validation::{EffectiveNode, EffectiveSite, Findings, Rule};

/// The original's label pattern (`[a-z0-9-]{1,63}`, case-insensitive, whole label).
static LABEL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)\A[a-z0-9-]{1,63}\z").ok());

/// A node's FQDN (its name, `.`, the DNS domain of its primary network or
/// `local`) is at most 255 characters (all nodes first), and each label is 1 to
/// 63 letters, digits or hyphens.
#[derive(Default)]
pub struct Hostname;

fn domain<'a>(
    site: &'a EffectiveSite<'_>,
    node: &EffectiveNode<'_>,
) -> (&'a str, Option<&'a crate::design::DocumentSource>) {
    let network = node
        .host
        .primary_network
        .as_ref()
        .and_then(|p| site.network(p.value))
        .filter(|n| !n.dns_domain.is_empty());
    match network {
        Some(n) => (n.dns_domain, Some(n.doc)),
        None => ("local", None),
    }
}

impl Rule for Hostname {
    fn check(&self, site: &EffectiveSite<'_>, out: &mut Findings) {
        for node in &site.nodes {
            let (domain, _) = domain(site, node);
            let fqdn = format!("{}.{domain}", node.name);
            if fqdn.chars().count() > 255 {
                out.error(format_args!(
                    "FQDN {fqdn} is invalid, greater than 255 characters."
                ))
                .document(node.doc)
                .diagnostic("RFC 1035 requires full DNS names to be < 256 characters.")
                .at(node.doc, "metadata.name")
                .report();
            }
        }
        let Some(label) = LABEL.as_ref() else { return };
        for node in &site.nodes {
            let (domain, network) = domain(site, node);
            let fqdn = format!("{}.{domain}", node.name);
            let from_name = node.name.split('.').map(|l| (l, None));
            let from_domain = domain.split('.').map(|l| (l, network));
            for (part, network) in from_name.chain(from_domain) {
                if label.is_match(part) {
                    continue;
                }
                let finding = out
                    .error(format_args!("FQDN {fqdn} is invalid - label '{part}' is invalid."))
                    .document(node.doc)
                    .diagnostic("RFC 1035 requires each label in a DNS name to be <= 63 characters and contain only A-Z, a-z, 0-9, and hyphens.");
                match network {
                    Some(doc) => finding.at(doc, field_path!(doc, "dns", "domain")),
                    None => finding.at(node.doc, "metadata.name"),
                }
                .report();
            }
        }
    }
}
