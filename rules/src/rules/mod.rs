//! The original's 18 rules (VALIDATION.md 4), registered in its order.
//!
//! Each rule is a small unit: its checks, its messages byte-identical to the
//! original's (typos included), and its field paths. Where VALIDATION.md
//! records a bug of the original and recommends a fix, the rule follows the
//! recommendation and says so in its doc comment.

use crate::effective::{Device, Partition};
use crate::{Rule, RuleRegistration, ValidationConfig};

mod allowed_networks;
mod bond;
mod boot_storage;
mod bootaction_defined;
mod cidr_validity;
mod duplicate_ips;
mod hostname;
mod hugepages;
mod ip_locality;
mod ipmi;
mod libvirt;
mod mtu;
mod pkg_list;
mod platform;
mod storage_mountpoint;
mod storage_partitioning;
mod storage_sizing;
mod trunking;

/// Registers one of the original's rules (they run before any other).
macro_rules! register_rule {
    (code: $code:expr, name: $name:expr, order: $order:expr, constructor: $constructor:expr $(,)?) => {
        inventory::submit! { RuleRegistration::builtin($code, $name, $order, $constructor) }
    };
}

fn boxed<R: Rule + Default + 'static>(_: &ValidationConfig) -> Box<dyn Rule> {
    Box::new(R::default())
}

register_rule!(code: "DD1001", name: "Rational Boot Storage", order: 100, constructor: boxed::<boot_storage::BootStorage>);
register_rule!(code: "DD2006", name: "CIDR Validity", order: 200, constructor: boxed::<cidr_validity::CidrValidity>);
register_rule!(code: "DD1008", name: "Hugepages", order: 300, constructor: boxed::<hugepages::Hugepages>);
register_rule!(code: "DD2002", name: "IP Locality Check", order: 400, constructor: boxed::<ip_locality::IpLocality>);
register_rule!(code: "DD2003", name: "MTU Rationality", order: 500, constructor: boxed::<mtu::MtuRationality>);
register_rule!(code: "DD2004", name: "Network Trunking Rationalty", order: 600, constructor: boxed::<trunking::Trunking>);
register_rule!(code: "DD2005", name: "Duplicated IP Check", order: 700, constructor: boxed::<duplicate_ips::DuplicateIps>);
register_rule!(code: "DD3001", name: "Platform Selection", order: 800, constructor: platform::new);
register_rule!(code: "DD1006", name: "Network Bond Rationality", order: 900, constructor: boxed::<bond::Bond>);
register_rule!(code: "DD2002", name: "Storage Partitioning", order: 1000, constructor: boxed::<storage_partitioning::StoragePartitioning>);
register_rule!(code: "DD2003", name: "Storage Sizing", order: 1100, constructor: boxed::<storage_sizing::StorageSizing>);
register_rule!(code: "DD2004", name: "Storage Mountpoint", order: 1200, constructor: boxed::<storage_mountpoint::StorageMountpoint>);
register_rule!(code: "DD1007", name: "Allowed Network Check", order: 1300, constructor: boxed::<allowed_networks::AllowedNetworks>);
register_rule!(code: "DD3003", name: "Hostname Validity", order: 1400, constructor: boxed::<hostname::Hostname>);
register_rule!(code: "DD4001", name: "Valid IPMI Configuration", order: 1500, constructor: boxed::<ipmi::Ipmi>);
register_rule!(code: "DD4002", name: "Valid Libvirt Configuration", order: 1600, constructor: boxed::<libvirt::Libvirt>);
register_rule!(code: "DD4001", name: "Bootaction Definition", order: 1700, constructor: boxed::<bootaction_defined::BootactionDefined>);
register_rule!(code: "DD4002", name: "Bootaction pkg_list Validation", order: 1800, constructor: boxed::<pkg_list::PkgList>);

/// A value Python finds true: present and not empty.
fn truthy(value: Option<&str>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

/// A value as Python's `%s` prints it: `None` when absent.
fn or_none(value: Option<&str>) -> &str {
    value.unwrap_or("None")
}

/// Where a partition's size is written: the document (the node's, or the
/// profile it inherited the size from) and the position of the partition there.
struct SizeAt<'a> {
    doc: &'a drydock_core::design::DocumentSource,
    device: &'a str,
    index: usize,
}

impl<'a> SizeAt<'a> {
    fn of(dev: &Device<'a>, part: &Partition<'a>) -> Self {
        let (doc, index) = part
            .size
            .as_ref()
            .map_or((part.doc, part.index), |s| (s.doc, s.index));
        SizeAt {
            doc,
            device: dev.name,
            index,
        }
    }

    /// `data.storage.physical_devices.<device>.partitions[<i>].size`.
    fn path(&self) -> String {
        crate::paths::field_path!(
            self.doc,
            "storage",
            "physical_devices",
            self.device,
            "partitions",
            self.index,
            "size"
        )
    }
}
