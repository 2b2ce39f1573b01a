#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod body;
pub mod design;
mod digest;
mod driver;
mod error;
mod fetch;
mod ingester;
mod reference;
mod registry;
pub mod report;
mod resolver;
pub mod text;
pub mod validation;

pub use async_trait::async_trait;
pub use bytes::Bytes;
pub use tokio_util::sync::CancellationToken;

pub use body::LimitedBody;
pub use design::SiteDesign;
pub use digest::{Digest, DigestParseError, HashedBytes};
pub use driver::{Capabilities, Driver, DriverRegistration};
pub use error::{BoxError, Error, ErrorKind, Result};
pub use fetch::{Credentials, DEFAULT_MAX_SIZE, FetchMetadata, FetchOptions, Fetched, Secret};
pub use ingester::{
    Detection, IngestOptions, IngestSummary, Ingested, Ingester, IngesterRegistration,
};
pub use reference::{DesignRef, REDACTED, is_secret_key, redact_str, redact_url};
pub use registry::{IngesterInfo, Registry, RegistryBuilder, SchemeInfo};
pub use report::{Level, Message, RuleOutcome, RuleRun, Status, ValidationReport};
pub use resolver::{DEADLINE_GRACE, ResolveOptions, Resolved, Resolver};

#[doc(hidden)]
pub mod __private {
    pub use inventory;
}

/// Registers a driver at link time.
///
/// `name` is the driver's name, `schemes` the schemes it serves (plain data,
/// usually the crate's `pub const SCHEMES`), `constructor` a
/// `fn() -> Arc<dyn Driver>` building it with default options.
///
/// The crate that calls this must be referenced by the final program
/// (`use my_driver as _;`), or the linker drops it and its registration.
#[macro_export]
macro_rules! register_driver {
    (name: $name:expr, schemes: $schemes:expr, constructor: $constructor:path $(,)?) => {
        $crate::__private::inventory::submit! {
            $crate::DriverRegistration::new(
                $name,
                ::core::env!("CARGO_PKG_NAME"),
                $schemes,
                $constructor,
            )
        }
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

/// Registers a design rule at link time.
///
/// `code` and `name` are the rule's code and long name (its messages start
/// `<name>: `), `order` its position among the registered rules (which all
/// run after the original's 18), `constructor` a
/// `fn(&ValidationConfig) -> Box<dyn Rule>`. A second rule with the same code
/// and long name is reported and not run.
///
/// As for drivers, the crate that calls this must be referenced by the final
/// program (`use my_rules as _;`), or the linker drops its registrations.
#[macro_export]
macro_rules! register_rule {
    (code: $code:expr, name: $name:expr, order: $order:expr, constructor: $constructor:expr $(,)?) => {
        $crate::__private::inventory::submit! {
            $crate::validation::RuleRegistration::new(
                $code,
                $name,
                $order,
                ::core::env!("CARGO_PKG_NAME"),
                $constructor,
            )
        }
    };
}
