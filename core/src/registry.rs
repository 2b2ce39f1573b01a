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

use crate::config::DriversConfig;
use crate::driver::{Driver, DriverRegistration};
use crate::error::{Error, Result};
use crate::ingester::{Detection, Ingester, IngesterRegistration};

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

#[derive(Debug, Clone)]
struct DriverEntry {
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
        name: String,
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
                name: name.to_owned(),
                section,
                origin,
                reason,
            },
            Err(other) => Built::Failed {
                name: name.to_owned(),
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

    fn name(&self) -> &str {
        match self {
            Built::Driver(d) => d.name(),
            Built::Failed { name, .. } => name,
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

    /// A builder for a closed set of drivers and ingesters.
    pub fn builder() -> RegistryBuilder {
        RegistryBuilder::default()
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
                driver: e.driver.name().to_owned(),
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

/// Builds a [`Registry`]; duplicates fail [`RegistryBuilder::build`].
#[derive(Default)]
pub struct RegistryBuilder {
    drivers: Vec<(String, Vec<String>, Built)>,
    overrides: Vec<(String, Arc<dyn Driver>)>,
    ingesters: Vec<(String, Arc<dyn Ingester>)>,
    infos: Vec<DriverInfo>,
    lenient: bool,
}

fn linked_drivers() -> Vec<&'static DriverRegistration> {
    let mut drivers: Vec<&DriverRegistration> =
        inventory::iter::<DriverRegistration>.into_iter().collect();
    drivers.sort_by_key(|r| (r.crate_name(), r.name()));
    drivers
}

impl RegistryBuilder {
    /// Adds every registration linked into the program, each driver built
    /// with default options.
    pub fn with_linked(self) -> Self {
        self.with_linked_configured_lenient(&DriversConfig::default())
    }

    /// Adds every registration linked into the program, each driver built
    /// from its section of `config`. A section naming no linked driver is
    /// [`Error::Config`] naming it and listing the drivers that exist; a
    /// section a driver refuses is that driver's error.
    pub fn with_linked_configured(self, config: &DriversConfig) -> Result<Self> {
        let known: Vec<&str> = linked_drivers().iter().map(|r| r.name()).collect();
        if let Some(unknown) = config
            .sections
            .keys()
            .find(|k| !known.contains(&k.as_str()))
        {
            return Err(Error::Config {
                section: format!("drivers.{unknown}"),
                origin: config.for_driver(unknown).origin().to_owned(),
                reason: format!(
                    "no driver named `{unknown}` is linked (drivers: {})",
                    known.join(", ")
                ),
            });
        }
        let mut builder = self;
        for reg in linked_drivers() {
            let driver = reg.configure(&config.for_driver(reg.name()))?;
            builder = builder.push_registration(reg, Built::Driver(driver));
        }
        Ok(builder.with_linked_ingesters())
    }

    /// As [`RegistryBuilder::with_linked_configured`], but a driver whose
    /// section it refuses is recorded and its error returned when one of its
    /// schemes is used (so one bad section does not disable the others).
    pub fn with_linked_configured_lenient(mut self, config: &DriversConfig) -> Self {
        for reg in linked_drivers() {
            let built = Built::from(reg.name(), reg.configure(&config.for_driver(reg.name())));
            self = self.push_registration(reg, built);
        }
        self.with_linked_ingesters()
    }

    fn push_registration(mut self, reg: &DriverRegistration, built: Built) -> Self {
        let schemes = reg
            .schemes()
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>();
        self.infos.push(DriverInfo {
            name: reg.name().to_owned(),
            crate_name: reg.crate_name().to_owned(),
            schemes: schemes.clone(),
            options: reg.default_options(),
        });
        self.drivers
            .push((reg.crate_name().to_owned(), schemes, built));
        self
    }

    fn with_linked_ingesters(mut self) -> Self {
        let mut ingesters: Vec<&IngesterRegistration> = inventory::iter::<IngesterRegistration>
            .into_iter()
            .collect();
        ingesters.sort_by_key(|r| (r.crate_name(), r.name()));
        for reg in ingesters {
            self = self.ingester(reg);
        }
        self
    }

    /// Adds a registration, constructing its driver with default options.
    pub fn driver(self, registration: &DriverRegistration) -> Self {
        let built = Built::from(registration.name(), registration.construct());
        self.push_registration(registration, built)
    }

    /// Adds a driver instance for all its schemes.
    pub fn driver_instance(mut self, crate_name: &str, driver: Arc<dyn Driver>) -> Self {
        let schemes = driver.schemes().iter().map(|s| s.to_string()).collect();
        self.drivers
            .push((crate_name.to_owned(), schemes, Built::Driver(driver)));
        self
    }

    /// Serves the driver's schemes with this (configured) instance, replacing
    /// whatever else registered them.
    pub fn override_driver(mut self, crate_name: &str, driver: Arc<dyn Driver>) -> Self {
        self.overrides.push((crate_name.to_owned(), driver));
        self
    }

    /// Adds an ingester registration.
    pub fn ingester(self, registration: &IngesterRegistration) -> Self {
        self.ingester_instance(registration.crate_name(), registration.construct())
    }

    /// Adds an ingester instance.
    pub fn ingester_instance(mut self, crate_name: &str, ingester: Arc<dyn Ingester>) -> Self {
        self.ingesters.push((crate_name.to_owned(), ingester));
        self
    }

    /// Builds the registry; fails on a scheme or ingester name registered twice.
    pub fn build(self) -> Result<Registry> {
        let mut registry = Registry {
            infos: self.infos,
            ..Registry::default()
        };
        registry.infos.sort_by(|a, b| a.name.cmp(&b.name));
        for (crate_name, schemes, driver) in self.drivers {
            for scheme in schemes {
                let scheme = scheme.to_ascii_lowercase();
                if let Some(existing) = registry.drivers.get_mut(&scheme) {
                    if !self.lenient {
                        return Err(Error::DuplicateScheme {
                            scheme,
                            first: existing.crate_name.clone(),
                            second: crate_name,
                        });
                    }
                    existing.duplicate.get_or_insert(crate_name.clone());
                    continue;
                }
                let entry = DriverEntry {
                    crate_name: crate_name.clone(),
                    driver: driver.clone(),
                    duplicate: None,
                };
                registry.drivers.insert(scheme, entry);
            }
        }
        for (crate_name, driver) in self.overrides {
            for scheme in driver.schemes() {
                let entry = DriverEntry {
                    crate_name: crate_name.clone(),
                    driver: Built::Driver(driver.clone()),
                    duplicate: None,
                };
                registry.drivers.insert(scheme.to_ascii_lowercase(), entry);
            }
        }
        for (crate_name, ingester) in self.ingesters {
            let name = ingester.name().to_owned();
            if let Some(existing) = registry.ingesters.get_mut(&name) {
                if !self.lenient {
                    return Err(Error::DuplicateIngester {
                        name,
                        first: existing.crate_name.clone(),
                        second: crate_name,
                    });
                }
                existing.duplicate.get_or_insert(crate_name);
                continue;
            }
            let entry = IngesterEntry {
                crate_name,
                ingester,
                duplicate: None,
            };
            registry.ingesters.insert(name, entry);
        }
        Ok(registry)
    }
}
