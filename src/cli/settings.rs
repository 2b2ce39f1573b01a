//! From flags to one configuration: the file (`--config` / `DRYDOCK_CONFIG`,
//! else the default path when present), environment overrides, then these
//! flags. Driver options are set by their names (`tls.ca_bundle`,
//! `allowed_roots`, `token`) in every linked driver that declares them: this
//! module knows no driver type.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use drydock::config::Config;
use drydock::rules::ValidationConfig;
use drydock::{Digest, Env, FetchOptions, Resolver, Result};
use serde_json::Value;

/// Where the configuration file is: shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// The configuration file (TOML). Default: $XDG_CONFIG_HOME/drydock/config.toml
    /// (else ~/.config/drydock/config.toml) when it exists. `drydock config`
    /// prints the effective configuration.
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        env = "DRYDOCK_CONFIG",
        hide_env_values = true
    )]
    pub config: Option<PathBuf>,
}

impl ConfigArgs {
    /// The configuration: the file, then environment overrides (`DRYDOCK__…`).
    pub fn load(&self) -> Result<Config> {
        Config::load(self.config.as_deref(), &Env::process())
    }
}

/// Flags of the subcommands that fetch: each overrides one configuration key.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Overall deadline for the fetch, retries included, e.g. 30s, 2m
    /// ([fetch] timeout; default 60s).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    timeout: Option<Duration>,

    /// Largest design accepted, e.g. 64MiB, 500KB, 1048576 ([fetch] max_size; default 64MiB).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_size: Option<u64>,

    /// Fail unless the fetched bytes have this SHA-256 (64 hex digits, `sha256:` prefix optional).
    #[arg(long, value_name = "DIGEST")]
    expect_digest: Option<Digest>,

    /// Most attempts per fetch, retries included (1 = no retry). Retries happen
    /// only on transient failures (connection errors, timeouts, 5xx, 429),
    /// within --timeout ([retry] attempts; default 5).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100))]
    attempts: Option<u32>,

    /// A token for sources that take one: sent as a bearer token over http(s)
    /// and as X-Auth-Token to Deckhand (read from the environment; never printed).
    #[arg(
        long,
        env = "DRYDOCK_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    token: Option<String>,

    /// Only read file:// references under this directory (repeatable); symlinks
    /// and `..` cannot escape it.
    #[arg(long, value_name = "DIR")]
    allow_root: Vec<PathBuf>,

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
}

/// A flag's duration (`30s`, `2m`, `1h`), with an error naming the value.
pub(super) fn parse_duration(s: &str) -> std::result::Result<Duration, String> {
    humantime::parse_duration(s)
        .map_err(|e| format!("`{s}` is not a duration such as 30s or 2m: {e}"))
}

fn parse_size(s: &str) -> std::result::Result<u64, String> {
    s.parse::<bytesize::ByteSize>()
        .map(|b| b.as_u64())
        .map_err(|e| format!("`{s}` is not a size such as 64MiB or 1048576: {e}"))
}

fn path(p: &std::path::Path) -> Value {
    Value::String(p.display().to_string())
}

impl FetchArgs {
    /// Applies the flags to `config`.
    pub fn apply(&self, config: &mut Config) -> Result<()> {
        if let Some(t) = self.timeout {
            let text = humantime::format_duration(t).to_string();
            config.set("fetch.timeout", Value::String(text), "--timeout")?;
        }
        if let Some(size) = self.max_size {
            config.set("fetch.max_size", Value::from(size), "--max-size")?;
        }
        if let Some(n) = self.attempts {
            config.set("retry.attempts", Value::from(n), "--attempts")?;
        }
        if let Some(token) = &self.token {
            config.set_for_drivers("token", Value::String(token.clone()), "--token");
        }
        if !self.allow_root.is_empty() {
            let roots = self.allow_root.iter().map(|p| path(p)).collect();
            config.set_for_drivers("allowed_roots", Value::Array(roots), "--allow-root");
        }
        if let Some(ca) = &self.ca_bundle {
            config.set_for_drivers("tls.ca_bundle", path(ca), "--ca-bundle");
            let too = Value::Bool(self.system_roots_too);
            config.set_for_drivers("tls.system_roots_too", too, "--system-roots-too");
        }
        if let (Some(cert), Some(key)) = (&self.client_cert, &self.client_key) {
            config.set_for_drivers("tls.client_cert", path(cert), "--client-cert");
            config.set_for_drivers("tls.client_key", path(key), "--client-key");
        }
        if self.danger_accept_invalid_certs {
            let on = Value::Bool(true);
            config.set_for_drivers(
                "tls.danger_accept_invalid_certs",
                on,
                "--danger-accept-invalid-certs",
            );
        }
        Ok(())
    }

    /// The per-fetch options: the configuration's `[fetch]` plus `--expect-digest`.
    pub fn fetch_options(&self, config: &Config) -> FetchOptions {
        let mut options = config.fetch_options();
        if let Some(digest) = self.expect_digest {
            options = options.with_expected_digest(digest);
        }
        options
    }
}

/// What a fetching subcommand needs: the configuration, the resolver built
/// from it, the per-fetch options and the design rules' configuration.
pub struct Settings {
    /// The effective configuration.
    pub config: Config,
    /// The resolver over the configured drivers (no cache).
    pub resolver: Resolver,
    /// The per-fetch options.
    pub fetch: FetchOptions,
    /// `[validation]`, for the design rules.
    pub validation: ValidationConfig,
}

impl Settings {
    /// The resolver with `store` as its cache (`[cache]` options).
    pub fn cached_resolver(&self, store: &drydock::store::Store) -> Result<Resolver> {
        let cache = std::sync::Arc::new(drydock::store::StoreCache::new(store.clone()));
        Ok(self
            .config
            .resolver_builder()?
            .cache(cache, self.config.cache())
            .build())
    }
}

impl Settings {
    /// Loads the configuration, applies the flags and builds the resolver.
    pub fn load(config: &ConfigArgs, fetch: &FetchArgs) -> Result<Settings> {
        let mut loaded = config.load()?;
        fetch.apply(&mut loaded)?;
        let resolver = loaded.resolver()?;
        let options = fetch.fetch_options(&loaded);
        let validation = loaded.validation()?;
        Ok(Settings {
            config: loaded,
            resolver,
            fetch: options,
            validation,
        })
    }
}
