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
    driver: Arc<dyn Driver>,
    /// Crate of a second registration of the same scheme.
    duplicate: Option<String>,
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
            Some(entry) => Ok(entry.driver.clone()),
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
    drivers: Vec<(String, Vec<String>, Arc<dyn Driver>)>,
    overrides: Vec<(String, Arc<dyn Driver>)>,
    ingesters: Vec<(String, Arc<dyn Ingester>)>,
    lenient: bool,
}

impl RegistryBuilder {
    /// Adds every registration linked into the program.
    pub fn with_linked(mut self) -> Self {
        let mut drivers: Vec<&DriverRegistration> =
            inventory::iter::<DriverRegistration>.into_iter().collect();
        drivers.sort_by_key(|r| (r.crate_name(), r.name()));
        for reg in drivers {
            self = self.driver(reg);
        }
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
    pub fn driver(mut self, registration: &DriverRegistration) -> Self {
        let schemes = registration
            .schemes()
            .iter()
            .map(|s| s.to_string())
            .collect();
        let driver = registration.construct();
        self.drivers
            .push((registration.crate_name().to_owned(), schemes, driver));
        self
    }

    /// Adds a driver instance for all its schemes.
    pub fn driver_instance(mut self, crate_name: &str, driver: Arc<dyn Driver>) -> Self {
        let schemes = driver.schemes().iter().map(|s| s.to_string()).collect();
        self.drivers.push((crate_name.to_owned(), schemes, driver));
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
        let mut registry = Registry::default();
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
                    driver: driver.clone(),
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
