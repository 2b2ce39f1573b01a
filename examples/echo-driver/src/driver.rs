//! [`EchoDriver`]: answers `echo:///<text>` with `<text>`.

use std::sync::Arc;

use drydock_core::{
    Bytes, DesignRef, Driver, DriverConfig, FetchOptions, Fetched, LimitedBody, Result, async_trait,
};

use crate::error::EchoError;
use crate::options::EchoOptions;

/// Answers every `echo:///…` (or `echo://localhost/…`) reference with its own
/// path, percent-decoded byte for byte and without the leading `/`, after the
/// configured prefix. A path of `/stall` never answers (for deadline tests).
#[derive(Clone, Debug, Default)]
pub struct EchoDriver {
    options: EchoOptions,
}

impl EchoDriver {
    /// A driver with these options.
    pub fn new(options: EchoOptions) -> Self {
        EchoDriver { options }
    }

    /// Builds the driver from its configuration section: the function the
    /// registration names. Options that cannot be used would be reported
    /// here with `config.error(…)`, which names the section and the file.
    pub fn configure(options: EchoOptions, _config: &DriverConfig) -> Result<Arc<dyn Driver>> {
        Ok(Arc::new(EchoDriver::new(options)))
    }
}

#[async_trait]
impl Driver for EchoDriver {
    async fn fetch(&self, reference: &DesignRef, options: &FetchOptions) -> Result<Fetched> {
        // Deadline, retries and cancellation are the resolver's layers: a
        // driver only has to be cancellable (never block its thread).
        if let Some(host) = reference.host().filter(|h| h != "localhost") {
            return Err(EchoError::NotServed {
                reference: reference.redacted().to_owned(),
                host,
            }
            .into_core(reference));
        }
        let path = reference.url().path();
        if path == "/stall" {
            std::future::pending::<()>().await;
        }
        let text: Vec<u8> =
            percent_encoding::percent_decode_str(path.strip_prefix('/').unwrap_or(path)).collect();
        let mut content = self.options.prefix.as_bytes().to_vec();
        content.extend_from_slice(&text);
        // The size limit is checked the shared way, so every driver reports it alike.
        LimitedBody::check_declared(reference, options.max_size, content.len() as u64)?;
        Ok(Fetched::new(crate::NAME, reference, Bytes::from(content))
            .with_content_type("text/plain"))
    }
}
