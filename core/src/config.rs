//! Configuration through registration: each driver deserialises its own
//! typed options from its section of one configuration ([`DriverConfig`]).
//!
//! A program (the `drydock` CLI, an orchestrator) reads one configuration —
//! a file, environment overrides, its own flags — and hands each registered
//! driver its section; it never imports a driver's option types. A driver's
//! options are a `serde` struct with `#[serde(default, deny_unknown_fields)]`,
//! so an unknown key is an error naming the key, the section and the file.
//!
//! ```
//! use drydock_core::config::DriverConfig;
//! #[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
//! #[serde(default, deny_unknown_fields)]
//! struct Options { retries: u32 }
//!
//! let ok = DriverConfig::new("demo", serde_json::json!({"retries": 3}), "config.toml");
//! assert_eq!(ok.options::<Options>().unwrap().retries, 3);
//! let bad = DriverConfig::new("demo", serde_json::json!({"retrys": 3}), "config.toml");
//! let err = bad.options::<Options>().unwrap_err().to_string();
//! assert!(err.contains("retrys") && err.contains("[drivers.demo]") && err.contains("config.toml"), "{err}");
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, Result};

/// Where options come from when no file gave them.
pub const DEFAULTS_ORIGIN: &str = "the built-in defaults";

/// The environment a configuration reads (e.g. `OS_AUTH_URL`): the process's,
/// or a fixed set (tests, programs that configure drivers explicitly).
/// `Debug` lists the names of a fixed set, never the values.
#[derive(Clone, Default)]
pub struct Env(Option<Arc<BTreeMap<String, String>>>);

impl Env {
    /// The process environment, read when asked.
    pub fn process() -> Self {
        Env(None)
    }
    /// A fixed environment: only these variables exist.
    pub fn fixed<I, K, V>(vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Env(Some(Arc::new(
            vars.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )))
    }
    /// Every set, non-empty variable whose name starts with `prefix`, sorted.
    pub fn with_prefix(&self, prefix: &str) -> Vec<(String, String)> {
        let mut vars: Vec<(String, String)> = match &self.0 {
            None => std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .filter(|(k, _)| k.starts_with(prefix))
                .collect(),
            Some(vars) => vars
                .range(prefix.to_owned()..)
                .take_while(|(k, _)| k.starts_with(prefix))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        };
        vars.retain(|(_, v)| !v.is_empty());
        vars.sort();
        vars
    }

    /// The variable's value, if it is set and not empty.
    pub fn get(&self, name: &str) -> Option<String> {
        let value = match &self.0 {
            None => std::env::var(name).ok(),
            Some(vars) => vars.get(name).cloned(),
        };
        value.filter(|v| !v.is_empty())
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            None => f.write_str("Env(process)"),
            Some(vars) => f.debug_tuple("Env").field(&vars.keys()).finish(),
        }
    }
}

/// One driver's section of the configuration, where it came from, and the
/// environment it may read.
#[derive(Clone, Debug)]
pub struct DriverConfig {
    driver: String,
    section: Value,
    origin: String,
    env: Env,
}

impl DriverConfig {
    /// The section `section` of driver `driver`, read from `origin` (a file
    /// path, or a description such as "the command line").
    pub fn new(driver: &str, section: Value, origin: impl Into<String>) -> Self {
        DriverConfig {
            driver: driver.to_owned(),
            section,
            origin: origin.into(),
            env: Env::process(),
        }
    }

    /// No section: every option takes its default.
    pub fn defaults(driver: &str) -> Self {
        DriverConfig::new(driver, Value::Object(Default::default()), DEFAULTS_ORIGIN)
    }

    /// Reads environment variables from `env` instead of the process.
    pub fn with_env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// The driver's name (its section is `[drivers.<name>]`).
    pub fn driver(&self) -> &str {
        &self.driver
    }

    /// Where the section came from.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The section as given.
    pub fn section(&self) -> &Value {
        &self.section
    }

    /// An environment variable, if set and not empty.
    pub fn env(&self, name: &str) -> Option<String> {
        self.env.get(name)
    }

    /// The environment this configuration reads.
    pub fn environment(&self) -> &Env {
        &self.env
    }

    /// The section deserialised into the driver's typed options. An unknown
    /// key or a value of the wrong type is [`Error::Config`], naming the key's
    /// path, the section and where it came from.
    pub fn options<T: DeserializeOwned>(&self) -> Result<T> {
        let section = match &self.section {
            Value::Null => Value::Object(Default::default()),
            other => other.clone(),
        };
        serde_path_to_error::deserialize(section).map_err(|e| {
            let path = e.path().to_string();
            let within = format!("drivers.{}.{path}", self.driver);
            let reason = crate::redact::config_error_reason(&within, &e.inner().to_string());
            let reason = reason
                .strip_prefix(&format!("drivers.{}.", self.driver))
                .map(str::to_owned)
                .unwrap_or(reason);
            self.error(reason)
        })
    }

    /// A configuration error about this section.
    pub fn error(&self, reason: impl Into<String>) -> Error {
        Error::Config {
            section: format!("drivers.{}", self.driver),
            origin: self.origin.clone(),
            reason: reason.into(),
        }
    }
}

/// The default options of `T` as JSON, for listings (`drydock schemes --json`).
/// Secrets serialise as `***` (see [`crate::Secret`]).
pub fn describe<T: Default + Serialize>() -> Value {
    serde_json::to_value(T::default()).unwrap_or(Value::Null)
}

/// The options of a driver that has none: any key is unknown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoOptions {}

/// Every driver's section, as a program hands them to
/// [`crate::RegistryBuilder::with_linked_configured`].
#[derive(Clone, Debug, Default)]
pub struct DriversConfig {
    /// Sections by driver name (`file`, `http`, …).
    pub sections: BTreeMap<String, Value>,
    /// Where they came from (a file path, "the command line", …).
    pub origin: String,
    /// The environment drivers may read.
    pub env: Env,
}

impl DriversConfig {
    /// The configuration for `driver`: its section, or its defaults.
    pub fn for_driver(&self, driver: &str) -> DriverConfig {
        let origin = if self.origin.is_empty() {
            DEFAULTS_ORIGIN.to_owned()
        } else {
            self.origin.clone()
        };
        let section = self
            .sections
            .get(driver)
            .cloned()
            .unwrap_or_else(|| Value::Object(Default::default()));
        DriverConfig::new(driver, section, origin).with_env(self.env.clone())
    }
}

/// Serde helpers for durations written as text (`30s`, `2m`, `250ms`).
pub mod duration {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    /// Serialises as humantime text.
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&humantime::format_duration(*d))
    }

    /// The longest duration a configuration may give (365 days): longer
    /// ones are refused with a message, so that no deadline, backoff or TTL
    /// arithmetic can overflow.
    pub const MAX: Duration = Duration::from_secs(365 * 24 * 3600);

    /// Reads humantime text (`30s`) or a number of seconds, at most [`MAX`].
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Text {
            Seconds(u64),
            Human(String),
        }
        let (duration, shown) = match Text::deserialize(d)? {
            Text::Seconds(s) => (
                Duration::from_secs(s.min(MAX.as_secs() + 1)),
                format!("{s}"),
            ),
            Text::Human(h) => {
                let parsed = humantime::parse_duration(&h).map_err(|e| {
                    serde::de::Error::custom(format!(
                        "`{h}` is not a duration such as 30s or 2m: {e}"
                    ))
                })?;
                (parsed, format!("`{h}`"))
            }
        };
        if duration > MAX {
            return Err(serde::de::Error::custom(format!(
                "{shown} is longer than the longest duration accepted, 365 days"
            )));
        }
        Ok(duration)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, Serialize, serde::Deserialize, PartialEq)]
    #[serde(default, deny_unknown_fields)]
    struct Inner {
        depth: u32,
    }

    #[derive(Debug, Default, Serialize, serde::Deserialize, PartialEq)]
    #[serde(default, deny_unknown_fields)]
    struct Opts {
        inner: Inner,
        #[serde(with = "duration")]
        wait: std::time::Duration,
    }

    #[test]
    fn nested_unknown_keys_are_named_with_their_path() {
        let c = DriverConfig::new(
            "x",
            serde_json::json!({"inner": {"deep": 1}}),
            "/etc/d.toml",
        );
        let err = c.options::<Opts>().unwrap_err().to_string();
        assert!(err.contains("inner") && err.contains("deep"), "{err}");
        assert!(
            err.contains("[drivers.x]") && err.contains("/etc/d.toml"),
            "{err}"
        );
    }

    #[test]
    fn durations_read_text_and_seconds() {
        let c = DriverConfig::new("x", serde_json::json!({"wait": "250ms"}), "f");
        assert_eq!(c.options::<Opts>().unwrap().wait.as_millis(), 250);
        let c = DriverConfig::new("x", serde_json::json!({"wait": 3}), "f");
        assert_eq!(c.options::<Opts>().unwrap().wait.as_secs(), 3);
        let c = DriverConfig::new("x", serde_json::json!({"wait": "soon"}), "f");
        assert!(
            c.options::<Opts>()
                .unwrap_err()
                .to_string()
                .contains("soon")
        );
        assert_eq!(describe::<Opts>()["wait"], "0s");
    }

    #[test]
    fn env_debug_hides_values() {
        let env = Env::fixed([("OS_PASSWORD", "hunter2")]);
        assert_eq!(env.get("OS_PASSWORD").as_deref(), Some("hunter2"));
        assert!(!format!("{env:?}").contains("hunter2"));
        assert_eq!(Env::fixed([("A", "")]).get("A"), None);
    }
}
