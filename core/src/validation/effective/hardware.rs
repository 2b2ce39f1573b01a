//! The hardware-profile step of compiling a node (VALIDATION.md 2.6, 2.7):
//! slave selectors from device aliases, kernel-parameter references.

use std::borrow::Cow;

use super::host::{DeviceSelector, EffectiveHost, SelectorType};
use crate::design::HardwareProfile;

/// The selector of slave `slave`: the profile's `pci` alias of that name, else the name itself.
fn selector<'a>(profile: &'a HardwareProfile, slave: &'a str) -> DeviceSelector<'a> {
    let alias = profile
        .device_aliases
        .as_ref()
        .and_then(|aliases| aliases.get(slave))
        .filter(|a| a.get("bus_type").and_then(|b| b.as_str()) == Some("pci"));
    match alias.and_then(|a| a.get("address").and_then(|v| v.as_str()).map(|ad| (a, ad))) {
        Some((alias, address)) => DeviceSelector {
            selector_type: SelectorType::Address,
            address: Cow::Borrowed(address),
            device_type: alias
                .get("dev_type")
                .and_then(|v| v.as_str())
                .map(Cow::Borrowed),
        },
        None => DeviceSelector {
            selector_type: SelectorType::Name,
            address: Cow::Borrowed(slave),
            device_type: None,
        },
    }
}

/// The value a kernel parameter refers to, or None to keep it as written:
/// `hardwareprofile:cpuset.<set>`, `hardwareprofile:hugepages.<conf>.size|count`.
/// Unknown sets, configurations, types and fields keep the raw value, as do
/// references without a `.` (the original crashes on those).
pub fn kernel_reference<'a>(value: &str, profile: &'a HardwareProfile) -> Option<Cow<'a, str>> {
    let reference = value.strip_prefix("hardwareprofile:")?;
    let (kind, rest) = reference.split_once('.')?;
    match kind {
        "cpuset" => profile
            .cpu_sets
            .as_ref()?
            .get(rest)
            .map(|s| Cow::Borrowed(s.as_str())),
        "hugepages" => {
            let (conf, field) = rest.split_once('.')?;
            let conf = profile.hugepages.as_ref()?.get(conf)?;
            match field {
                "size" => conf.size.as_deref().map(Cow::Borrowed),
                "count" => conf.count.map(|c| Cow::Owned(c.to_string())),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Applies the hardware profile: a selector per slave of every interface, and
/// kernel-parameter references resolved.
pub fn apply<'a>(host: &mut EffectiveHost<'a>, profile: &'a HardwareProfile) {
    for iface in &mut host.interfaces {
        iface.selectors = iface
            .slaves
            .iter()
            .map(|s| selector(profile, s.value))
            .collect();
    }
    for (_, value) in &mut host.kernel_params {
        if let Some(resolved) = kernel_reference(&value.value, profile) {
            value.value = resolved;
        }
    }
}
