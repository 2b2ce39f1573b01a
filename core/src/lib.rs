#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod body;
mod cache;
mod check;
pub mod config;
mod credentials;
pub mod design;
mod digest;
mod driver;
mod error;
mod fetch;
mod ingester;
pub mod layer;
pub mod lean;
mod locate;
mod redact;
mod reference;
mod registry;
pub mod report;
mod resolver;
pub mod text;

pub use async_trait::async_trait;
pub use bytes::Bytes;
pub use tokio_util::sync::CancellationToken;

pub use body::LimitedBody;
pub use cache::{
    CacheOptions, CachedEntry, CachedResolution, DesignCacheOptions, ResolveCache, SnapshotId,
};
pub use check::{DesignCheck, DesignReader};
pub use config::{DriverConfig, DriversConfig, Env};
pub use credentials::{Access, AuthHeader, BasicAuth, CredentialSource, Secret, StaticToken};
pub use design::SiteDesign;
pub use digest::{Digest, DigestParseError, HashedBytes};
pub use driver::{Capabilities, ConfigureFn, Driver, DriverRegistration};
pub use error::{BoxError, Error, ErrorKind, Result};
pub use fetch::{CacheStatus, DEFAULT_MAX_SIZE, FetchMetadata, FetchOptions, Fetched, OnProgress};
pub use ingester::{
    Detection, IngestOptions, IngestSummary, Ingested, Ingester, IngesterRegistration,
};
pub use layer::{Layer, RetryPolicy};
pub use locate::{Locator, PathStep, fill_locations, parse_path};
pub use redact::{
    REDACTED, config_error_reason, is_credential, is_secret_config_path, is_secret_key,
    query_secrets, redact_str, redact_url,
};
pub use reference::DesignRef;
pub use registry::{DriverInfo, IngesterInfo, Registry, RegistryBuilder, SchemeInfo};
pub use report::{Level, Message, RuleOutcome, RuleRun, Status, ValidationReport};
pub use resolver::{
    AUTO_INGESTER, FetchEvent, OTHER_SCHEME, ResolveEvent, ResolveObserver, ResolveOptions,
    ResolveOutcome, Resolved, Resolver, ResolverBuilder, ingest_key,
};
pub use text::Text;

#[doc(hidden)]
pub mod __private {
    pub use inventory;
    pub use serde_json;
}

/// Registers a driver at link time.
///
/// `name` is the driver's name (its configuration section is
/// `[drivers.<name>]`), `schemes` the schemes it serves (plain data, usually
/// the crate's `pub const SCHEMES`), `options` its typed options (a serde
/// struct with `#[serde(default, deny_unknown_fields)]`, `Default` and
/// `Serialize`), and `configure` a
/// `fn(Options, &DriverConfig) -> Result<Arc<dyn Driver>>` building it.
/// A driver without options may give `constructor: fn() -> Arc<dyn Driver>`
/// instead of `options` and `configure`.
///
/// The crate that calls this must be referenced by the final program
/// (`use my_driver as _;`), or the linker drops it and its registration.
#[macro_export]
macro_rules! register_driver {
    (name: $name:expr, schemes: $schemes:expr, options: $options:ty, configure: $configure:path $(,)?) => {
        const _: () = {
            fn __drydock_configure(
                config: &$crate::DriverConfig,
            ) -> $crate::Result<::std::sync::Arc<dyn $crate::Driver>> {
                let options: $options = config.options()?;
                $configure(options, config)
            }
            fn __drydock_defaults() -> $crate::__private::serde_json::Value {
                $crate::config::describe::<$options>()
            }
            $crate::__private::inventory::submit! {
                $crate::DriverRegistration::new(
                    $name,
                    ::core::env!("CARGO_PKG_NAME"),
                    $schemes,
                    __drydock_configure,
                    __drydock_defaults,
                )
            }
        };
    };
    (name: $name:expr, schemes: $schemes:expr, constructor: $constructor:path $(,)?) => {
        const _: () = {
            fn __drydock_construct(
                _: $crate::config::NoOptions,
                _: &$crate::DriverConfig,
            ) -> $crate::Result<::std::sync::Arc<dyn $crate::Driver>> {
                Ok($constructor())
            }
            $crate::register_driver!(
                name: $name,
                schemes: $schemes,
                options: $crate::config::NoOptions,
                configure: __drydock_construct,
            );
        };
    };
}

/// Registers an ingester at link time: `name` and a `fn() -> Arc<dyn Ingester>`.
#[macro_export]
macro_rules! register_ingester {
    (name: $name:expr, constructor: $constructor:path $(,)?) => {
        $crate::__private::inventory::submit! {
            $crate::IngesterRegistration::new(
                $name,
                ::core::env!("CARGO_PKG_NAME"),
                $constructor,
            )
        }
    };
}
