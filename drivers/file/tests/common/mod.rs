//! Helpers shared by the file driver's tests.
#![allow(dead_code)]

use std::path::Path;

use drydock_core::{DesignRef, Driver, Error, FetchOptions, Fetched};
use drydock_driver_file::{FileDriver, FileError};

/// The `file://` reference of an absolute path.
pub fn reference(path: &Path) -> DesignRef {
    let url = url::Url::from_file_path(path).expect("an absolute path");
    DesignRef::parse(url.as_str()).expect("a valid reference")
}

/// Fetches `path` with default options.
pub async fn fetch(driver: &FileDriver, path: &Path) -> Result<Fetched, Error> {
    driver
        .fetch(&reference(path), &FetchOptions::default())
        .await
}

/// The file driver's own error inside a core error.
pub fn file_error(err: &Error) -> &FileError {
    err.downcast_source::<FileError>()
        .unwrap_or_else(|| panic!("not a FileError inside: {err:?}"))
}
