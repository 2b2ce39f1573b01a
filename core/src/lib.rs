//! # drydock-core
//!
//! The small core every drydock crate stands on: [`DesignRef`] (a design
//! reference whose printed forms hide secrets), the [`Driver`] and
//! [`Ingester`] traits, the link-time [`Registry`], the [`Resolver`], the
//! site-design model ([`design`]), the validation [`report`] and one [`Error`].
//!
//! A driver crate registers itself with one macro line and nothing else:
//!
//! ```
//! use std::sync::Arc;
//! use drydock_core::{async_trait, register_driver, DesignRef, Driver, FetchOptions, Fetched, Result};
//!
//! /// Serves `memo://` references from a constant.
//! #[derive(Debug, Default)]
//! struct MemoDriver;
//!
//! #[async_trait]
//! impl Driver for MemoDriver {
//!     fn name(&self) -> &'static str { "memo" }
//!     fn schemes(&self) -> &'static [&'static str] { &["memo"] }
//!     async fn fetch(&self, r: &DesignRef, _: &FetchOptions) -> Result<Fetched> {
//!         Ok(Fetched::new(self.name(), r, "hello".into()))
//!     }
//! }
//!
//! fn new_driver() -> Arc<dyn Driver> { Arc::new(MemoDriver) }
//! register_driver!(name: "memo", schemes: &["memo"], constructor: new_driver);
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<()> {
//! let registry = drydock_core::Registry::global();
//! let reference = DesignRef::parse("memo://anything")?;
//! let fetched = registry.driver("memo")?.fetch(&reference, &FetchOptions::default()).await?;
//! assert_eq!(&fetched.bytes[..], b"hello");
//! # Ok(()) }
//! ```
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
pub use reference::{DesignRef, REDACTED, redact_str, redact_url};
pub use registry::{IngesterInfo, Registry, RegistryBuilder, SchemeInfo};
pub use report::{Level, Message, Status, ValidationReport};
pub use resolver::{ResolveOptions, Resolved, Resolver};

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
