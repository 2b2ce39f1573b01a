#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

use std::sync::Arc;

use drydock_core::{
    Bytes, DesignRef, Driver, FetchOptions, Fetched, LimitedBody, Result, async_trait,
    register_driver,
};

/// The schemes this driver serves.
pub const SCHEMES: &[&str] = &["echo"];

/// Answers every `echo://` reference with its own path.
#[derive(Debug, Default, Clone, Copy)]
pub struct EchoDriver;

#[async_trait]
impl Driver for EchoDriver {
    fn name(&self) -> &'static str {
        "echo"
    }

    fn schemes(&self) -> &'static [&'static str] {
        SCHEMES
    }

    async fn fetch(&self, reference: &DesignRef, options: &FetchOptions) -> Result<Fetched> {
        let path = reference.decoded_path();
        let text = path.strip_prefix('/').unwrap_or(&path).to_owned();
        LimitedBody::check_declared(reference, options.max_size, text.len() as u64)?;
        Ok(Fetched::new(self.name(), reference, Bytes::from(text)).with_content_type("text/plain"))
    }
}

fn new_driver() -> Arc<dyn Driver> {
    Arc::new(EchoDriver)
}

register_driver!(name: "echo", schemes: SCHEMES, constructor: new_driver);
