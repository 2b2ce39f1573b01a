//! [`RegistryBuilder`]: a closed set of drivers and ingesters, or everything
//! linked into the program, each driver built from its configuration.

use std::sync::Arc;

use super::{Built, DriverEntry, DriverInfo, IngesterEntry, Registry};
use crate::config::DriversConfig;
use crate::driver::{Driver, DriverRegistration};
use crate::error::{Error, Result};
use crate::ingester::{Ingester, IngesterRegistration};

/// A driver to route to, with what its registration says of it.
struct Slot {
    crate_name: String,
    name: String,
    schemes: Vec<String>,
    driver: Built,
}

impl Slot {
    fn new(crate_name: &str, name: &str, schemes: &[&str], driver: Built) -> Self {
        Slot {
            crate_name: crate_name.to_owned(),
            name: name.to_owned(),
            schemes: schemes.iter().map(|s| s.to_ascii_lowercase()).collect(),
            driver,
        }
    }

    fn entry(&self) -> DriverEntry {
        DriverEntry {
            name: self.name.clone(),
            crate_name: self.crate_name.clone(),
            driver: self.driver.clone(),
            duplicate: None,
        }
    }
}

/// Builds a [`Registry`]; duplicates fail [`RegistryBuilder::build`].
#[derive(Default)]
pub struct RegistryBuilder {
    drivers: Vec<Slot>,
    overrides: Vec<Slot>,
    ingesters: Vec<(String, Arc<dyn Ingester>)>,
    infos: Vec<DriverInfo>,
    pub(super) lenient: bool,
}

fn linked_drivers() -> Vec<&'static DriverRegistration> {
    let mut drivers: Vec<&DriverRegistration> =
        inventory::iter::<DriverRegistration>.into_iter().collect();
    drivers.sort_by_key(|r| (r.crate_name(), r.name()));
    drivers
}

/// Every driver linked into the program, sorted by name, without building any.
pub(super) fn linked_infos() -> Vec<DriverInfo> {
    let mut infos: Vec<DriverInfo> = linked_drivers().into_iter().map(info).collect();
    infos.sort_by(|a, b| a.name.cmp(&b.name));
    infos
}

fn info(reg: &DriverRegistration) -> DriverInfo {
    DriverInfo {
        name: reg.name().to_owned(),
        crate_name: reg.crate_name().to_owned(),
        schemes: reg.schemes().iter().map(|s| s.to_string()).collect(),
        options: reg.default_options(),
    }
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
        let info = info(reg);
        let slot = Slot::new(reg.crate_name(), reg.name(), reg.schemes(), built);
        self.drivers.push(slot);
        self.infos.push(info);
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

    /// Adds a driver instance called `name`, registered by `crate_name`,
    /// serving `schemes`.
    pub fn driver_instance(
        mut self,
        crate_name: &str,
        name: &str,
        schemes: &[&str],
        driver: Arc<dyn Driver>,
    ) -> Self {
        let slot = Slot::new(crate_name, name, schemes, Built::Driver(driver));
        self.drivers.push(slot);
        self
    }

    /// Serves `schemes` with this (configured) instance of the driver called
    /// `name`, replacing whatever else registered them.
    pub fn override_driver(
        mut self,
        crate_name: &str,
        name: &str,
        schemes: &[&str],
        driver: Arc<dyn Driver>,
    ) -> Self {
        let slot = Slot::new(crate_name, name, schemes, Built::Driver(driver));
        self.overrides.push(slot);
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
        for slot in self.drivers {
            for scheme in &slot.schemes {
                if let Some(existing) = registry.drivers.get_mut(scheme) {
                    if !self.lenient {
                        return Err(Error::DuplicateScheme {
                            scheme: scheme.clone(),
                            first: existing.crate_name.clone(),
                            second: slot.crate_name,
                        });
                    }
                    existing.duplicate.get_or_insert(slot.crate_name.clone());
                    continue;
                }
                registry.drivers.insert(scheme.clone(), slot.entry());
            }
        }
        for slot in self.overrides {
            for scheme in &slot.schemes {
                registry.drivers.insert(scheme.clone(), slot.entry());
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
