//! Task status, action and result status, with the original's string forms.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sqlx::types::Text;

use crate::error::StoreError;

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident, $field:literal { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The string stored in the database (the original's form).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
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

        impl FromStr for $name {
            type Err = StoreError;
            fn from_str(s: &str) -> Result<Self, StoreError> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(StoreError::Invalid {
                        field: $field.into(),
                        reason: format!(
                            "unknown value {other:?} (known: {})",
                            [$($text),+].join(", ")
                        ),
                    }),
                }
            }
        }
    };
}

string_enum! {
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

string_enum! {
    /// What a task does (the orchestrator's and the node drivers' actions of the original).
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
        /// Relabel nodes.
        RelabelNodes => "relabel_nodes",
        /// Validate a node driver's services.
        ValidateNodeServices => "validate_node_services",
        /// Create a network template.
        CreateNetworkTemplate => "create_network_template",
        /// Create a storage template.
        CreateStorageTemplate => "create_storage_template",
        /// Create boot media.
        CreateBootMedia => "create_boot_media",
        /// Prepare the hardware configuration.
        PrepareHardwareConfig => "prepare_hardware_config",
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
        /// Configure the node provisioner.
        ConfigureNodeProvisioner => "configure_node_provisioner",
        /// Configure user credentials.
        ConfigureUserCredentials => "configure_user_credentials",
        /// Validate out-of-band services.
        ValidateOobServices => "validate_oob_services",
        /// Configure PXE boot.
        ConfigurePxe => "config_node_pxe",
        /// Set the node to boot from PXE.
        SetNodeBoot => "set_node_boot",
        /// Power a node off.
        PowerOffNode => "power_off_node",
        /// Power a node on.
        PowerOnNode => "power_on_node",
        /// Power-cycle a node.
        PowerCycleNode => "powercycle_node",
        /// Interrogate out-of-band management.
        InterrogateOob => "interrogate_oob",
        /// Validate kubernetes services.
        ValidateKubernetesServices => "validate_kubernetes_services",
        /// Relabel one node.
        RelabelNode => "relabel_node",
    }
}

string_enum! {
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

string_enum! {
    /// Which subtasks of a parent to list.
    SubtaskFilter, "subtask_filter" {
        /// Running or terminating.
        Active => "active",
        /// Complete or terminated.
        Complete => "complete",
        /// Every subtask.
        All => "all",
    }
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
        }
        for r in ResultStatus::ALL {
            assert_eq!(r.as_str().parse::<ResultStatus>().unwrap(), *r);
        }
        assert_eq!(TaskAction::ValidateDesign.to_string(), "validate_design");
        assert_eq!(ResultStatus::PartialSuccess.to_string(), "partial_success");
    }

    #[test]
    fn unknown_string_is_a_typed_error() {
        let e = "exploded".parse::<TaskStatus>().unwrap_err();
        assert!(matches!(e, StoreError::Invalid { .. }), "{e}");
        assert!(e.to_string().contains("exploded"));
    }
}
