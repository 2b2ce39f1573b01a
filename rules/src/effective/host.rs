//! Effective host settings: what a node (or host profile) ends up with once
//! its host-profile chain is applied (VALIDATION.md 2.2-2.4).

use std::borrow::Cow;
use std::sync::Arc;

use super::Traced;
use super::merge::{self, Keyed, Map};
use super::storage::{self, Device, VolumeGroup};
use drydock_core::design::{DocumentSource, HostSettings};

/// How a slave device is found on the machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelectorType {
    /// By PCI address (a hardware-profile alias of bus type `pci`).
    Address,
    /// By kernel name (anything else).
    Name,
}

/// A slave of an interface resolved through the hardware profile (2.6).
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceSelector<'a> {
    /// How to find it.
    pub selector_type: SelectorType,
    /// The PCI address, or the name as written.
    pub address: Cow<'a, str>,
    /// The alias's `dev_type`, for address selectors.
    pub device_type: Option<Cow<'a, str>>,
}

/// SR-IOV settings of an interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sriov {
    /// Virtual functions (0 when not written).
    pub vf_count: i64,
    /// Trusted mode (false when not written).
    pub trustedmode: bool,
}

/// An effective network interface.
#[derive(Clone, Debug, PartialEq)]
pub struct Interface<'a> {
    /// Device name.
    pub name: &'a str,
    /// The nearest document declaring it.
    pub doc: &'a DocumentSource,
    /// The NetworkLink it is attached to.
    pub network_link: Option<Traced<'a, &'a str>>,
    /// Slaves as written (aliases or kernel names).
    pub slaves: Shared<Traced<'a, &'a str>>,
    /// Networks on the interface.
    pub networks: Shared<Traced<'a, &'a str>>,
    /// SR-IOV settings; inherited as a scalar (the original loses them on a merge).
    pub sriov: Option<Sriov>,
}

impl Keyed for Interface<'_> {
    fn key(&self) -> Option<&str> {
        Some(self.name)
    }
}

/// A list an effective host shares with the profile it inherits it from unchanged.
pub type Shared<T> = Arc<[T]>;

/// Effective host settings, each value traced to the document that wrote it.
/// Lists a node inherits unchanged are shared with its profile, not copied.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EffectiveHost<'a> {
    /// Hardware profile name.
    pub hardware_profile: Option<Traced<'a, &'a str>>,
    /// OOB type (`oob.type`).
    pub oob_type: Option<Traced<'a, &'a str>>,
    /// Other `oob` keys, values as strings.
    pub oob_parameters: Shared<(&'a str, Traced<'a, Cow<'a, str>>)>,
    /// Rack (`metadata.rack`).
    pub rack: Option<Traced<'a, &'a str>>,
    /// Image (`platform.image`).
    pub image: Option<Traced<'a, &'a str>>,
    /// Kernel (`platform.kernel`).
    pub kernel: Option<Traced<'a, &'a str>>,
    /// Kernel parameters, values as strings (`true` is `True`), references resolved.
    pub kernel_params: Shared<(&'a str, Traced<'a, Cow<'a, str>>)>,
    /// Primary network.
    pub primary_network: Option<Traced<'a, &'a str>>,
    /// Tags (`metadata.tags`).
    pub tags: Shared<Traced<'a, &'a str>>,
    /// Owner data (`metadata.owner_data`).
    pub owner_data: Shared<(&'a str, Traced<'a, Cow<'a, str>>)>,
    /// Interfaces (each slave's selector: [`super::EffectiveNode::selectors`]).
    pub interfaces: Shared<Interface<'a>>,
    /// Physical storage devices.
    pub storage_devices: Shared<Device<'a>>,
    /// Volume groups.
    pub volume_groups: Shared<VolumeGroup<'a>>,
}

/// A value as the original's string fields hold it: `true` is `True`, `6` is `6`.
pub(crate) fn python_text(value: &serde_json::Value) -> Cow<'_, str> {
    use serde_json::Value as J;
    match value {
        J::String(s) => Cow::Borrowed(s),
        J::Bool(true) => Cow::Borrowed("True"),
        J::Bool(false) => Cow::Borrowed("False"),
        J::Null => Cow::Borrowed("None"),
        other => Cow::Owned(other.to_string()),
    }
}

fn traced<'a, S: AsRef<str>>(
    v: &'a Option<S>,
    doc: &'a DocumentSource,
) -> Option<Traced<'a, &'a str>> {
    v.as_ref().map(|v| Traced::at(v.as_ref(), doc, 0))
}

fn list<'a, S: AsRef<str>>(
    v: &'a Option<Vec<S>>,
    doc: &'a DocumentSource,
) -> Vec<Traced<'a, &'a str>> {
    traced_items(v, doc).collect()
}

fn traced_items<'a, S: AsRef<str>>(
    v: &'a Option<Vec<S>>,
    doc: &'a DocumentSource,
) -> impl ExactSizeIterator<Item = Traced<'a, &'a str>> {
    let items: &'a [S] = v.as_deref().unwrap_or_default();
    items
        .iter()
        .enumerate()
        .map(move |(i, s)| Traced::at(s.as_ref(), doc, i))
}

/// A list as one shared allocation.
fn shared_list<'a, S: AsRef<str>>(
    v: &'a Option<Vec<S>>,
    doc: &'a DocumentSource,
) -> Shared<Traced<'a, &'a str>> {
    traced_items(v, doc).collect()
}

/// The settings one document writes, before inheritance (the lists are its own).
#[derive(Clone, Debug, Default)]
pub struct Declared<'a> {
    hardware_profile: Option<Traced<'a, &'a str>>,
    oob_type: Option<Traced<'a, &'a str>>,
    oob_parameters: Map<'a, Cow<'a, str>>,
    rack: Option<Traced<'a, &'a str>>,
    image: Option<Traced<'a, &'a str>>,
    kernel: Option<Traced<'a, &'a str>>,
    kernel_params: Map<'a, Cow<'a, str>>,
    primary_network: Option<Traced<'a, &'a str>>,
    tags: Vec<Traced<'a, &'a str>>,
    owner_data: Map<'a, Cow<'a, str>>,
    interfaces: Vec<Interface<'a>>,
    storage_devices: Vec<Device<'a>>,
    volume_groups: Vec<VolumeGroup<'a>>,
}

/// `child` over `parent` by `merge`; a child with nothing of its own shares the parent's list.
fn inherit<T: Clone>(
    child: Vec<T>,
    parent: Option<&Shared<T>>,
    merge: impl FnOnce(Vec<T>, &[T]) -> Vec<T>,
) -> Shared<T> {
    match parent {
        None => Arc::from(child),
        Some(p) if child.is_empty() => p.clone(),
        Some(p) => Arc::from(merge(child, p)),
    }
}

impl<'a> Declared<'a> {
    /// The settings `doc` itself writes, with the ingester's defaults (2.1).
    pub fn of(s: &'a HostSettings, doc: &'a DocumentSource) -> Self {
        let oob = s.oob.as_ref();
        let platform = s.platform.as_ref();
        let meta = s.metadata.as_ref();
        let mut oob_parameters: Map<'a, Cow<'a, str>> = Vec::new();
        if let Some(oob) = oob {
            let named = [
                ("network", &oob.network),
                ("account", &oob.account),
                ("credential", &oob.credential),
            ];
            for (key, value) in named {
                if let Some(v) = value {
                    oob_parameters.push((key, Traced::at(Cow::Borrowed(v.as_str()), doc, 0)));
                }
            }
            for (key, value) in &oob.extra {
                oob_parameters.push((key.as_str(), Traced::at(python_text(value), doc, 0)));
            }
        }
        let (storage_devices, volume_groups) = storage::own(s.storage.as_ref(), doc);
        Declared {
            hardware_profile: traced(&s.hardware_profile, doc),
            oob_type: oob.and_then(|o| traced(&o.oob_type, doc)),
            oob_parameters,
            rack: meta.and_then(|m| traced(&m.rack, doc)),
            image: platform.and_then(|p| traced(&p.image, doc)),
            kernel: platform.and_then(|p| traced(&p.kernel, doc)),
            kernel_params: platform
                .and_then(|p| p.kernel_params.as_ref())
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.as_str(), Traced::at(python_text(v), doc, 0)))
                .collect(),
            primary_network: traced(&s.primary_network, doc),
            tags: meta.map_or_else(Vec::new, |m| list(&m.tags, doc)),
            owner_data: meta
                .and_then(|m| m.owner_data.as_ref())
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.as_str(), Traced::at(Cow::Borrowed(v.as_str()), doc, 0)))
                .collect(),
            interfaces: s
                .interfaces
                .iter()
                .flatten()
                .map(|(name, i)| Interface {
                    name,
                    doc,
                    network_link: traced(&i.device_link, doc),
                    slaves: shared_list(&i.slaves, doc),
                    networks: shared_list(&i.networks, doc),
                    sriov: i.sriov.as_ref().map(|s| Sriov {
                        vf_count: s.vf_count.unwrap_or(0),
                        trustedmode: s
                            .trustmode
                            .or_else(|| s.extra.get("trustedmode").and_then(|v| v.as_bool()))
                            .unwrap_or(false),
                    }),
                })
                .collect(),
            storage_devices,
            volume_groups,
        }
    }
}

fn merge_interface<'a>(c: &Interface<'a>, p: &Interface<'a>) -> Interface<'a> {
    let list = |c: &Shared<Traced<'a, &'a str>>, p: &Shared<Traced<'a, &'a str>>| {
        inherit(c.to_vec(), Some(p), merge::list)
    };
    Interface {
        name: c.name,
        doc: c.doc,
        network_link: merge::scalar(&c.network_link, &p.network_link),
        slaves: list(&c.slaves, &p.slaves),
        networks: list(&c.networks, &p.networks),
        sriov: c.sriov.or(p.sriov),
    }
}

impl<'a> EffectiveHost<'a> {
    /// `declared` over `parent` (the compiled parent profile), or as written
    /// when there is no parent.
    pub fn inherit(declared: Declared<'a>, parent: Option<&EffectiveHost<'a>>) -> Self {
        let c = declared;
        type Pick<'a> = for<'h> fn(&'h EffectiveHost<'a>) -> &'h Option<Traced<'a, &'a str>>;
        let scalar = |child: Option<Traced<'a, &'a str>>, pick: Pick<'a>| match parent {
            Some(p) => merge::scalar(&child, pick(p)),
            None => child,
        };
        type Strings<'a> = Shared<(&'a str, Traced<'a, Cow<'a, str>>)>;
        type PickMap<'a> = for<'h> fn(&'h EffectiveHost<'a>) -> &'h Strings<'a>;
        let map = |child: Map<'a, Cow<'a, str>>, pick: PickMap<'a>| {
            inherit(child, parent.map(pick), merge::map)
        };
        EffectiveHost {
            hardware_profile: scalar(c.hardware_profile, |p| &p.hardware_profile),
            oob_type: scalar(c.oob_type, |p| &p.oob_type),
            oob_parameters: map(c.oob_parameters, |p| &p.oob_parameters),
            rack: scalar(c.rack, |p| &p.rack),
            image: scalar(c.image, |p| &p.image),
            kernel: scalar(c.kernel, |p| &p.kernel),
            kernel_params: map(c.kernel_params, |p| &p.kernel_params),
            primary_network: scalar(c.primary_network, |p| &p.primary_network),
            tags: inherit(c.tags, parent.map(|p| &p.tags), merge::list),
            owner_data: map(c.owner_data, |p| &p.owner_data),
            interfaces: inherit(c.interfaces, parent.map(|p| &p.interfaces), |c, p| {
                merge::keyed(c, p, merge_interface)
            }),
            storage_devices: inherit(
                c.storage_devices,
                parent.map(|p| &p.storage_devices),
                storage::merge_devices,
            ),
            volume_groups: inherit(
                c.volume_groups,
                parent.map(|p| &p.volume_groups),
                storage::merge_groups,
            ),
        }
    }
}
