//! [`FileOptions`]: how the file driver is configured.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Configuration of a [`crate::FileDriver`]. Build from `Default` with the `with_*` methods.
///
/// ```
/// use drydock_driver_file::FileOptions;
/// let options = FileOptions::default()
///     .with_allowed_root("/srv/designs")
///     .with_max_size(8 << 20);
/// assert_eq!(options.allowed_roots.len(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct FileOptions {
    /// Directories files must lie under, after symlinks and `..` are resolved.
    /// Empty (the default): any absolute path may be read.
    pub allowed_roots: Vec<PathBuf>,
    /// A cap on file size applied in addition to `FetchOptions::max_size`
    /// (the smaller wins). `None` (the default): only the fetch's limit.
    pub max_size: Option<u64>,
}

impl FileOptions {
    /// Adds a directory files must lie under.
    pub fn with_allowed_root(mut self, root: impl Into<PathBuf>) -> Self {
        self.allowed_roots.push(root.into());
        self
    }

    /// Replaces the allowed roots.
    pub fn with_allowed_roots<I, P>(mut self, roots: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: Into<PathBuf>,
    {
        self.allowed_roots = roots.into_iter().map(Into::into).collect();
        self
    }

    /// Caps the size of the files read, in bytes.
    pub fn with_max_size(mut self, max_size: u64) -> Self {
        self.max_size = Some(max_size);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_rejected_by_name() {
        let err = serde_json::from_str::<FileOptions>(r#"{"allowed_root": ["/srv"]}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("allowed_root"), "{err}");
    }

    #[test]
    fn missing_keys_take_defaults() {
        let options: FileOptions = serde_json::from_str(r#"{"allowed_roots": ["/srv"]}"#).unwrap();
        assert_eq!(options, FileOptions::default().with_allowed_root("/srv"));
    }
}
