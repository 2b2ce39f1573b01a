//! One configuration for the whole program: a TOML file, environment
//! overrides, then the program's own overrides (the CLI's flags).
//!
//! ```toml
//! [fetch]                  # bounds of every fetch
//! timeout = "60s"          # overall deadline, retries included
//! max_size = "64MiB"
//! connect_timeout = "10s"
//! read_timeout = "30s"
//!
//! [retry]                  # the retry layer every driver shares
//! attempts = 5
//!
//! [cache]                  # the store as a cache of resolutions
//! ttl = "0s"               # serve mutable references unasked this long
//!
//! [store]
//! url = "postgres://drydock@db/drydock"
//!
//! [drivers.http]           # each driver's own typed options (`drydock schemes --json`)
//! tls = { ca_bundle = "/etc/drydock/site-ca.pem" }
//!
//! [api]                    # `drydock serve`
//! listen = "127.0.0.1:9000"
//! policy = "/etc/drydock/policy.yaml"   # oslo.policy rules; default: role:admin
//! token_ttl = "5m"         # trust a validated Keystone token this long
//! tls = { cert = "/etc/drydock/api.pem", key = "/etc/drydock/api.key" }
//!
//! [worker]                 # `drydock worker` (and `drydock serve`)
//! design_cache = { max_entries = 8, max_size = "256MiB" }   # parsed designs kept in memory
//!
//! [validation]             # handed to the validation rules
//! ```
//!
//! Environment overrides are `DRYDOCK__<SECTION>__<KEY>=value` (double
//! underscores separate the levels; the value is read as TOML, else as text),
//! e.g. `DRYDOCK__DRIVERS__HTTP__MAX_REDIRECTS=3`. An unknown key anywhere is
//! an error naming the key and where it came from.
//!
//! The sources are merged once and deserialised once ([`ConfigBuilder`])
//! into typed sections; each driver's section is typed by the driver itself
//! as the registry is configured, once, at load. A program loads one
//! [`Config`] per process and shares it (and its registry) by reference.
//!
//! ```
//! let config = drydock::config::Config::from_toml_str(
//!     "[fetch]\ntimeout = \"5s\"\n[drivers.file]\nallowed_roots = [\"/srv\"]\n",
//!     "example.toml",
//! ).unwrap();
//! assert_eq!(config.fetch_options().deadline.as_secs(), 5);
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use drydock_core::{
    CacheOptions, Env, Error, FetchOptions, Registry, Resolver, Result, RetryPolicy,
};
use drydock_rules::ValidationConfig;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

mod build;
mod source;
mod tree;
mod worker;

pub use build::ConfigBuilder;
pub use source::Source;
use tree::{merge, redact, size};
pub use worker::{DesignCacheSettings, WorkerSettings};

/// The environment variable naming the configuration file.
pub const CONFIG_ENV: &str = "DRYDOCK_CONFIG";
/// The prefix of environment overrides (`DRYDOCK__FETCH__TIMEOUT=30s`).
pub const ENV_OVERRIDE_PREFIX: &str = "DRYDOCK__";

/// Bounds of every fetch (`[fetch]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FetchSettings {
    /// Overall deadline of a fetch, retries included.
    #[serde(with = "drydock_core::config::duration")]
    pub timeout: Duration,
    /// Largest design accepted, in bytes (`64MiB`, `500KB` or a number).
    #[serde(with = "size")]
    pub max_size: u64,
    /// Time allowed to establish a connection.
    #[serde(with = "drydock_core::config::duration")]
    pub connect_timeout: Duration,
    /// Longest silence allowed while reading.
    #[serde(with = "drydock_core::config::duration")]
    pub read_timeout: Duration,
}

impl Default for FetchSettings {
    fn default() -> Self {
        let d = FetchOptions::default();
        FetchSettings {
            timeout: d.deadline,
            max_size: d.max_size,
            connect_timeout: d.connect_timeout,
            read_timeout: d.read_timeout,
        }
    }
}

/// Where the store is (`[store]`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreSettings {
    /// The database URL (`postgres://…`, `sqlite:///…`); none: the embedded SQLite file.
    pub url: Option<String>,
}

/// The REST API server (`[api]`, `drydock serve`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiSettings {
    /// Where `drydock serve` listens (`HOST:PORT`, default `127.0.0.1:9000`).
    pub listen: String,
    /// The policy file (oslo.policy rules, YAML or JSON); none: every rule `role:admin`.
    pub policy: Option<PathBuf>,
    /// How long a validated token is trusted before Keystone is asked again
    /// (a revoked token stops working within this; default 5 min).
    #[serde(with = "drydock_core::config::duration")]
    pub token_ttl: Duration,
    /// TLS on the listener (`tls = { cert = "…", key = "…" }`, PEM files); none: plain HTTP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<ApiTls>,
    /// Original actions that another kind of worker runs: `POST /tasks` queues them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub external_actions: Vec<String>,
    /// The node source `GET /nodes` answers from, by its registered name
    /// (default `design`: the nodes of the newest stored design; a linked
    /// crate may register a live one, e.g. MAAS; see `drydock::nodes`).
    #[serde(skip_serializing_if = "is_default_node_source")]
    pub node_source: String,
}

/// The default node source is not shown (`drydock config show` unchanged).
fn is_default_node_source(name: &str) -> bool {
    name == DEFAULT_NODE_SOURCE
}

/// The built-in node source's name (`drydock::nodes::DEFAULT_NODE_SOURCE`).
pub const DEFAULT_NODE_SOURCE: &str = "design";

/// The listener's certificate chain and private key (`[api] tls`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiTls {
    /// The certificate chain (PEM), the server's own first.
    pub cert: PathBuf,
    /// The private key (PEM).
    pub key: PathBuf,
}

impl Default for ApiSettings {
    fn default() -> Self {
        ApiSettings {
            listen: "127.0.0.1:9000".into(),
            policy: None,
            token_ttl: Duration::from_secs(300),
            tls: None,
            external_actions: Vec::new(),
            node_source: DEFAULT_NODE_SOURCE.into(),
        }
    }
}

/// The sections, typed: deserialised once from the merged sources.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Sections {
    fetch: FetchSettings,
    retry: RetryPolicy,
    cache: CacheOptions,
    store: StoreSettings,
    api: ApiSettings,
    worker: WorkerSettings,
    /// Each driver's section as given: each driver types its own when the
    /// registry is configured (the facade knows no driver's options).
    drivers: BTreeMap<String, Value>,
    validation: ValidationConfig,
}

/// The effective configuration: every section typed and checked, the
/// registry of drivers configured from it, and where it came from.
///
/// Built once per process ([`Config::load`], [`Config::builder`]) and shared
/// by reference: every accessor reads what was checked at load, and
/// [`Config::registry`] is the one registry its drivers were built into.
#[derive(Clone, Debug)]
pub struct Config {
    sections: Sections,
    /// `[validation]` as given, for [`Config::effective`].
    validation_given: Value,
    origin: String,
    /// Who overrode what after the file: environment variables, flags.
    overrides: Vec<String>,
    /// Which source set which key.
    sources: source::Sources,
    env: Env,
    registry: Arc<Registry>,
}

/// What [`Config::effective`] shows, in this order.
#[derive(Serialize)]
struct Shown<'a> {
    fetch: &'a FetchSettings,
    retry: &'a RetryPolicy,
    cache: &'a CacheOptions,
    store: &'a StoreSettings,
    api: &'a ApiSettings,
    worker: &'a WorkerSettings,
    drivers: Map<String, Value>,
    validation: &'a Value,
}

impl Config {
    /// Gathers the sources (a file, environment overrides, the program's
    /// flags) whose drivers read the environment `env`.
    pub fn builder(env: &Env) -> ConfigBuilder {
        ConfigBuilder::new(env)
    }

    /// The configuration from TOML text read from `origin` (a path, for messages).
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Config> {
        Config::builder(&Env::process()).toml(text, origin)?.build()
    }

    /// Loads the file `path`, or, without one, the default file
    /// (`$XDG_CONFIG_HOME/drydock/config.toml`, else `~/.config/drydock/config.toml`)
    /// when it exists; then applies the environment overrides of `env`.
    pub fn load(path: Option<&Path>, env: &Env) -> Result<Config> {
        Config::builder(env).file(path)?.env_overrides().build()
    }

    /// Where the configuration came from: the file (or the defaults), and
    /// what overrode it.
    pub fn origin(&self) -> String {
        if self.overrides.is_empty() {
            self.origin.clone()
        } else {
            format!(
                "{} (overridden by {})",
                self.origin,
                self.overrides.join(", ")
            )
        }
    }

    /// Where the value at `path` (dotted, e.g. `fetch.timeout`) came from:
    /// the default, the file, an environment variable or a flag.
    pub fn source_of(&self, path: &str) -> Source {
        self.sources.of(path)
    }

    /// Where each value of `effective` ([`Config::effective`]) came from,
    /// by dotted path (an array is one value).
    pub fn sources_of(&self, effective: &Value) -> BTreeMap<String, Source> {
        let mut leaves = Vec::new();
        source::leaf_paths(effective, "", &mut leaves);
        leaves
            .into_iter()
            .map(|path| {
                let from = self.source_of(&path);
                (path, from)
            })
            .collect()
    }

    /// The environment drivers read (e.g. `OS_*` for Keystone).
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// `[fetch]` as per-fetch options.
    pub fn fetch_options(&self) -> FetchOptions {
        let f = &self.sections.fetch;
        FetchOptions::default()
            .with_deadline(f.timeout)
            .with_max_size(f.max_size)
            .with_connect_timeout(f.connect_timeout)
            .with_read_timeout(f.read_timeout)
    }

    /// `[retry]`.
    pub fn retry(&self) -> &RetryPolicy {
        &self.sections.retry
    }

    /// `[store] url`, if set.
    pub fn store_url(&self) -> Option<&str> {
        self.sections.store.url.as_deref()
    }

    /// `[api]`: the REST API server's settings.
    pub fn api(&self) -> &ApiSettings {
        &self.sections.api
    }

    /// `[worker]`: what a long-running worker keeps (the design cache).
    pub fn worker(&self) -> &WorkerSettings {
        &self.sections.worker
    }

    /// `[validation]`: the design rules' configuration (e.g. the platform catalogue).
    pub fn validation(&self) -> &ValidationConfig {
        &self.sections.validation
    }

    /// `[cache]`: how the resolver uses a cache (TTL, memory).
    pub fn cache(&self) -> &CacheOptions {
        &self.sections.cache
    }

    /// The section `[drivers.<name>]` as given (the driver types it), if any:
    /// for a program that reuses a driver's settings (the server reuses the
    /// Deckhand driver's Keystone credentials to validate tokens).
    pub fn driver_section(&self, name: &str) -> Option<&Value> {
        self.sections.drivers.get(name)
    }

    /// The registry of every linked driver, each built from its section
    /// when the configuration was loaded.
    pub fn registry(&self) -> &Arc<Registry> {
        &self.registry
    }

    /// A resolver over [`Config::registry`] with `[retry]`.
    pub fn resolver(&self) -> Resolver {
        self.resolver_builder().build()
    }

    /// A resolver builder over [`Config::registry`] with `[retry]`, for a
    /// program that adds to it (a cache, layers).
    pub fn resolver_builder(&self) -> drydock_core::ResolverBuilder {
        Resolver::builder()
            .registry(self.registry.clone())
            .retry(self.sections.retry.clone())
    }

    /// The effective configuration as JSON: every section with its defaults
    /// filled in (each linked driver's too), secrets shown as `***`.
    pub fn effective(&self) -> Result<Value> {
        let s = &self.sections;
        let mut drivers = Map::new();
        for info in self.registry.drivers() {
            let mut options = info.options;
            if let Some(section) = s.drivers.get(&info.name) {
                merge(&mut options, section);
            }
            drivers.insert(info.name, options);
        }
        let shown = Shown {
            fetch: &s.fetch,
            retry: &s.retry,
            cache: &s.cache,
            store: &s.store,
            api: &s.api,
            worker: &s.worker,
            drivers,
            validation: &self.validation_given,
        };
        let mut tree = serde_json::to_value(shown).map_err(|e| Error::Config {
            section: "file".into(),
            origin: self.origin.clone(),
            reason: e.to_string(),
        })?;
        redact(&mut tree);
        Ok(tree)
    }
}

/// The default configuration file: `$XDG_CONFIG_HOME/drydock/config.toml`,
/// else `$HOME/.config/drydock/config.toml`.
pub fn default_path(env: &Env) -> Option<PathBuf> {
    let base = env
        .get("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| env.get("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("drydock").join("config.toml"))
}

#[cfg(test)]
mod tests;
