//! The template context of an asset (the original's `_get_template_context`):
//! `node` (hostname, domain, tags, labels, networks, interfaces) and
//! `action` (id, key, report URL, design reference without credentials).

use drydock_core::DesignRef;
use drydock_rules::{EffectiveNode, EffectiveSite};
use drydock_store::Uuid;
use serde_json::{Map, Value, json};

use super::ulid;

/// The report URL the original defaults to (`[bootactions] report_url`).
pub const DEFAULT_REPORT_URL: &str = "http://localhost:9000/api/v1.0/bootactions/";

/// What an asset's template knows of its boot action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionInfo {
    /// The action's id (shown as a 26-character ULID).
    pub action_id: Uuid,
    /// The node's key as 64 hex characters.
    pub action_key: String,
    /// Where the node reports (`action.report_url`).
    pub report_url: String,
    /// The design reference, without credentials.
    pub design_ref: String,
}

/// `reference` without its userinfo (user and password) and without its
/// secret query parameters: what `action.design_ref` shows a node.
pub fn public_design_ref(reference: &str) -> String {
    let Ok(parsed) = DesignRef::parse(reference) else {
        return drydock_core::redact_str(reference);
    };
    let without = parsed.without_secrets();
    match url::Url::parse(&without) {
        Ok(mut url) => {
            let _ = url.set_password(None);
            let _ = url.set_username("");
            url.to_string()
        }
        Err(_) => without,
    }
}

/// The `node` part of the context for `node` of `site`.
pub fn node_context(site: &EffectiveSite<'_>, node: &EffectiveNode<'_>) -> Value {
    let primary = node.host.primary_network.map(|t| t.value);
    let domain = primary
        .and_then(|n| site.network(n))
        .map_or("local", |n| n.dns_domain);
    let mut networks = Map::new();
    for a in node.addressing() {
        let Some(name) = a.network else { continue };
        let ip = match (a.address, a.dhcp) {
            (Some(ip), _) => ip,
            (None, true) => "dhcp",
            (None, false) => continue,
        };
        let network = site.network(name);
        let data = json!({
            "ip": ip,
            "cidr": network.and_then(|n| n.cidr),
            "dns_suffix": network.map(|n| n.dns_domain),
        });
        if Some(name) == primary {
            networks.insert("default".into(), data.clone());
        }
        networks.insert(name.to_owned(), data);
    }
    let interfaces: Map<String, Value> = node
        .host
        .interfaces
        .iter()
        .map(|i| {
            let data = match &i.sriov {
                Some(s) => {
                    json!({"sriov": true, "vf_count": s.vf_count, "trustedmode": s.trustedmode})
                }
                None => json!({"sriov": false}),
            };
            (i.name.to_owned(), data)
        })
        .collect();
    let labels: Map<String, Value> = node
        .host
        .owner_data
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Value::String(v.value.to_string())))
        .collect();
    let tags: Vec<&str> = node.host.tags.iter().map(|t| t.value).collect();
    json!({
        "hostname": node.name,
        "domain": domain,
        "tags": tags,
        "labels": labels,
        "network": networks,
        "interfaces": interfaces,
    })
}

/// What a template sees: its variables.
#[derive(Clone, Debug)]
pub struct TemplateContext(pub(super) minijinja::Value);

impl TemplateContext {
    /// The variables of a JSON object (its keys are the top-level names).
    pub fn from_json(value: &Value) -> Self {
        TemplateContext(minijinja::Value::from_serialize(value))
    }
}

/// The whole template context: `node` and `action`.
pub fn template_context(node: &Value, action: &ActionInfo) -> TemplateContext {
    TemplateContext::from_json(&json!({
        "node": node,
        "action": {
            "action_id": ulid::to_text(action.action_id),
            "action_key": action.action_key,
            "report_url": action.report_url,
            "design_ref": action.design_ref,
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_design_ref_shown_to_a_node_has_no_credentials() {
        assert_eq!(
            public_design_ref("https://ops:pw@h/x?token=t&rev=2"),
            "https://h/x?rev=2"
        );
        assert_eq!(
            public_design_ref(
                "deckhand+http://admin:secret@deckhand:9000/api/v1.0/revisions/7/rendered-documents"
            ),
            "deckhand+http://deckhand:9000/api/v1.0/revisions/7/rendered-documents"
        );
        assert_eq!(
            public_design_ref("file:///srv/site.yaml"),
            "file:///srv/site.yaml"
        );
    }
}
