//! Rendering a boot action's assets (the original's `BootActionAsset.render`).

use std::collections::BTreeMap;

use drydock_core::design::{Asset, AssetData, AssetType, BootAction};
use serde::Serialize;

use super::context::TemplateContext;
use super::locations::Locations;
use super::pipeline::{self, Value};

/// One rendered asset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RenderedAsset {
    /// Absolute path on the node (none for a `pkg_list`).
    pub path: Option<String>,
    /// `unit`, `file` or `pkg_list`.
    #[serde(rename = "type")]
    pub asset_type: AssetType,
    /// The octal mode as written (`"555"`), if any.
    pub permissions: Option<String>,
    /// The rendered bytes (a `pkg_list`: none).
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// A `pkg_list`'s packages and versions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub packages: Option<BTreeMap<String, Option<String>>>,
}

impl RenderedAsset {
    /// The mode its file gets: `permissions` in octal, else (or when `000`
    /// or unreadable) 0600, as the original's tarball.
    pub fn mode(&self) -> u32 {
        self.permissions
            .as_deref()
            .and_then(|p| u32::from_str_radix(p, 8).ok())
            .filter(|m| *m != 0 && *m <= 0o7777)
            .unwrap_or(0o600)
    }
}

/// Why an asset could not be rendered: the boot action, the asset, the step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderError {
    /// The boot action's name.
    pub action: String,
    /// The asset: its path, or `asset N` (from 0) without one.
    pub asset: String,
    /// The step: `location`, `location_pipeline`, a data pipeline segment, `data`.
    pub step: String,
    /// Why.
    pub reason: String,
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "boot action {}, asset {}, step {}: {}",
            self.action, self.asset, self.step, self.reason
        )
    }
}

impl std::error::Error for RenderError {}

/// Renders the assets of boot action `name` whose type `keep` accepts,
/// in order, with `context` as the templates' context.
pub async fn render_assets(
    name: &str,
    action: &BootAction,
    context: &TemplateContext,
    locations: &Locations,
    keep: impl Fn(AssetType) -> bool,
) -> Result<Vec<RenderedAsset>, RenderError> {
    let mut out = Vec::new();
    for (index, asset) in action.assets.iter().flatten().enumerate() {
        if !keep(asset.asset_type) {
            continue;
        }
        let fail = |step: &str, reason: String| RenderError {
            action: name.to_owned(),
            asset: asset
                .path
                .clone()
                .unwrap_or_else(|| format!("asset {index}")),
            step: step.to_owned(),
            reason,
        };
        out.push(render_asset(asset, context, locations, fail).await?);
    }
    Ok(out)
}

async fn render_asset(
    asset: &Asset,
    context: &TemplateContext,
    locations: &Locations,
    fail: impl Fn(&str, String) -> RenderError,
) -> Result<RenderedAsset, RenderError> {
    let mut rendered = RenderedAsset {
        path: asset.path.clone(),
        asset_type: asset.asset_type,
        permissions: asset.permissions.clone(),
        bytes: Vec::new(),
        packages: None,
    };
    let data = match (&asset.location, &asset.data) {
        (Some(location), _) => {
            let steps = asset.location_pipeline.as_deref().unwrap_or_default();
            let url = pipeline::run_location(location, steps, context)
                .map_err(|why| fail("location_pipeline", why))?;
            let bytes = locations
                .fetch(&url)
                .await
                .map_err(|why| fail("location", why))?;
            if asset.asset_type == AssetType::PkgList {
                rendered.packages = Some(
                    serde_json::from_slice(&bytes)
                        .map_err(|e| fail("location", format!("not a JSON package map: {e}")))?,
                );
                return Ok(rendered);
            }
            Value::Bytes(bytes)
        }
        (None, Some(AssetData::Packages(packages))) => {
            rendered.packages = Some(packages.clone());
            return Ok(rendered);
        }
        (None, Some(AssetData::Text(text))) if asset.asset_type == AssetType::PkgList => {
            rendered.packages = Some(
                serde_json::from_str(text)
                    .map_err(|e| fail("data", format!("not a package map: {e}")))?,
            );
            return Ok(rendered);
        }
        (None, Some(AssetData::Text(text))) => Value::Bytes(text.as_bytes().to_vec()),
        (None, None) => Value::Bytes(Vec::new()),
    };
    let steps = asset.data_pipeline.as_deref().unwrap_or_default();
    rendered.bytes = pipeline::run_data(data, steps, context)
        .map_err(|(step, why)| fail(step, why))?
        .into_bytes();
    Ok(rendered)
}
