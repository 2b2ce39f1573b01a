//! The [`Driver`] trait and its link-time [`DriverRegistration`].

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;

use crate::config::DriverConfig;
use crate::credentials::Access;
use crate::error::Result;
use crate::fetch::{FetchOptions, Fetched};
use crate::reference::DesignRef;

/// What a driver supports beyond a plain fetch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Capabilities {
    /// Honours [`FetchOptions::if_none_match`] and can answer "not modified".
    pub conditional_fetch: bool,
    /// Reports a revision in the metadata.
    pub revisions: bool,
    /// Talks to a network (timeouts and retries apply).
    pub network: bool,
}

impl Capabilities {
    /// No capabilities beyond a plain fetch.
    pub const NONE: Capabilities = Capabilities {
        conditional_fetch: false,
        revisions: false,
        network: false,
    };
    /// Declares conditional-fetch support.
    pub const fn with_conditional_fetch(mut self) -> Self {
        self.conditional_fetch = true;
        self
    }
    /// Declares revision support.
    pub const fn with_revisions(mut self) -> Self {
        self.revisions = true;
        self
    }
    /// Declares that the driver uses the network.
    pub const fn with_network(mut self) -> Self {
        self.network = true;
        self
    }
}

/// Fetches the bytes a design reference names.
///
/// A driver's name and schemes are data of its registration
/// ([`crate::register_driver!`], or [`crate::RegistryBuilder::driver_instance`]
/// for a closed set), stated once there; the registry routes by them.
///
/// A driver enforces `options.max_size` while it reads and honours the
/// deadline and cancellation where it can; the [`crate::Resolver`] checks
/// size, deadline, cancellation and digest again around every call.
#[async_trait]
pub trait Driver: Send + Sync + fmt::Debug + 'static {
    /// Declared capabilities.
    fn capabilities(&self) -> Capabilities {
        Capabilities::NONE
    }
    /// True when `reference` always names the same content (a Deckhand
    /// revision): a cache may then serve what it stored without asking again.
    fn immutable(&self, _reference: &DesignRef) -> bool {
        false
    }
    /// The checks a fetch of `reference` makes before it touches the
    /// source (confinement to allowed roots, what the scheme accepts),
    /// failing as that fetch would. A cache calls it before any lookup, so
    /// that it never serves what a fresh fetch would refuse.
    fn admit(&self, _reference: &DesignRef) -> Result<()> {
        Ok(())
    }
    /// Who a fetch of `reference` with `options` presents itself as. The
    /// default knows only [`FetchOptions::credentials`]; a driver with
    /// credentials of its own (configured, or in the reference) says so.
    fn access(&self, _reference: &DesignRef, options: &FetchOptions) -> Access {
        Access::of(options.credentials.as_deref())
    }
    /// Fetches the content `reference` names.
    async fn fetch(&self, reference: &DesignRef, options: &FetchOptions) -> Result<Fetched>;
}

/// Builds a driver from its section of the configuration.
pub type ConfigureFn = fn(&DriverConfig) -> Result<Arc<dyn Driver>>;

/// A driver's link-time registration; submit it with [`crate::register_driver!`].
///
/// Besides the schemes, it carries how to build the driver from its typed
/// options (`configure`) and what those options are by default (`defaults`,
/// as JSON, for listings).
#[derive(Clone, Copy)]
pub struct DriverRegistration {
    name: &'static str,
    crate_name: &'static str,
    schemes: &'static [&'static str],
    configure: ConfigureFn,
    defaults: fn() -> serde_json::Value,
}

impl DriverRegistration {
    /// A registration; prefer [`crate::register_driver!`], which fills
    /// `crate_name` and derives `configure` and `defaults` from the options type.
    pub const fn new(
        name: &'static str,
        crate_name: &'static str,
        schemes: &'static [&'static str],
        configure: ConfigureFn,
        defaults: fn() -> serde_json::Value,
    ) -> Self {
        DriverRegistration {
            name,
            crate_name,
            schemes,
            configure,
            defaults,
        }
    }
    /// The driver's name; its configuration section is `[drivers.<name>]`.
    pub fn name(&self) -> &'static str {
        self.name
    }
    /// The crate that registered it.
    pub fn crate_name(&self) -> &'static str {
        self.crate_name
    }
    /// The schemes it serves.
    pub fn schemes(&self) -> &'static [&'static str] {
        self.schemes
    }
    /// Builds the driver from its configuration section.
    pub fn configure(&self, config: &DriverConfig) -> Result<Arc<dyn Driver>> {
        (self.configure)(config)
    }
    /// Builds the driver with default options.
    pub fn construct(&self) -> Result<Arc<dyn Driver>> {
        self.configure(&DriverConfig::defaults(self.name))
    }
    /// The driver's options with their defaults, as JSON (secrets as `***`).
    pub fn default_options(&self) -> serde_json::Value {
        (self.defaults)()
    }
}

impl fmt::Debug for DriverRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DriverRegistration")
            .field("name", &self.name)
            .field("crate_name", &self.crate_name)
            .field("schemes", &self.schemes)
            .finish()
    }
}

inventory::collect!(DriverRegistration);
