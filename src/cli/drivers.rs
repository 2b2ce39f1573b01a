//! Command-line settings for the built-in drivers (TLS, retries, file roots).

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use drydock::Resolver;
use drydock::driver_file::{FileDriver, FileOptions};
use drydock::driver_http::{HttpDriver, HttpOptions, Pem, RetryPolicy, TlsOptions};

/// Driver settings shared by the subcommands that fetch.
#[derive(Debug, Args)]
pub struct DriverArgs {
    /// For https: trust only the CA certificates in this PEM file instead of the system roots.
    #[arg(long, value_name = "PEM", help_heading = "TLS")]
    ca_bundle: Option<PathBuf>,

    /// With --ca-bundle: trust the system roots as well.
    #[arg(long, requires = "ca_bundle", help_heading = "TLS")]
    system_roots_too: bool,

    /// For https with mutual TLS: the client certificate chain (PEM); needs --client-key.
    #[arg(
        long,
        value_name = "PEM",
        requires = "client_key",
        help_heading = "TLS"
    )]
    client_cert: Option<PathBuf>,

    /// The private key (PEM) of --client-cert.
    #[arg(
        long,
        value_name = "PEM",
        requires = "client_cert",
        help_heading = "TLS"
    )]
    client_key: Option<PathBuf>,

    /// DANGER: accept any https certificate, even forged ones. Only for servers you
    /// control, in a test; every fetch logs a warning.
    #[arg(long, help_heading = "TLS")]
    danger_accept_invalid_certs: bool,

    /// Most attempts per http(s) fetch, retries included (1 = no retry). Retries
    /// happen only on connection errors, timeouts, 5xx and 429, within --timeout.
    #[arg(long, value_name = "N", default_value_t = RetryPolicy::default().max_attempts, value_parser = clap::value_parser!(u32).range(1..=100))]
    attempts: u32,

    /// Only read file:// references under this directory (repeatable); symlinks
    /// and `..` cannot escape it.
    #[arg(long, value_name = "DIR")]
    allow_root: Vec<PathBuf>,
}

impl DriverArgs {
    fn is_default(&self) -> bool {
        self.ca_bundle.is_none()
            && self.client_cert.is_none()
            && !self.danger_accept_invalid_certs
            && self.attempts == RetryPolicy::default().max_attempts
            && self.allow_root.is_empty()
    }

    /// A resolver whose built-in drivers use these settings.
    pub fn resolver(&self) -> Result<Resolver, SettingError> {
        if self.is_default() {
            return Ok(Resolver::new());
        }
        let mut tls = TlsOptions::default();
        if let Some(ca) = &self.ca_bundle {
            tls = tls
                .with_ca_bundle(Pem::Path(ca.clone()))
                .with_system_roots_too(self.system_roots_too);
        }
        if let (Some(cert), Some(key)) = (&self.client_cert, &self.client_key) {
            tls = tls.with_client_identity(Pem::Path(cert.clone()), Pem::Path(key.clone()));
        }
        if self.danger_accept_invalid_certs {
            tls = tls.danger_accept_invalid_certs();
        }
        let retry = RetryPolicy::default().with_max_attempts(self.attempts);
        let http = HttpDriver::new(HttpOptions::default().with_tls(tls).with_retry(retry))
            .map_err(|e| SettingError::new("--ca-bundle / --client-cert / --client-key", e))?;
        let file =
            FileDriver::new(FileOptions::default().with_allowed_roots(self.allow_root.clone()))
                .map_err(|e| SettingError::new("--allow-root", e))?;
        let registry = drydock::Registry::builder()
            .with_linked()
            .override_driver("drydock-driver-http", Arc::new(http))
            .override_driver("drydock-driver-file", Arc::new(file))
            .build()
            .map_err(|e| SettingError::new("the driver registry", e))?;
        Ok(Resolver::with_registry(Arc::new(registry)))
    }
}

/// A driver setting that cannot be used, e.g. an unreadable CA bundle.
#[derive(Debug)]
pub struct SettingError {
    what: &'static str,
    message: String,
}

impl SettingError {
    fn new(what: &'static str, source: impl std::fmt::Display) -> Self {
        SettingError {
            what,
            message: source.to_string(),
        }
    }

    /// Prints it as one line plus a hint, on stderr.
    pub fn print(&self) {
        eprintln!("error: cannot use {}: {}", self.what, self.message);
        eprintln!(
            "hint: check that the files exist, are readable and hold PEM data (see `drydock resolve --help`)"
        );
    }
}
