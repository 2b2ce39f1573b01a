//! [`BootActions`]: the calls behind the node-facing routes, and the
//! operator's (arm, status) over one store.

use std::collections::HashMap;
use std::path::PathBuf;

use drydock_core::design::AssetType;
use drydock_store::{Store, Uuid};

use super::context::{ActionInfo, DEFAULT_REPORT_URL, public_design_ref};
use super::locations::Locations;
use super::{Armed, BootError, arm, design, tarball};

/// Why a node's request is refused, with the status code the reference gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// 404: no such node (never armed) or boot action.
    NotFound(String),
    /// 401: no `X-Bootaction-Key`.
    Unauthorized,
    /// 403: the key is not the node's (or the action's).
    Forbidden,
    /// 400: a key that is not hex, or a body that does not fit the schema.
    BadRequest(String),
    /// 409: the boot action already has a final status.
    Conflict(String),
    /// 500: the assets could not be rendered.
    Failed(String),
    /// 503: the store cannot be used now (worth retrying).
    Unavailable(String),
}

impl Refusal {
    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        match self {
            Refusal::NotFound(_) => 404,
            Refusal::Unauthorized => 401,
            Refusal::Forbidden => 403,
            Refusal::BadRequest(_) => 400,
            Refusal::Conflict(_) => 409,
            Refusal::Failed(_) => 500,
            Refusal::Unavailable(_) => 503,
        }
    }

    /// The message for the answer's body.
    pub fn message(&self) -> String {
        match self {
            Refusal::NotFound(what) => format!("{what} not found"),
            Refusal::Unauthorized => "X-Bootaction-Key header required".into(),
            Refusal::Forbidden => "the key does not match".into(),
            Refusal::BadRequest(why)
            | Refusal::Conflict(why)
            | Refusal::Failed(why)
            | Refusal::Unavailable(why) => why.clone(),
        }
    }
}

/// A key presented in `X-Bootaction-Key`: `Err` when absent or not hex,
/// with the bytes compared in its place so the store does the same work.
pub(super) fn presented(key: Option<&str>) -> (Vec<u8>, Option<Refusal>) {
    match key.map(|k| hex::decode(k.trim())) {
        None => (vec![0; 32], Some(Refusal::Unauthorized)),
        Some(Err(_)) => (
            vec![0; 32],
            Some(Refusal::BadRequest("X-Bootaction-Key is not hex".into())),
        ),
        Some(Ok(bytes)) => (bytes, None),
    }
}

/// Boot actions over one store: arm nodes, serve their assets, take their
/// signals, report a task's actions.
#[derive(Clone, Debug)]
pub struct BootActions {
    pub(super) store: Store,
    locations: Locations,
    report_url: String,
}

impl BootActions {
    /// Over `store`, fetching asset locations with `locations`, telling
    /// nodes to report to [`DEFAULT_REPORT_URL`].
    pub fn new(store: Store, locations: Locations) -> Self {
        BootActions {
            store,
            locations,
            report_url: DEFAULT_REPORT_URL.to_owned(),
        }
    }

    /// Over the context's store and resolver (`[fetch]` bounds), `file://`
    /// locations under `file_roots` only; `None` without a store.
    pub fn from_context(context: &crate::Context, file_roots: Vec<PathBuf>) -> Option<Self> {
        let locations =
            Locations::new(context.resolver().clone(), context.config().fetch_options())
                .with_file_roots(file_roots);
        Some(BootActions::new(context.store()?.clone(), locations))
    }

    /// Nodes report to `url` (`action.report_url`).
    pub fn with_report_url(mut self, url: impl Into<String>) -> Self {
        self.report_url = url.into();
        self
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Arms `node` for task `task_id` (see [`Armed`]).
    pub async fn arm(&self, task_id: Uuid, node: &str) -> Result<Armed, BootError> {
        arm::arm(&self.store, task_id, node).await
    }

    /// The gzip'd tarball of `node`'s `unit` (or `file`) assets, rendered
    /// from its task's stored design with `key` (the `X-Bootaction-Key`
    /// header) as `action.action_key`. An unknown node and a wrong key cost
    /// the same two lookups.
    pub async fn node_tarball(
        &self,
        node: &str,
        key: Option<&str>,
        kind: AssetType,
    ) -> Result<Vec<u8>, Refusal> {
        let (bytes, bad_key) = presented(key);
        let matches = self.store.check_node_key(node, &bytes).await;
        let context = self.store.boot_action_context(node).await;
        let (matches, context) = match (matches, context) {
            (Ok(m), Ok(c)) => (m, c),
            (Err(e), _) | (_, Err(e)) => return Err(store_refusal(&format!("node {node}"), e)),
        };
        let Some(context) = context else {
            return Err(Refusal::NotFound(format!("node {node}")));
        };
        if let Some(refusal) = bad_key {
            return Err(refusal);
        }
        if !matches {
            return Err(Refusal::Forbidden);
        }
        let task = self
            .store
            .get_task(context.task_id)
            .await
            .map_err(|e| store_refusal("the node's task", e))?;
        let snapshot = task
            .design_snapshot_id
            .ok_or_else(|| Refusal::Failed(BootError::NoSnapshot(task.task_id).to_string()))?;
        let design = self
            .store
            .get_snapshot(snapshot)
            .await
            .map_err(|e| store_refusal("the node's task", e))?
            .model;
        // The current task's rows; per name the newest id.
        let mut ids: HashMap<String, Uuid> = HashMap::new();
        for row in self
            .store
            .boot_actions(node)
            .await
            .map_err(|e| store_refusal("the node's task", e))?
        {
            if row.task_id == context.task_id {
                ids.insert(row.action_name, row.action_id);
            }
        }
        let info = ActionInfo {
            action_id: Uuid::nil(),
            action_key: hex::encode(&bytes),
            report_url: self.report_url.clone(),
            design_ref: task
                .design_ref
                .as_deref()
                .map(public_design_ref)
                .unwrap_or_default(),
        };
        let actions = design::render_node(
            &design,
            node,
            &info,
            |name| ids.get(name).copied(),
            &self.locations,
            move |t| t == kind,
        )
        .await
        .map_err(|e| Refusal::Failed(e.to_string()))?;
        let assets: Vec<_> = actions.into_iter().flat_map(|a| a.assets).collect();
        tarball(&assets)
            .map_err(|e| Refusal::Failed(format!("the tarball could not be built: {e}")))
    }
}

/// A store error as a refusal: a value it refuses (a name too long, a NUL)
/// names nothing that exists, 404; anything else 503.
pub(super) fn store_refusal(what: &str, e: drydock_store::StoreError) -> Refusal {
    match e {
        drydock_store::StoreError::Invalid { .. } | drydock_store::StoreError::NotFound { .. } => {
            Refusal::NotFound(what.to_owned())
        }
        other => {
            tracing::warn!(error = %other, "boot actions: the store failed");
            Refusal::Unavailable("The store is unavailable".into())
        }
    }
}
