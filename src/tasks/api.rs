//! A task as the original's REST API renders it.

use drydock_store::{ResultMessage, Task};
use serde::ser::{Serialize, SerializeStruct, Serializer};

/// A task as the original's API renders it (`kind: Task`, `apiVersion: v1`,
/// its result as `kind: Status`, `apiVersion: v1.0` with `details.errorCount`
/// and `details.messageList`, links as `[{rel, href}]`), plus the design
/// snapshot it ran on and how many of its claims lapsed (`attempts`: its
/// worker died and it was requeued); the design reference with credentials redacted.
/// Serialise it (e.g. with `serde_json`).
#[derive(Clone, Copy, Debug)]
pub struct ApiTask<'a>(&'a Task);

impl<'a> ApiTask<'a> {
    /// `task` as the original's API renders it, with the messages it was read with.
    pub fn of(task: &'a Task) -> Self {
        ApiTask(task)
    }
}

impl Serialize for ApiTask<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = self.0;
        let design_ref = t.design_ref.as_deref().map(drydock_core::redact_str);
        let mut m = s.serialize_struct("Task", 20)?;
        m.serialize_field("kind", "Task")?;
        m.serialize_field("apiVersion", "v1")?;
        m.serialize_field("task_id", &t.task_id)?;
        m.serialize_field("action", &t.action)?;
        m.serialize_field("parent_task_id", &t.parent_task_id)?;
        m.serialize_field("design_ref", &design_ref)?;
        m.serialize_field("status", &t.status)?;
        m.serialize_field("result", &ApiResult(t))?;
        m.serialize_field("node_filter", &t.node_filter)?;
        m.serialize_field("subtask_id_list", &t.subtask_id_list)?;
        m.serialize_field("created", &t.created)?;
        m.serialize_field("created_by", &t.created_by)?;
        m.serialize_field("updated", &t.updated)?;
        m.serialize_field("terminated", &t.terminated)?;
        m.serialize_field("terminated_by", &t.terminated_by)?;
        m.serialize_field("terminate", &t.terminate)?;
        m.serialize_field("retry", &t.retry)?;
        m.serialize_field("design_snapshot_id", &t.design_snapshot_id)?;
        m.serialize_field("attempts", &t.attempts)?;
        m.end()
    }
}

/// A task's result in the original API's shape.
struct ApiResult<'a>(&'a Task);

impl Serialize for ApiResult<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = &self.0.result;
        let mut m = s.serialize_struct("Status", 9)?;
        m.serialize_field("kind", "Status")?;
        m.serialize_field("apiVersion", "v1.0")?;
        m.serialize_field("message", &r.message)?;
        m.serialize_field("reason", &r.reason)?;
        m.serialize_field("status", &r.status)?;
        m.serialize_field("successes", &r.successes)?;
        m.serialize_field("failures", &r.failures)?;
        m.serialize_field("links", &r.links)?;
        m.serialize_field("details", &ApiDetails(self.0))?;
        m.end()
    }
}

/// A result's messages in the original API's shape.
struct ApiDetails<'a>(&'a Task);

impl Serialize for ApiDetails<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let messages: Vec<ApiMessage<'_>> = self.0.messages.iter().map(ApiMessage).collect();
        let mut m = s.serialize_struct("Details", 2)?;
        m.serialize_field("errorCount", &self.0.result.error_count)?;
        m.serialize_field("messageList", &messages)?;
        m.end()
    }
}

/// One result message in the original API's shape.
struct ApiMessage<'a>(&'a ResultMessage);

impl Serialize for ApiMessage<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut m = s.serialize_struct("Message", 6)?;
        m.serialize_field("message", &r.message)?;
        m.serialize_field("error", &r.error)?;
        m.serialize_field("context_type", &r.context_type)?;
        m.serialize_field("context", &r.context)?;
        m.serialize_field("ts", &r.ts)?;
        m.serialize_field("extra", &r.extra)?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use drydock_core::{Message, ValidationReport};
    use drydock_store::{NewTask, Store, StoreOptions, TaskAction, TaskLink};
    use serde_json::json;

    use super::ApiTask;

    #[tokio::test]
    async fn a_stored_task_renders_in_the_original_api_shape() {
        let s = Store::connect("sqlite::memory:", &StoreOptions::default())
            .await
            .unwrap();
        let new = NewTask::new(TaskAction::DeployNodes)
            .with_design_ref("deckhand+https://svc:s3cret@deckhand:9000/revisions/7?token=abc")
            .with_node_filter(
                json!({"filter_set_type": "union", "filter_set": [{"node_names": ["n1"]}]}),
            )
            .with_created_by("ops");
        let task = s.create_task(&new).await.unwrap();
        let child = s
            .create_task(&NewTask::new(TaskAction::DeployNode).with_parent(task.task_id))
            .await
            .unwrap();
        let mut report = ValidationReport::default();
        report
            .push(Message::error("DD001", "mtu too large").about("drydock/NetworkLink/v1", "oob"));
        s.append_messages(task.task_id, &crate::tasks::result_messages(&report))
            .await
            .unwrap();
        let mut t = s.get_task(task.task_id).await.unwrap();
        t.success(Some("n1"));
        t.failure(Some("n2"));
        t.result.links.push(TaskLink {
            rel: "detail".into(),
            href: "http://d/1".into(),
        });
        t.complete("deployed what it could");
        s.update_task(&t).await.unwrap();
        let t = s.get_task(t.task_id).await.unwrap();
        s.close().await;

        let api = serde_json::to_value(ApiTask::of(&t)).unwrap();
        assert_eq!(
            (api["kind"].as_str(), api["apiVersion"].as_str()),
            (Some("Task"), Some("v1"))
        );
        assert_eq!(api["action"], "deploy_nodes");
        assert_eq!(api["status"], "complete");
        let shown = api["design_ref"].as_str().unwrap();
        assert!(
            !shown.contains("s3cret") && !shown.contains("abc") && shown.contains("deckhand:9000"),
            "{shown}"
        );
        assert_eq!(api["subtask_id_list"], json!([child.task_id]));
        assert_eq!(api["node_filter"], new.node_filter.clone().unwrap());
        let result = &api["result"];
        assert_eq!(
            (result["kind"].as_str(), result["apiVersion"].as_str()),
            (Some("Status"), Some("v1.0"))
        );
        assert_eq!(result["status"], "partial_success");
        assert_eq!(result["message"], "deployed what it could");
        assert_eq!(
            (result["successes"].clone(), result["failures"].clone()),
            (json!(["n1"]), json!(["n2"]))
        );
        assert_eq!(
            result["links"],
            json!([{"rel": "detail", "href": "http://d/1"}])
        );
        assert_eq!(result["details"]["errorCount"], 1);
        let m = &result["details"]["messageList"][0];
        assert_eq!(
            (m["message"].as_str(), m["error"].as_bool()),
            (Some("mtu too large"), Some(true))
        );
        assert_eq!(
            (m["context_type"].as_str(), m["context"].as_str()),
            (Some("document"), Some("drydock/NetworkLink/v1:oob"))
        );
        assert_eq!(m["extra"]["code"], "DD001");
        assert!(m["ts"].is_string());
        for key in [
            "parent_task_id",
            "created",
            "created_by",
            "updated",
            "terminated",
            "terminated_by",
            "terminate",
            "retry",
            "design_snapshot_id",
            "attempts",
        ] {
            assert!(api.get(key).is_some(), "{key} is rendered");
        }
        let keys: Vec<&str> = api
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys.len(), 19, "{keys:?}");
    }
}
