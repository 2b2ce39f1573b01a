//! DD3003 Hostname Validity.

use foldhash::{HashMap, HashMapExt};

use crate::paths::field_path;
use crate::{EffectiveNode, EffectiveSite, Findings, Rule};

/// A node's FQDN (its name, `.`, the DNS domain of its primary network or
/// `local`) is at most 255 characters (all nodes first), and each label is 1 to
/// 63 letters, digits or hyphens.
#[derive(Default)]
pub struct Hostname;

fn domain<'a>(
    site: &'a EffectiveSite<'_>,
    node: &EffectiveNode<'_>,
) -> (&'a str, Option<&'a drydock_core::design::DocumentSource>) {
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

/// Characters, as Python's `len` counts them.
fn chars(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// `<name>.<domain>`, printed only when a message needs it.
struct Fqdn<'n>(&'n str, &'n str);

impl std::fmt::Display for Fqdn<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

/// The original's label check, Python's `[a-z0-9-]{1,63}` with `re.I` on the
/// whole label: 1 to 63 ASCII letters, digits or hyphens, or the four other
/// letters Python's case-insensitive `[a-z]` admits (İ ı ſ and the Kelvin sign).
fn valid_label(label: &str) -> bool {
    if label.is_ascii() {
        let plain = label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        return plain && (1..=63).contains(&label.len());
    }
    let allowed = |c: char| {
        c.is_ascii_alphanumeric()
            || matches!(c, '-' | '\u{130}' | '\u{131}' | '\u{17f}' | '\u{212a}')
    };
    (1..=63).contains(&label.chars().count()) && label.chars().all(allowed)
}

impl Rule for Hostname {
    fn check(&self, site: &EffectiveSite<'_>, out: &mut Findings) {
        for node in &site.nodes {
            let (domain, _) = domain(site, node);
            if chars(node.name) + 1 + chars(domain) > 255 {
                out.error(format_args!(
                    "FQDN {} is invalid, greater than 255 characters.",
                    Fqdn(node.name, domain)
                ))
                .document(node.doc)
                .diagnostic("RFC 1035 requires full DNS names to be < 256 characters.")
                .at(node.doc, "metadata.name")
                .report();
            }
        }
        // Domains are few: check each one's labels once.
        let mut domain_ok: HashMap<&str, bool> = HashMap::new();
        for node in &site.nodes {
            let (domain, network) = domain(site, node);
            let ok = *domain_ok
                .entry(domain)
                .or_insert_with(|| domain.split('.').all(valid_label));
            let from_name = node.name.split('.').map(|l| (l, None));
            let from_domain = domain.split('.').filter(|_| !ok).map(|l| (l, network));
            for (part, network) in from_name.chain(from_domain) {
                if valid_label(part) {
                    continue;
                }
                let finding = out
                    .error(format_args!(
                        "FQDN {} is invalid - label '{part}' is invalid.",
                        Fqdn(node.name, domain)
                    ))
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

#[cfg(test)]
mod tests {
    use super::valid_label;

    #[test]
    fn labels_as_python_reads_them() {
        for good in [
            "a",
            "-edge-",
            "A9-z",
            &"n".repeat(63),
            "K\u{212a}",
            "\u{130}\u{131}\u{17f}",
        ] {
            assert!(valid_label(good), "{good}");
        }
        for bad in ["", "bad__name", &"n".repeat(64), "é", "a b", "\u{212b}"] {
            assert!(!valid_label(bad), "{bad}");
        }
    }
}
