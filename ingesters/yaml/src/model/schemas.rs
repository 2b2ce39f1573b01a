//! Drydock's JSON schemas (draft 4), one per kind, embedded.
//!
//! Copied from Drydock's `drydock-schemas/` with its typos fixed
//! (`additionalPropties`, `propertes`, `tor_switches` keyed by switch name) and
//! the rules of the original's object model and processing code added:
//! bonding and trunking mode enums, integer counters, apt/rpm repository
//! types, octal permissions, a BaremetalNode needs at least one address, a
//! BootAction needs `assets`, a node filter its `filter_set_type`, device
//! aliases and SR-IOV settings are objects.
//! Repository `arches` stays optional: the original never enforced it.

use std::sync::OnceLock;

use serde_json::Value;

use drydock_core::design::Kind;

use super::validate::Compiled;

fn text(kind: Kind) -> &'static str {
    match kind {
        Kind::Region => include_str!("schemas/Region.json"),
        Kind::NetworkLink => include_str!("schemas/NetworkLink.json"),
        Kind::Network => include_str!("schemas/Network.json"),
        Kind::HardwareProfile => include_str!("schemas/HardwareProfile.json"),
        Kind::HostProfile => include_str!("schemas/HostProfile.json"),
        Kind::BaremetalNode => include_str!("schemas/BaremetalNode.json"),
        Kind::Rack => include_str!("schemas/Rack.json"),
        Kind::BootAction => include_str!("schemas/BootAction.json"),
    }
}

/// The schema of `kind`, version 1, parsed and compiled once.
pub(crate) fn schema(kind: Kind) -> &'static Compiled {
    static CELLS: [OnceLock<Compiled>; 8] = [const { OnceLock::new() }; 8];
    let i = Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
    CELLS[i].get_or_init(|| {
        Compiled::new(&serde_json::from_str(text(kind)).unwrap_or(Value::Bool(true)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_schema_parses_as_an_object() {
        for kind in Kind::ALL {
            let s: Value = serde_json::from_str(text(kind)).expect("embedded schema is JSON");
            assert_eq!(s["type"], "object", "{kind}");
            assert!(schema(kind).is_object());
        }
    }
}
