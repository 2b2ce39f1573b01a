//! DD4002 Bootaction pkg_list Validation.

use std::sync::LazyLock;

use regex::Regex;

use crate::paths::field_path;
use crate::{EffectiveSite, Findings, Rule};
use drydock_core::design::{AssetData, AssetType};

/// The original's version pattern, matched against the whole version.
static VERSION: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\A(?:(\d+:)?([a-zA-Z0-9.+~-]+)(-[a-zA-Z0-9.+~]+))\z").ok());

/// A `pkg_list` asset has a location or packages, and each version given is a
/// Debian version with a revision (`1.0-1`, `1:2.3-4ubuntu1`; `2.7.4` fails).
#[derive(Default)]
pub struct PkgList;

impl Rule for PkgList {
    fn check(&self, site: &EffectiveSite<'_>, out: &mut Findings) {
        for action in &site.boot_actions {
            for (i, asset) in action.data.assets.iter().flatten().enumerate() {
                if asset.asset_type != AssetType::PkgList {
                    continue;
                }
                let packages = match &asset.data {
                    Some(AssetData::Packages(p)) if !p.is_empty() => Some(p),
                    _ => None,
                };
                let located = asset.location.as_deref().is_some_and(|l| !l.is_empty());
                let Some(packages) = packages else {
                    if !located {
                        out.error(
                            "Bootaction has asset of type 'pkg_list' but no valid package data",
                        )
                        .document(action.doc)
                        .diagnostic("pkg_list bootaction assets must specify a list of packages.")
                        .at(action.doc, field_path!(action.doc, "assets", i))
                        .report();
                    }
                    continue;
                };
                for (name, version) in packages {
                    let Some(v) = version.as_deref().filter(|v| !v.is_empty()) else {
                        continue;
                    };
                    // Compiled on the first version checked, not on every run.
                    let Some(pattern) = VERSION.as_ref() else {
                        continue;
                    };
                    if !pattern.is_match(v) {
                        out.error(format_args!("Version specifier {v} is not a valid format."))
                            .document(action.doc)
                            .diagnostic(
                                "pkg_list version specifications must be in a valid format.",
                            )
                            .at(
                                action.doc,
                                field_path!(action.doc, "assets", i, "data", name.as_str()),
                            )
                            .report();
                    }
                }
            }
        }
    }
}
