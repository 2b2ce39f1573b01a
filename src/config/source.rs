//! Where each configuration value came from: [`Source`], and which source
//! set which key, in the order the sources apply.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

/// Where one configuration value came from (`drydock config` shows it per value).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Source {
    /// Nothing set it: the built-in default.
    Default,
    /// The configuration file.
    File {
        /// The file, as given.
        path: String,
    },
    /// An environment override (`DRYDOCK__SECTION__KEY`).
    Environment {
        /// The variable's name.
        variable: String,
    },
    /// A command-line flag (the program's own override).
    Flag {
        /// The flag, e.g. `--timeout`.
        flag: String,
    },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::File { path } => write!(f, "file {path}"),
            Source::Environment { variable } => write!(f, "environment variable {variable}"),
            Source::Flag { flag } => write!(f, "command-line flag {flag}"),
        }
    }
}

/// Which source set which key (dotted path); a later source replaces what
/// it sets, as the configuration's own merge does.
#[derive(Clone, Debug, Default)]
pub(super) struct Sources(BTreeMap<String, Source>);

impl Sources {
    /// Records that `source` set `value` at `path`: each of its leaves (a
    /// table sets the keys it holds), replacing what was set there before.
    pub(super) fn set(&mut self, path: &str, value: &Value, source: &Source) {
        let below = format!("{path}.");
        self.0.retain(|k, _| k != path && !k.starts_with(&below));
        let mut leaves = Vec::new();
        leaf_paths(value, path, &mut leaves);
        for leaf in leaves {
            self.0.insert(leaf, source.clone());
        }
    }

    /// Who set `path`: itself or the nearest table above it that was set
    /// whole; [`Source::Default`] when nothing did.
    pub(super) fn of(&self, path: &str) -> Source {
        let mut at = path;
        loop {
            if let Some(source) = self.0.get(at) {
                return source.clone();
            }
            match at.rsplit_once('.') {
                Some((parent, _)) => at = parent,
                None => return Source::Default,
            }
        }
    }
}

/// The dotted path of every leaf of `value` under `path`: a value that is
/// not a table is a leaf (an array too); an empty table is `path` itself.
pub(super) fn leaf_paths(value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, v) in map {
                let below = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                leaf_paths(v, &below, out);
            }
        }
        _ if path.is_empty() => {}
        _ => out.push(path.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn later_sources_replace_what_they_set_and_only_that() {
        let file = Source::File {
            path: "c.toml".into(),
        };
        let env = Source::Environment {
            variable: "DRYDOCK__DRIVERS__HTTP__TLS".into(),
        };
        let mut s = Sources::default();
        s.set(
            "",
            &json!({"fetch": {"timeout": "5s"}, "drivers": {"http": {"tls": {"ca_bundle": "a", "client_cert": "b"}}}}),
            &file,
        );
        assert_eq!(s.of("fetch.timeout"), file);
        assert_eq!(s.of("fetch.max_size"), Source::Default);
        s.set("drivers.http.tls", &json!({"ca_bundle": "x"}), &env);
        assert_eq!(s.of("drivers.http.tls.ca_bundle"), env);
        // Replaced whole by the variable: the file's value is gone.
        assert_eq!(s.of("drivers.http.tls.client_cert"), Source::Default);
        s.set("validation.platforms", &json!([{"name": "p"}]), &env);
        assert_eq!(s.of("validation.platforms.name"), env);
        assert_eq!(
            env.to_string(),
            "environment variable DRYDOCK__DRIVERS__HTTP__TLS"
        );
    }
}
