//! The configuration the rules are built with, and the platform catalogue
//! Platform Selection (DD3001) checks images and kernels against.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// Configuration handed to every rule's constructor (`[validation]`).
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct ValidationConfig {
    /// The images and kernels a node driver offers (`[validation.platform]`);
    /// without it (and without [`ValidationConfig::platform_source`]) Platform
    /// Selection warns and does not run.
    pub platform: Option<PlatformCatalogue>,
    /// A live source of images and kernels (a node driver), used before `platform`.
    #[serde(skip)]
    pub platform_source: Option<Arc<dyn PlatformSource>>,
}

impl fmt::Debug for ValidationConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValidationConfig")
            .field("platform", &self.platform)
            .field("platform_source", &self.platform_source.is_some())
            .finish()
    }
}

impl ValidationConfig {
    /// A configuration with this platform catalogue.
    pub fn with_platform(mut self, catalogue: PlatformCatalogue) -> Self {
        self.platform = Some(catalogue);
        self
    }

    /// A configuration asking this source (a node driver) for images and kernels.
    pub fn with_platform_source(mut self, source: Arc<dyn PlatformSource>) -> Self {
        self.platform_source = Some(source);
        self
    }

    /// The platform source to check against: the live source, else the catalogue.
    pub fn platform(&self) -> Option<&dyn PlatformSource> {
        match (&self.platform_source, &self.platform) {
            (Some(source), _) => Some(source.as_ref()),
            (None, Some(catalogue)) => Some(catalogue),
            (None, None) => None,
        }
    }
}

/// Where images and kernels come from: in the original, the MAAS node driver.
/// Each call may fail (the driver is unreachable); the rule then warns and stops.
pub trait PlatformSource: Send + Sync {
    /// The images nodes may select.
    fn images(&self) -> Result<Vec<String>, String>;
    /// The kernels offered for `image`.
    fn kernels(&self, image: &str) -> Result<Vec<String>, String>;
}

/// A fixed catalogue of images and the kernels offered for each
/// (`images = ["jammy"]`, `kernels = { jammy = ["ga-22.04", "hwe-22.04"] }`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlatformCatalogue {
    /// Images, in the order they are listed to the user.
    pub images: Vec<String>,
    /// Kernels per image; an image missing here offers none.
    pub kernels: BTreeMap<String, Vec<String>>,
}

impl PlatformCatalogue {
    /// A catalogue offering `kernels` for every one of `images`.
    pub fn new<I, K>(images: I, kernels: K) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
        K: IntoIterator,
        K::Item: Into<String>,
    {
        let images: Vec<String> = images.into_iter().map(Into::into).collect();
        let kernels: Vec<String> = kernels.into_iter().map(Into::into).collect();
        PlatformCatalogue {
            kernels: images
                .iter()
                .map(|i| (i.clone(), kernels.clone()))
                .collect(),
            images,
        }
    }
}

impl PlatformSource for PlatformCatalogue {
    fn images(&self) -> Result<Vec<String>, String> {
        Ok(self.images.clone())
    }

    fn kernels(&self, image: &str) -> Result<Vec<String>, String> {
        Ok(self.kernels.get(image).cloned().unwrap_or_default())
    }
}
