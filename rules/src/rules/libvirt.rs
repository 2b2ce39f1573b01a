//! DD4002 Valid Libvirt Configuration.

use super::truthy;
use crate::effective::merge::get;
use crate::paths::field_path;
use crate::{EffectiveSite, Findings, Rule};

/// libvirt nodes give a `qemu+ssh` libvirt URI and a boot MAC address.
#[derive(Default)]
pub struct Libvirt;

impl Rule for Libvirt {
    fn check(&self, site: &EffectiveSite<'_>, out: &mut Findings) {
        for node in &site.nodes {
            if node.host.oob_type.as_ref().map(|t| t.value) != Some("libvirt") {
                continue;
            }
            match get(&node.host.oob_parameters, "libvirt_uri").filter(|u| !u.value.is_empty()) {
                None => out
                    .error(format_args!(
                        "OOB parameter libvirt_uri missing for node {}.",
                        node.name
                    ))
                    .document(node.doc)
                    .diagnostic("Provide libvirt URI to node hypervisor.")
                    .at(node.doc, field_path!(node.doc, "oob"))
                    .report(),
                Some(uri) if !uri.value.starts_with("qemu+ssh") => out
                    .error("OOB parameter libvirt_uri has invalid scheme.")
                    .document(node.doc)
                    .diagnostic("Only scheme 'qemu+ssh' is supported.")
                    .at(uri.doc, field_path!(uri.doc, "oob", "libvirt_uri"))
                    .report(),
                Some(_) => {}
            }
            if !truthy(node.boot_mac) {
                out.error("libvirt-based node requries defined boot MAC address.")
                    .document(node.doc)
                    .diagnostic("Specify the node's PXE MAC address in metadata.boot_mac")
                    .at(node.doc, field_path!(node.doc, "metadata"))
                    .report();
            }
        }
    }
}
