//! Task status, action and result status, with the original's string forms.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sqlx::types::Text;

use crate::error::StoreError;

/// An enum stored as the original's string; a string this version does not
/// know reads back as `Unknown` and is written back as it was.
macro_rules! stored_enum {
    ($(#[$meta:meta])* $name:ident, $field:literal { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version does not know (another version wrote it), kept as it is.
            Unknown(String),
        }

        impl $name {
            /// Every known value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The string stored in the database (the original's form).
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Unknown(other) => other,
                }
            }

            /// A known value only: for input from users, where a typo must not pass.
            pub fn known(s: &str) -> Result<Self, StoreError> {
                match s.parse::<$name>() {
                    Ok($name::Unknown(other)) | Err(other) => Err(StoreError::Invalid {
                        field: $field.into(),
                        reason: format!(
                            "unknown value {other:?} (known: {})",
                            [$($text),+].join(", ")
                        ),
                    }),
                    Ok(known) => Ok(known),
                }
            }

            pub(crate) fn validate(&self) -> crate::error::Result<()> {
                match self {
                    $name::Unknown(other) if other.is_empty() => Err(StoreError::Invalid {
                        field: $field.into(),
                        reason: "is empty".into(),
                    }),
                    $name::Unknown(other) => crate::model::name($field, other),
                    _ => Ok(()),
                }
            }
        }

        impl FromStr for $name {
            type Err = String;
            /// Never fails for a value read back: unknown strings are kept.
            fn from_str(s: &str) -> Result<Self, String> {
                Ok(match s {
                    $($text => $name::$variant,)+
                    other => $name::Unknown(other.to_owned()),
                })
            }
        }

        impl From<Text<$name>> for $name {
            fn from(text: Text<$name>) -> Self {
                text.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

stored_enum! {
    /// Where a task is in its life.
    TaskStatus, "status" {
        /// Asked for, not yet queued.
        Requested => "requested",
        /// Waiting for an orchestrator to claim it.
        Queued => "queued",
        /// Claimed and running.
        Running => "running",
        /// Asked to stop.
        Terminating => "terminating",
        /// Stopped before completing.
        Terminated => "terminated",
        /// Finished.
        Complete => "complete",
    }
}

stored_enum! {
    /// What a task does: the orchestrator's and the drivers' actions, as the
    /// original spells them.
    TaskAction, "action" {
        /// Do nothing.
        Noop => "noop",
        /// Validate the site design.
        ValidateDesign => "validate_design",
        /// Verify the site's services.
        VerifySite => "verify_site",
        /// Prepare the site.
        PrepareSite => "prepare_site",
        /// Verify nodes.
        VerifyNodes => "verify_nodes",
        /// Prepare nodes.
        PrepareNodes => "prepare_nodes",
        /// Deploy nodes.
        DeployNodes => "deploy_nodes",
        /// Destroy nodes.
        DestroyNodes => "destroy_nodes",
        /// Collect the boot action reports of nodes.
        BootactionReport => "bootaction_report",
        /// Relabel nodes.
        RelabelNodes => "relabel_nodes",
        /// Relabel one node.
        RelabelNode => "relabel_node",
        /// Validate out-of-band services.
        ValidateOobServices => "validate_oob_services",
        /// Configure PXE boot of a node.
        ConfigNodePxe => "config_node_pxe",
        /// Set a node's boot device.
        SetNodeBoot => "set_node_boot",
        /// Power a node off.
        PowerOffNode => "power_off_node",
        /// Power a node on.
        PowerOnNode => "power_on_node",
        /// Power-cycle a node.
        PowerCycleNode => "power_cycle_node",
        /// Interrogate out-of-band management.
        InterrogateOob => "interrogate_oob",
        /// Validate a node driver's services.
        ValidateNodeServices => "validate_node_services",
        /// Create a network template.
        CreateNetworkTemplate => "create_network_template",
        /// Create a storage template.
        CreateStorageTemplate => "create_storage_template",
        /// Create boot media.
        CreateBootMedia => "create_boot_media",
        /// Configure user credentials.
        ConfigureUserCredentials => "configure_user_credentials",
        /// Configure the node provisioner.
        ConfigureNodeProvisioner => "configure_node_provisioner",
        /// Prepare the hardware configuration.
        PrepareHardwareConfig => "prepare_hardware_config",
        /// Identify a node.
        IdentifyNode => "identify_node",
        /// Configure hardware.
        ConfigureHardware => "configure_hardware",
        /// Interrogate a node.
        InterrogateNode => "interrogate_node",
        /// Apply node networking.
        ApplyNodeNetworking => "apply_node_networking",
        /// Apply node storage.
        ApplyNodeStorage => "apply_node_storage",
        /// Apply the node platform.
        ApplyNodePlatform => "apply_node_platform",
        /// Deploy one node.
        DeployNode => "deploy_node",
        /// Destroy one node.
        DestroyNode => "destroy_node",
        /// Validate network services.
        ValidateNetworkServices => "validate_network_services",
    }
}

stored_enum! {
    /// How a task ended.
    ResultStatus, "result_status" {
        /// Everything succeeded.
        Success => "success",
        /// Some parts succeeded.
        PartialSuccess => "partial_success",
        /// It failed.
        Failure => "failure",
        /// It did not finish.
        Incomplete => "incomplete",
        /// Nothing reported yet.
        Unreported => "unreported",
    }
}

/// Which subtasks of a parent to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubtaskFilter {
    /// Running or terminating.
    Active,
    /// Complete or terminated.
    Complete,
    /// Every subtask.
    All,
}

impl SubtaskFilter {
    /// The statuses this filter matches; `None` for all.
    pub fn statuses(self) -> Option<&'static [TaskStatus]> {
        match self {
            SubtaskFilter::Active => Some(&[TaskStatus::Running, TaskStatus::Terminating]),
            SubtaskFilter::Complete => Some(&[TaskStatus::Complete, TaskStatus::Terminated]),
            SubtaskFilter::All => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_forms_round_trip() {
        for s in TaskStatus::ALL {
            assert_eq!(s.as_str().parse::<TaskStatus>().unwrap(), *s);
        }
        for a in TaskAction::ALL {
            assert_eq!(a.as_str().parse::<TaskAction>().unwrap(), *a);
            assert_eq!(TaskAction::known(a.as_str()).unwrap(), *a);
        }
        for r in ResultStatus::ALL {
            assert_eq!(r.as_str().parse::<ResultStatus>().unwrap(), *r);
        }
        assert_eq!(TaskAction::ValidateDesign.to_string(), "validate_design");
        assert_eq!(TaskAction::PowerCycleNode.as_str(), "power_cycle_node");
        assert_eq!(ResultStatus::PartialSuccess.to_string(), "partial_success");
        assert_eq!(
            TaskAction::ALL.len(),
            34,
            "the original's actions, all of them"
        );
    }

    #[test]
    fn unknown_strings_are_kept_when_read_and_refused_from_users() {
        let read: TaskAction = "rebuild_universe".parse().unwrap();
        assert_eq!(read, TaskAction::Unknown("rebuild_universe".into()));
        assert_eq!(read.as_str(), "rebuild_universe");
        let json = serde_json::to_string(&read).unwrap();
        assert_eq!(json, "\"rebuild_universe\"");
        assert_eq!(serde_json::from_str::<TaskAction>(&json).unwrap(), read);
        let e = TaskStatus::known("exploded").unwrap_err();
        assert!(matches!(e, StoreError::Invalid { .. }), "{e}");
        assert!(e.to_string().contains("exploded"));
        assert!(TaskAction::Unknown(String::new()).validate().is_err());
    }
}
