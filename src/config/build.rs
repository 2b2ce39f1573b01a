//! [`ConfigBuilder`]: the file, the environment overrides and the program's
//! own overrides, merged once and checked once into a [`Config`].

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use drydock_core::config::{DEFAULTS_ORIGIN, DriversConfig};
use drydock_core::{Env, Error, Registry, Result};
use serde_json::{Map, Value};

use super::source::{Source, Sources};
use super::tree::{get_path, set_path};
use super::{Config, ENV_OVERRIDE_PREFIX, Sections, default_path};

/// The largest configuration file read.
const MAX_CONFIG_SIZE: u64 = 1 << 20;

/// Gathers where the configuration comes from — a file, environment
/// overrides, the program's own overrides (flags) — then
/// [`ConfigBuilder::build`] merges them once, deserialises the result once
/// and configures the registry of drivers once. Later sources win.
///
/// ```
/// use drydock::config::Config;
/// let config = Config::builder(&drydock::Env::fixed([("DRYDOCK__RETRY__ATTEMPTS", "2")]))
///     .toml("[fetch]\ntimeout = \"5s\"\n", "example.toml")?
///     .env_overrides()
///     .set("fetch.max_size", "2MiB".into(), "--max-size")
///     .build()?;
/// assert_eq!(config.retry().max_attempts, 2);
/// assert_eq!(config.fetch_options().max_size, 2 << 20);
/// assert_eq!(config.origin(), "example.toml (overridden by the environment variable DRYDOCK__RETRY__ATTEMPTS, --max-size)");
/// # Ok::<(), drydock::Error>(())
/// ```
#[derive(Debug)]
pub struct ConfigBuilder {
    file: Value,
    origin: String,
    overrides: Vec<Override>,
    /// Who overrode something, in order, each once.
    origins: Vec<String>,
    env: Env,
    /// Each linked driver's name and default options, read on first use.
    linked: Option<Vec<(String, Value)>>,
}

/// One value set after the file, and who set it.
#[derive(Debug)]
struct Override {
    path: String,
    value: Value,
    origin: String,
    source: Source,
}

impl ConfigBuilder {
    pub(super) fn new(env: &Env) -> Self {
        ConfigBuilder {
            file: Value::Object(Map::new()),
            origin: DEFAULTS_ORIGIN.to_owned(),
            overrides: Vec::new(),
            origins: Vec::new(),
            env: env.clone(),
            linked: None,
        }
    }

    /// Reads the file `path`, or, without one, the default file
    /// (`$XDG_CONFIG_HOME/drydock/config.toml`, else
    /// `~/.config/drydock/config.toml`) when it exists. A file that cannot
    /// be read or is not TOML is an error naming it.
    pub fn file(self, path: Option<&Path>) -> Result<Self> {
        match path {
            Some(path) => self.read(path),
            None => match default_path(&self.env).filter(|p| p.is_file()) {
                Some(path) => self.read(&path),
                None => Ok(self),
            },
        }
    }

    fn read(self, path: &Path) -> Result<Self> {
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
        self.toml(&text, &origin)
    }

    /// Takes the file's text, read from `origin` (a path, for messages).
    pub fn toml(mut self, text: &str, origin: &str) -> Result<Self> {
        self.file = toml::from_str(text).map_err(|e| Error::Config {
            section: "file".into(),
            origin: origin.to_owned(),
            reason: e.message().to_owned()
                + &e.span()
                    .map(|s| format!(" (at byte {})", s.start))
                    .unwrap_or_default(),
        })?;
        self.origin = origin.to_owned();
        Ok(self)
    }

    /// Adds the environment overrides, `DRYDOCK__<SECTION>__<KEY>=value`
    /// (the value read as TOML, else as text), sorted by name.
    pub fn env_overrides(mut self) -> Self {
        for (name, raw) in self.env.with_prefix(ENV_OVERRIDE_PREFIX) {
            let path = name[ENV_OVERRIDE_PREFIX.len()..]
                .split("__")
                .map(str::to_ascii_lowercase)
                .collect::<Vec<_>>()
                .join(".");
            let value = toml::from_str::<BTreeMap<String, Value>>(&format!("v = {raw}"))
                .ok()
                .and_then(|mut m| m.remove("v"))
                .unwrap_or(Value::String(raw));
            let origin = format!("the environment variable {name}");
            self.note(&origin);
            self.overrides.push(Override {
                path,
                value,
                origin,
                source: Source::Environment { variable: name },
            });
        }
        self
    }

    /// Sets `path` (dotted, e.g. `fetch.timeout`) to `value`; `origin` says
    /// who set it (e.g. `--timeout`), and names it if the value is refused;
    /// the value's [`Source`] is the flag `origin`.
    pub fn set(mut self, path: &str, value: Value, origin: &str) -> Self {
        self.note(origin);
        self.overrides.push(Override {
            path: path.to_owned(),
            value,
            origin: origin.to_owned(),
            source: Source::Flag {
                flag: origin.to_owned(),
            },
        });
        self
    }

    /// Sets `key` (a path inside a driver's options, e.g. `tls.ca_bundle`)
    /// in the section of every linked driver that has that option. A
    /// driver's option names come from its registration, so this knows no
    /// driver type. `origin` says who set it.
    pub fn set_for_drivers(mut self, key: &str, value: Value, origin: &str) -> Self {
        self.note(origin);
        let linked = self.linked.get_or_insert_with(|| {
            Registry::linked_drivers()
                .into_iter()
                .map(|info| (info.name, info.options))
                .collect()
        });
        let paths: Vec<String> = linked
            .iter()
            .filter(|(_, options)| get_path(options, key).is_some())
            .map(|(name, _)| format!("drivers.{name}.{key}"))
            .collect();
        for path in paths {
            self.overrides.push(Override {
                path,
                value: value.clone(),
                origin: origin.to_owned(),
                source: Source::Flag {
                    flag: origin.to_owned(),
                },
            });
        }
        self
    }

    fn note(&mut self, origin: &str) {
        if !self.origins.iter().any(|o| o == origin) {
            self.origins.push(origin.to_owned());
        }
    }

    /// Where the configuration came from: the file (or the defaults), and
    /// what overrode it.
    fn full_origin(&self) -> String {
        if self.origins.is_empty() {
            self.origin.clone()
        } else {
            format!(
                "{} (overridden by {})",
                self.origin,
                self.origins.join(", ")
            )
        }
    }

    /// Merges the sources, deserialises the result into its typed sections
    /// and builds every linked driver from its section: an unknown key, a
    /// value of the wrong type or an option a driver refuses is
    /// [`Error::Config`] naming the key and the file, variable or flag it
    /// came from.
    pub fn build(self) -> Result<Config> {
        let mut tree = self.file.clone();
        for o in &self.overrides {
            set_path(&mut tree, &o.path, o.value.clone());
        }
        let origin = self.full_origin();
        let mut sections: Sections = serde_path_to_error::deserialize(&tree)
            .map_err(|e| self.explain(&e.path().to_string(), e.inner(), &origin))?;
        let drivers = DriversConfig {
            sections: std::mem::take(&mut sections.drivers),
            origin: origin.clone(),
            env: self.env.clone(),
        };
        let registry = Registry::builder()
            .with_linked_configured(&drivers)?
            .build()?;
        sections.drivers = drivers.sections;
        let mut sources = Sources::default();
        let file = Source::File {
            path: self.origin.clone(),
        };
        sources.set("", &self.file, &file);
        for o in &self.overrides {
            sources.set(&o.path, &o.value, &o.source);
        }
        let validation_given = match tree {
            Value::Object(mut map) => map.remove("validation").unwrap_or(Value::Null),
            _ => Value::Null,
        };
        Ok(Config {
            sections,
            validation_given,
            origin: self.origin,
            overrides: self.origins,
            sources,
            env: self.env,
            registry: Arc::new(registry),
        })
    }

    /// The error for a value the sections refuse at `path`: a `[validation]`
    /// key is named with the whole configuration's origin; any other with
    /// the first source that made it wrong (the file, a variable, a flag).
    fn explain(&self, path: &str, inner: &serde_json::Error, origin: &str) -> Error {
        if let Some(rest) = path.strip_prefix("validation")
            && (rest.is_empty() || rest.starts_with('.'))
        {
            let within = rest.strip_prefix('.').unwrap_or(".");
            return Error::Config {
                section: "validation".into(),
                origin: origin.to_owned(),
                reason: drydock_core::config_error_reason(within, &inner.to_string()),
            };
        }
        // Replay the sources in order, without [validation]: the first that
        // breaks the sections is the one to name.
        let mut tree = self.file.clone();
        let mut blamed = self.origin.as_str();
        let mut steps = std::iter::once(None).chain(self.overrides.iter().map(Some));
        let found = steps.find_map(|step| {
            if let Some(o) = step {
                set_path(&mut tree, &o.path, o.value.clone());
                blamed = &o.origin;
            }
            if let Value::Object(map) = &mut tree {
                map.remove("validation");
            }
            serde_path_to_error::deserialize::<_, Sections>(&tree).err()
        });
        match found {
            Some(e) => section_error(&e.path().to_string(), e.inner(), blamed),
            None => section_error(path, inner, origin),
        }
    }
}

fn section_error(path: &str, inner: &serde_json::Error, origin: &str) -> Error {
    Error::Config {
        section: top_section(path),
        origin: origin.to_owned(),
        reason: drydock_core::config_error_reason(path, &inner.to_string()),
    }
}

fn top_section(path: &str) -> String {
    let mut parts = path.split('.');
    match (parts.next(), parts.next()) {
        (Some("drivers"), Some(name)) => format!("drivers.{name}"),
        (Some(first), _) if !first.is_empty() => first.to_owned(),
        _ => "file".to_owned(),
    }
}
