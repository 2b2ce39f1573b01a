//! A node's boot actions in a design: which target it, rendered.

use drydock_core::SiteDesign;
use drydock_core::design::AssetType;
use drydock_rules::EffectiveSite;
use drydock_store::Uuid;
use serde::Serialize;

use super::context::{ActionInfo, node_context, template_context};
use super::locations::Locations;
use super::render::{RenderedAsset, render_assets};
use super::{BootError, ulid};

/// A boot action rendered for a node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RenderedAction {
    /// Its name.
    pub name: String,
    /// Its id on this node (26-character ULID text when shown).
    #[serde(serialize_with = "as_ulid")]
    pub action_id: Uuid,
    /// Whether the node reports its result (`signaling`, true by default).
    pub signaling: bool,
    /// Its assets, in order.
    pub assets: Vec<RenderedAsset>,
}

fn as_ulid<S: serde::Serializer>(id: &Uuid, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&ulid::to_text(*id))
}

/// The names and `signaling` of the boot actions of `design` targeting
/// `node`, in document order.
pub fn targeting(design: &SiteDesign, node: &str) -> Result<Vec<(String, bool)>, BootError> {
    let site = compile(design)?;
    let index = node_index(&site, node)?;
    Ok(site
        .boot_actions
        .iter()
        .filter(|ba| ba.targets.contains(index))
        .map(|ba| (ba.name.to_owned(), ba.data.signaling.unwrap_or(true)))
        .collect())
}

/// Renders, for `node` of `design`, the assets whose type `keep` accepts of
/// every boot action targeting it; `ids` gives each action's id by name
/// (none: the node was not armed with it). `action` is the rest of the
/// `action` context (its id is replaced per action).
pub async fn render_node(
    design: &SiteDesign,
    node: &str,
    action: &ActionInfo,
    ids: impl Fn(&str) -> Option<Uuid>,
    locations: &Locations,
    keep: impl Fn(AssetType) -> bool + Copy,
) -> Result<Vec<RenderedAction>, BootError> {
    let site = compile(design)?;
    let index = node_index(&site, node)?;
    let node_ctx = node_context(&site, &site.nodes[index]);
    let mut out = Vec::new();
    for ba in site
        .boot_actions
        .iter()
        .filter(|ba| ba.targets.contains(index))
    {
        let action_id = ids(ba.name).ok_or_else(|| BootError::NotArmed {
            node: node.to_owned(),
            action: ba.name.to_owned(),
        })?;
        let info = ActionInfo {
            action_id,
            ..action.clone()
        };
        let context = template_context(&node_ctx, &info);
        let assets = render_assets(ba.name, ba.data, &context, locations, keep).await?;
        out.push(RenderedAction {
            name: ba.name.to_owned(),
            action_id,
            signaling: ba.data.signaling.unwrap_or(true),
            assets,
        });
    }
    Ok(out)
}

fn compile(design: &SiteDesign) -> Result<EffectiveSite<'_>, BootError> {
    EffectiveSite::compile(design).map_err(|problems| {
        BootError::Design(
            problems
                .iter()
                .map(|p| p.kind.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}

fn node_index(site: &EffectiveSite<'_>, node: &str) -> Result<usize, BootError> {
    site.nodes
        .iter()
        .position(|n| n.name == node)
        .ok_or_else(|| BootError::NoSuchNode(node.to_owned()))
}
