//! DD3001 Platform Selection.

use foldhash::{HashMap, HashMapExt};
use std::sync::Arc;

use super::or_none;
use crate::paths::field_path;
use crate::{EffectiveSite, Findings, PlatformSource, Rule, ValidationConfig};

const UNCHECKED: &str =
    "Cannot validate platform selection without accessing the node provisioner.";

/// Every node's image is one the node driver offers, and its kernel one offered
/// for that image. The catalogue comes from the validation configuration (a
/// node driver, or `[validation.platform]`); without one the rule gives the
/// original's warning plus a note that it did not run.
pub struct Platform {
    source: Option<Arc<dyn PlatformSource>>,
}

/// Builds the rule from the configuration's platform source or catalogue.
pub fn new(config: &ValidationConfig) -> Box<dyn Rule> {
    let source: Option<Arc<dyn PlatformSource>> = match (&config.platform_source, &config.platform)
    {
        (Some(s), _) => Some(s.clone()),
        (None, Some(c)) => Some(Arc::new(c.clone())),
        (None, None) => None,
    };
    Box::new(Platform { source })
}

impl Rule for Platform {
    fn check(&self, site: &EffectiveSite<'_>, out: &mut Findings) {
        let Some(source) = &self.source else {
            out.warning("Platform Validation: No enabled node driver, imageand kernel selections not validated.")
                .diagnostic(UNCHECKED)
                .report();
            out.not_run(
                "no node driver and no platform catalogue ([validation.platform]) is configured",
            );
            return;
        };
        let images = match source.images() {
            Ok(images) => images,
            Err(e) => {
                out.warning("Platform validation: Could not load images from driver, skippingimage and kernel selection validation.")
                    .diagnostic(UNCHECKED)
                    .report();
                out.not_run(format_args!("the node driver could not list images: {e}"));
                return;
            }
        };
        let mut kernels: HashMap<&str, Vec<String>> = HashMap::with_capacity(images.len());
        for image in &images {
            match source.kernels(image) {
                Ok(k) => {
                    kernels.insert(image, k);
                }
                Err(e) => {
                    out.warning("Platform validation: Could not load kernels from driver, skippingimage and kernel selection validation.")
                        .diagnostic(UNCHECKED)
                        .report();
                    out.not_run(format_args!(
                        "the node driver could not list kernels of {image}: {e}"
                    ));
                    return;
                }
            }
        }
        for node in &site.nodes {
            let (image, kernel) = (node.host.image.as_ref(), node.host.kernel.as_ref());
            match image.and_then(|i| kernels.get(i.value)) {
                Some(offered) if kernel.is_some_and(|k| offered.iter().any(|o| o == k.value)) => {}
                Some(offered) => {
                    let doc = kernel.map_or(node.doc, |k| k.doc);
                    out.error(format_args!(
                        "Platform Validation: invalid kernel {}",
                        or_none(kernel.map(|k| k.value))
                    ))
                    .document(node.doc)
                    .diagnostic(format!("Select a valid kernel from: {}", offered.join(",")))
                    .at(doc, field_path!(doc, "platform", "kernel"))
                    .report();
                }
                None => {
                    let doc = image.map_or(node.doc, |i| i.doc);
                    out.error(format_args!(
                        "Platform Validation: invalid image {}",
                        or_none(image.map(|i| i.value))
                    ))
                    .document(node.doc)
                    .diagnostic(format!("Select a valid image from: {}", images.join(",")))
                    .at(doc, field_path!(doc, "platform", "image"))
                    .report();
                }
            }
        }
    }
}
