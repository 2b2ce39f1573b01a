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
//! [validation]             # handed to the validation rules
//! ```
//!
//! Environment overrides are `DRYDOCK__<SECTION>__<KEY>=value` (double
//! underscores separate the levels; the value is read as TOML, else as text),
//! e.g. `DRYDOCK__DRIVERS__HTTP__MAX_REDIRECTS=3`. An unknown key anywhere is
//! an error naming the key and where it came from.
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

use drydock_core::config::{DEFAULTS_ORIGIN, DriversConfig};
use drydock_core::{Env, Error, FetchOptions, Registry, Resolver, Result, RetryPolicy};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

mod tree;

use tree::{get_path, merge, redact, set_path, size};

/// The environment variable naming the configuration file.
pub const CONFIG_ENV: &str = "DRYDOCK_CONFIG";
/// The prefix of environment overrides (`DRYDOCK__FETCH__TIMEOUT=30s`).
pub const ENV_OVERRIDE_PREFIX: &str = "DRYDOCK__";
/// The largest configuration file read.
const MAX_CONFIG_SIZE: u64 = 1 << 20;

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

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct File {
    fetch: FetchSettings,
    retry: RetryPolicy,
    cache: drydock_core::CacheOptions,
    store: StoreSettings,
    drivers: BTreeMap<String, Value>,
    validation: Value,
}

/// The effective configuration and where it came from.
#[derive(Clone, Debug)]
pub struct Config {
    tree: Value,
    origin: String,
    /// Who overrode what after the file: flags, environment variables.
    overrides: Vec<String>,
    env: Env,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            tree: Value::Object(Map::new()),
            origin: DEFAULTS_ORIGIN.to_owned(),
            overrides: Vec::new(),
            env: Env::process(),
        }
    }
}

impl Config {
    /// The configuration from TOML text read from `origin` (a path, for messages).
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Config> {
        let tree: Value = toml::from_str(text).map_err(|e| Error::Config {
            section: "file".into(),
            origin: origin.to_owned(),
            reason: e.message().to_owned()
                + &e.span()
                    .map(|s| format!(" (at byte {})", s.start))
                    .unwrap_or_default(),
        })?;
        let config = Config {
            tree,
            origin: origin.to_owned(),
            overrides: Vec::new(),
            env: Env::process(),
        };
        config.typed()?;
        Ok(config)
    }

    /// Loads the file `path`, or, without one, the default file
    /// (`$XDG_CONFIG_HOME/drydock/config.toml`, else `~/.config/drydock/config.toml`)
    /// when it exists; then applies the environment overrides of `env`.
    pub fn load(path: Option<&Path>, env: &Env) -> Result<Config> {
        let mut config = match path {
            Some(path) => Config::read(path)?,
            None => match default_path(env).filter(|p| p.is_file()) {
                Some(path) => Config::read(&path)?,
                None => Config::default(),
            },
        };
        config.env = env.clone();
        config.apply_env_overrides(env)?;
        Ok(config)
    }

    fn read(path: &Path) -> Result<Config> {
        use std::io::Read as _;
        let origin = path.display().to_string();
        let fail = |reason: String| Error::Config {
            section: "file".into(),
            origin: origin.clone(),
            reason,
        };
        let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot read it: {e}")))?;
        if !meta.is_file() {
            return Err(fail("not a regular file".into()));
        }
        let mut text = String::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_CONFIG_SIZE + 1).read_to_string(&mut text))
            .map_err(|e| fail(format!("cannot read it: {e}")))?;
        if text.len() as u64 > MAX_CONFIG_SIZE {
            return Err(fail(format!("larger than {MAX_CONFIG_SIZE} bytes")));
        }
        Config::from_toml_str(&text, &origin)
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

    /// The environment drivers read (e.g. `OS_*` for Keystone).
    pub fn env(&self) -> &Env {
        &self.env
    }

    fn typed(&self) -> Result<File> {
        serde_path_to_error::deserialize(self.tree.clone())
            .map_err(|e| Error::Config {
                section: top_section(&e.path().to_string()),
                origin: self.origin.clone(),
                reason: format!("{}: {}", e.path(), e.inner()),
            })
            .map_err(|e| match e {
                Error::Config {
                    section, reason, ..
                } => Error::Config {
                    section,
                    origin: self.origin(),
                    reason,
                },
                other => other,
            })
    }

    /// Sets `path` (dotted, e.g. `fetch.timeout`) to `value`, then checks the
    /// result; `origin` says who set it (e.g. `--timeout`).
    pub fn set(&mut self, path: &str, value: Value, origin: &str) -> Result<()> {
        let before = self.tree.clone();
        set_path(&mut self.tree, path, value);
        if !self.overrides.iter().any(|o| o == origin) {
            self.overrides.push(origin.to_owned());
        }
        if let Err(e) = self.typed() {
            self.tree = before;
            return Err(match e {
                Error::Config {
                    section, reason, ..
                } => Error::Config {
                    section,
                    origin: origin.to_owned(),
                    reason,
                },
                other => other,
            });
        }
        Ok(())
    }

    /// Sets `key` (a path inside a driver's options, e.g. `tls.ca_bundle`) in
    /// the section of every linked driver that has that option; returns how
    /// many drivers took it. A driver's own option names come from its
    /// registration, so this knows no driver type. `origin` says who set it.
    pub fn set_for_drivers(&mut self, key: &str, value: Value, origin: &str) -> usize {
        if !self.overrides.iter().any(|o| o == origin) {
            self.overrides.push(origin.to_owned());
        }
        let mut count = 0;
        for info in Registry::global().drivers() {
            if get_path(&info.options, key).is_some() {
                set_path(
                    &mut self.tree,
                    &format!("drivers.{}.{key}", info.name),
                    value.clone(),
                );
                count += 1;
            }
        }
        count
    }

    fn apply_env_overrides(&mut self, env: &Env) -> Result<()> {
        for (name, raw) in env.with_prefix(ENV_OVERRIDE_PREFIX) {
            let path = name[ENV_OVERRIDE_PREFIX.len()..]
                .split("__")
                .map(str::to_ascii_lowercase)
                .collect::<Vec<_>>()
                .join(".");
            let value = toml::from_str::<BTreeMap<String, Value>>(&format!("v = {raw}"))
                .ok()
                .and_then(|mut m| m.remove("v"))
                .unwrap_or(Value::String(raw));
            self.set(&path, value, &format!("the environment variable {name}"))?;
        }
        Ok(())
    }

    /// `[fetch]` as per-fetch options.
    pub fn fetch_options(&self) -> FetchOptions {
        let f = self.typed().map(|f| f.fetch).unwrap_or_default();
        FetchOptions::default()
            .with_deadline(f.timeout)
            .with_max_size(f.max_size)
            .with_connect_timeout(f.connect_timeout)
            .with_read_timeout(f.read_timeout)
    }

    /// `[retry]`.
    pub fn retry(&self) -> RetryPolicy {
        self.typed().map(|f| f.retry).unwrap_or_default()
    }

    /// `[store] url`, if set.
    pub fn store_url(&self) -> Option<String> {
        self.typed().ok().and_then(|f| f.store.url)
    }

    /// `[validation]`: the design rules' configuration (e.g. the platform
    /// catalogue); an unknown key is an error naming it.
    pub fn validation(&self) -> Result<drydock_rules::ValidationConfig> {
        let section = match self.typed()?.validation {
            Value::Null => Value::Object(Map::new()),
            other => other,
        };
        serde_path_to_error::deserialize(section).map_err(|e| Error::Config {
            section: "validation".into(),
            origin: self.origin(),
            reason: format!("{}: {}", e.path(), e.inner()),
        })
    }

    /// Every driver's section, for [`drydock_core::RegistryBuilder::with_linked_configured`].
    pub fn drivers(&self) -> DriversConfig {
        DriversConfig {
            sections: self.typed().map(|f| f.drivers).unwrap_or_default(),
            origin: self.origin(),
            env: self.env.clone(),
        }
    }

    /// The registry of every linked driver, each built from its section.
    pub fn registry(&self) -> Result<Arc<Registry>> {
        let registry = Registry::builder()
            .with_linked_configured(&self.drivers())?
            .build()?;
        Ok(Arc::new(registry))
    }

    /// A resolver over [`Config::registry`] with `[retry]`.
    pub fn resolver(&self) -> Result<Resolver> {
        Ok(self.resolver_builder()?.build())
    }

    /// A resolver builder over [`Config::registry`] with `[retry]`, for a
    /// program that adds to it (a cache, layers).
    pub fn resolver_builder(&self) -> Result<drydock_core::ResolverBuilder> {
        Ok(Resolver::builder()
            .registry(self.registry()?)
            .retry(self.retry()))
    }

    /// `[cache]`: how the resolver uses a cache (TTL, memory).
    pub fn cache(&self) -> drydock_core::CacheOptions {
        self.typed().map(|f| f.cache).unwrap_or_default()
    }

    /// The effective configuration as JSON: every section with its defaults
    /// filled in (each linked driver's too), secrets shown as `***`.
    pub fn effective(&self) -> Result<Value> {
        let file = self.typed()?;
        let linked = Registry::global().drivers();
        if let Some(unknown) = file
            .drivers
            .keys()
            .find(|k| !linked.iter().any(|d| &d.name == *k))
        {
            let names: Vec<&str> = linked.iter().map(|d| d.name.as_str()).collect();
            return Err(Error::Config {
                section: format!("drivers.{unknown}"),
                origin: self.origin(),
                reason: format!(
                    "no driver named `{unknown}` is linked (drivers: {})",
                    names.join(", ")
                ),
            });
        }
        let mut drivers = Map::new();
        for info in linked {
            let mut options = info.options.clone();
            if let Some(section) = file.drivers.get(&info.name) {
                merge(&mut options, section);
            }
            drivers.insert(info.name, options);
        }
        let mut tree = serde_json::to_value(File {
            drivers: BTreeMap::new(),
            ..file
        })
        .map_err(|e| Error::Config {
            section: "file".into(),
            origin: self.origin.clone(),
            reason: e.to_string(),
        })?;
        tree["drivers"] = Value::Object(drivers);
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

fn top_section(path: &str) -> String {
    let mut parts = path.split('.');
    match (parts.next(), parts.next()) {
        (Some("drivers"), Some(name)) => format!("drivers.{name}"),
        (Some(first), _) if !first.is_empty() => first.to_owned(),
        _ => "file".to_owned(),
    }
}

#[cfg(test)]
mod tests;
