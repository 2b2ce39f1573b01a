//! The [`Registry`] of drivers (by scheme) and ingesters (by name).
//!
//! [`Registry::global`] holds everything linked into the program through
//! [`crate::register_driver!`] and [`crate::register_ingester!`]; it is built
//! once, sorted, and never panics: a scheme registered twice is reported as
//! [`Error::DuplicateScheme`] when it is used. [`Registry::builder`] builds a
//! closed set instead, and fails at once on duplicates.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use serde::Serialize;

use crate::driver::Driver;
use crate::error::{Error, Result};
use crate::ingester::{Detection, Ingester};

/// One scheme and who serves it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SchemeInfo {
    /// The scheme, e.g. `deckhand+https`.
    pub scheme: String,
    /// The driver's name.
    pub driver: String,
    /// The crate that registered it.
    pub crate_name: String,
}

/// One registered driver: its schemes and its options with their defaults.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DriverInfo {
    /// The driver's name; its configuration section is `[drivers.<name>]`.
    pub name: String,
    /// The crate that registered it.
    pub crate_name: String,
    /// The schemes it serves.
    pub schemes: Vec<String>,
    /// Its options with their defaults (secrets as `***`).
    pub options: serde_json::Value,
}

/// One ingester and who provides it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IngesterInfo {
    /// The ingester's name.
    pub name: String,
    /// The crate that registered it.
    pub crate_name: String,
}

mod builder;

pub use builder::RegistryBuilder;

#[derive(Debug, Clone)]
struct DriverEntry {
    /// The driver's name, from its registration.
    name: String,
    crate_name: String,
    driver: Built,
    /// Crate of a second registration of the same scheme.
    duplicate: Option<String>,
}

/// A driver, or why its configuration could not build it (reported on use).
#[derive(Debug, Clone)]
enum Built {
    Driver(Arc<dyn Driver>),
    Failed {
        section: String,
        origin: String,
        reason: String,
    },
}

impl Built {
    fn from(name: &str, result: Result<Arc<dyn Driver>>) -> Self {
        match result {
            Ok(driver) => Built::Driver(driver),
            Err(Error::Config {
                section,
                origin,
                reason,
            }) => Built::Failed {
                section,
                origin,
                reason,
            },
            Err(other) => Built::Failed {
                section: format!("drivers.{name}"),
                origin: crate::config::DEFAULTS_ORIGIN.to_owned(),
                reason: other.to_string(),
            },
        }
    }

    fn get(&self) -> Result<Arc<dyn Driver>> {
        match self {
            Built::Driver(d) => Ok(d.clone()),
            Built::Failed {
                section,
                origin,
                reason,
                ..
            } => Err(Error::Config {
                section: section.clone(),
                origin: origin.clone(),
                reason: reason.clone(),
            }),
        }
    }
}

#[derive(Debug, Clone)]
struct IngesterEntry {
    crate_name: String,
    ingester: Arc<dyn Ingester>,
    duplicate: Option<String>,
}

/// Drivers by scheme and ingesters by name.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    drivers: BTreeMap<String, DriverEntry>,
    ingesters: BTreeMap<String, IngesterEntry>,
    infos: Vec<DriverInfo>,
}

static GLOBAL: OnceLock<Arc<Registry>> = OnceLock::new();

impl Registry {
    /// Everything linked into this program, built on first use.
    pub fn global() -> Arc<Registry> {
        GLOBAL
            .get_or_init(|| {
                let mut builder = RegistryBuilder::default().with_linked();
                builder.lenient = true;
                // A lenient build records duplicates instead of failing.
                Arc::new(builder.build().unwrap_or_default())
            })
            .clone()
    }

    /// Every driver linked into the program (name, schemes, options with
    /// their defaults), sorted by name, without building any: what a program
    /// reads before it configures its registry.
    pub fn linked_drivers() -> Vec<DriverInfo> {
        builder::linked_infos()
    }

    /// A builder for a closed set of drivers and ingesters.
    pub fn builder() -> RegistryBuilder {
        RegistryBuilder::default()
    }

    /// The name of the driver serving `scheme` (case-insensitive), if any.
    pub fn driver_name(&self, scheme: &str) -> Option<&str> {
        let entry = self.drivers.get(&scheme.to_ascii_lowercase())?;
        Some(entry.name.as_str())
    }

    /// The driver serving `scheme` (case-insensitive).
    pub fn driver(&self, scheme: &str) -> Result<Arc<dyn Driver>> {
        let scheme = scheme.to_ascii_lowercase();
        match self.drivers.get(&scheme) {
            Some(DriverEntry {
                duplicate: Some(second),
                crate_name,
                ..
            }) => Err(Error::DuplicateScheme {
                scheme,
                first: crate_name.clone(),
                second: second.clone(),
            }),
            Some(entry) => entry.driver.get(),
            None => Err(Error::UnsupportedScheme {
                scheme,
                known: self.drivers.keys().cloned().collect(),
            }),
        }
    }

    /// The ingester called `name`.
    pub fn ingester(&self, name: &str) -> Result<Arc<dyn Ingester>> {
        match self.ingesters.get(name) {
            Some(IngesterEntry {
                duplicate: Some(second),
                crate_name,
                ..
            }) => Err(Error::DuplicateIngester {
                name: name.to_owned(),
                first: crate_name.clone(),
                second: second.clone(),
            }),
            Some(entry) => Ok(entry.ingester.clone()),
            None => Err(Error::UnknownIngester {
                name: name.to_owned(),
                known: self.ingesters.keys().cloned().collect(),
            }),
        }
    }

    /// The ingester most sure it reads `bytes` (ties go to the first by name), if any.
    pub fn detect(&self, bytes: &[u8]) -> Option<Arc<dyn Ingester>> {
        let mut best: Option<(Detection, &Arc<dyn Ingester>)> = None;
        for entry in self.ingesters.values().filter(|e| e.duplicate.is_none()) {
            let found = entry.ingester.detect(bytes);
            if found > Detection::No && best.is_none_or(|(b, _)| found > b) {
                best = Some((found, &entry.ingester));
            }
        }
        best.map(|(_, i)| i.clone())
    }

    /// Every scheme, sorted.
    pub fn schemes(&self) -> Vec<SchemeInfo> {
        self.drivers
            .iter()
            .map(|(scheme, e)| SchemeInfo {
                scheme: scheme.clone(),
                driver: e.name.clone(),
                crate_name: e.crate_name.clone(),
            })
            .collect()
    }

    /// Every driver registered through [`RegistryBuilder::with_linked`] (or
    /// its configured form), with its options' defaults, sorted by name.
    pub fn drivers(&self) -> Vec<DriverInfo> {
        self.infos.clone()
    }

    /// Every ingester, sorted by name.
    pub fn ingesters(&self) -> Vec<IngesterInfo> {
        self.ingesters
            .iter()
            .map(|(name, e)| IngesterInfo {
                name: name.clone(),
                crate_name: e.crate_name.clone(),
            })
            .collect()
    }

    /// Names of the registered ingesters, sorted.
    pub fn ingester_names(&self) -> Vec<String> {
        self.ingesters.keys().cloned().collect()
    }
}
