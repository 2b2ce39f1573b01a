//! The hardware-profile step of compiling a node (VALIDATION.md 2.6, 2.7):
//! slave selectors from device aliases, kernel-parameter references.

use std::borrow::Cow;

use foldhash::HashMap;

use super::Traced;
use super::host::{DeviceSelector, EffectiveHost, SelectorType};
use drydock_core::design::HardwareProfile;

/// The `pci` device aliases of a hardware profile: alias -> (address, device type).
pub(super) type PciAliases<'a> = HashMap<&'a str, (&'a str, Option<&'a str>)>;

/// The `pci` aliases of `profile`, read once.
pub(super) fn pci_aliases(profile: &HardwareProfile) -> PciAliases<'_> {
    fn text<'v>(alias: &'v serde_json::Value, key: &str) -> Option<&'v str> {
        alias.get(key).and_then(|v| v.as_str())
    }
    profile
        .device_aliases
        .iter()
        .flatten()
        .filter(|(_, a)| text(a, "bus_type") == Some("pci"))
        .filter_map(|(name, a)| Some((name.as_str(), (text(a, "address")?, text(a, "dev_type")))))
        .collect()
}

/// The selector of slave `slave`: the profile's `pci` alias of that name, else the name itself.
pub(super) fn selector<'a>(aliases: &PciAliases<'a>, slave: &'a str) -> DeviceSelector<'a> {
    match aliases.get(slave) {
        Some((address, device_type)) => DeviceSelector {
            selector_type: SelectorType::Address,
            address: Cow::Borrowed(address),
            device_type: device_type.map(Cow::Borrowed),
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
pub(crate) fn kernel_reference<'a>(
    value: &str,
    profile: &'a HardwareProfile,
) -> Option<Cow<'a, str>> {
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

/// Applies the hardware profile: kernel-parameter references resolved (the
/// slaves' selectors are found when asked: [`super::EffectiveNode::selectors`]).
pub(super) fn apply<'a>(host: &mut EffectiveHost<'a>, profile: &'a HardwareProfile) {
    let refers = |v: &Traced<'a, Cow<'a, str>>| v.value.starts_with("hardwareprofile:");
    if host.kernel_params.iter().any(|(_, v)| refers(v)) {
        host.kernel_params = host
            .kernel_params
            .iter()
            .map(|(key, value)| {
                let mut value = value.clone();
                if let Some(resolved) = kernel_reference(&value.value, profile) {
                    value.value = resolved;
                }
                (*key, value)
            })
            .collect();
    }
}
