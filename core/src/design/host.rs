//! HostProfile and BaremetalNode, which share most of their settings.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::text::Text;

/// Fields a schema leaves open: kept as they were written.
pub type Extra = BTreeMap<String, serde_json::Value>;

/// Out-of-band management settings (open: drivers add their own keys).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Oob {
    /// `ipmi`, `redfish`, `libvirt`, `manual`, …
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub oob_type: Option<String>,
    /// OOB network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    /// Account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
    /// Other keys.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A filesystem on a partition or logical volume.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Filesystem {
    /// Mount point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mountpoint: Option<String>,
    /// Filesystem type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fstype: Option<String>,
    /// Mount options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mount_options: Option<String>,
    /// Filesystem UUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fs_uuid: Option<String>,
    /// Filesystem label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fs_label: Option<String>,
    /// Other keys (allowed on logical volumes only).
    #[serde(flatten)]
    pub extra: Extra,
}

/// A partition of a physical device.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Partition {
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Size (`20g`, `>1g`, `10%`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// Partition UUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_uuid: Option<String>,
    /// Volume group this partition joins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_group: Option<String>,
    /// Labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    /// Bootable flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bootable: Option<bool>,
    /// Filesystem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filesystem: Option<Filesystem>,
}

/// A physical disk.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PhysicalDevice {
    /// Labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    /// Volume group the whole disk joins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_group: Option<String>,
    /// Partitions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partitions: Option<Vec<Partition>>,
    /// Other keys.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A logical volume.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LogicalVolume {
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// LV UUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lv_uuid: Option<String>,
    /// Size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// Filesystem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filesystem: Option<Filesystem>,
    /// Other keys.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A volume group.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VolumeGroup {
    /// VG UUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vg_uuid: Option<String>,
    /// Logical volumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logical_volumes: Option<Vec<LogicalVolume>>,
    /// Other keys.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Storage layout.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Storage {
    /// Disks by name or alias (boxed, as in [`HostSettings::interfaces`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub physical_devices: Option<BTreeMap<String, Box<PhysicalDevice>>>,
    /// Volume groups by name (boxed likewise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_groups: Option<BTreeMap<String, Box<VolumeGroup>>>,
    /// Other keys.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Operating-system settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Platform {
    /// Image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Kernel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel: Option<String>,
    /// Kernel parameters (values of any type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel_params: Option<Extra>,
}

/// Node metadata.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeMetadata {
    /// Tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Text>>,
    /// Owner data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_data: Option<BTreeMap<String, String>>,
    /// Rack name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rack: Option<Text>,
    /// MAC address to boot from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boot_mac: Option<Text>,
}

/// SR-IOV settings of an interface.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sriov {
    /// Virtual functions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vf_count: Option<i64>,
    /// Trust mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trustmode: Option<bool>,
    /// Other keys.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A network interface, keyed by device name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Interface {
    /// The NetworkLink it is attached to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_link: Option<Text>,
    /// Member devices (aliases or kernel names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slaves: Option<Vec<Text>>,
    /// Networks on the interface (`!name` removes an inherited one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub networks: Option<Vec<Text>>,
    /// SR-IOV (host profiles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sriov: Option<Sriov>,
    /// Other keys (`labels`, …).
    #[serde(flatten)]
    pub extra: Extra,
}

/// The settings HostProfile and BaremetalNode share.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HostSettings {
    /// Out-of-band management.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oob: Option<Oob>,
    /// Storage layout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<Storage>,
    /// Platform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// Metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<NodeMetadata>,
    /// Parent host profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_profile: Option<Text>,
    /// Hardware profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hardware_profile: Option<Text>,
    /// Primary network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_network: Option<Text>,
    /// Interfaces by device name. Boxed: a map's smallest node has room
    /// for eleven entries, so a host's one interface would cost eleven
    /// interfaces' space (1.8 KB per node of a large site; boxed, 0.5 KB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interfaces: Option<BTreeMap<String, Box<Interface>>>,
}

/// A HostProfile: settings that nodes (and other profiles) inherit.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct HostProfile {
    /// The settings.
    pub settings: HostSettings,
}

/// An address of a node on a network.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Addressing {
    /// Address, `dhcp` or `slaac` (a short string, held inline: a large
    /// site has several per node).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Text>,
    /// Network name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<Text>,
    /// Other keys.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A BaremetalNode: one server. Its `Deserialize` (in `node_de`) reads
/// the settings beside `addressing` without buffering the whole mapping,
/// as `#[serde(flatten)]` would.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct BaremetalNode {
    /// Addresses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addressing: Option<Vec<Addressing>>,
    /// The settings, as for a host profile.
    #[serde(flatten)]
    pub settings: HostSettings,
}
