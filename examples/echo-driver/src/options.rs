//! [`EchoOptions`]: the `[drivers.echo]` section of the configuration.

use serde::{Deserialize, Serialize};

/// How the echo driver is configured. Every driver's options look like
/// this: a serde struct, `default` (a missing key takes its default) and
/// `deny_unknown_fields` (a misspelt key is an error naming it).
///
/// ```
/// use echo_driver::EchoOptions;
/// let o: EchoOptions = serde_json::from_value(serde_json::json!({"prefix": "# "})).unwrap();
/// assert_eq!(o.prefix, "# ");
/// assert!(serde_json::from_value::<EchoOptions>(serde_json::json!({"prefx": ""})).is_err());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct EchoOptions {
    /// Text put before every answer (default: none).
    pub prefix: String,
}

impl EchoOptions {
    /// Sets the prefix.
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }
}
