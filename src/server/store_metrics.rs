//! The figures `/metrics` reads from the store at each scrape, so they count
//! every worker on it, not only this process's: tasks finished by action and
//! result, queue depth and oldest age, claims and requeues, leadership; and
//! this process's connection pool (in use, idle, open, most).

use std::sync::atomic::AtomicU64;

use drydock_store::{Store, TaskFilter, TaskStatus};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

/// Labels of a finished task.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct FinishedLabels {
    /// The task's action.
    pub action: String,
    /// Its result status (`success`, `failure`, `partial_success`, …).
    pub result: String,
}

/// The store's gauges.
#[derive(Debug)]
pub struct StoreGauges {
    finished: Family<FinishedLabels, Gauge>,
    queue_depth: Gauge,
    queue_oldest: Gauge<f64, AtomicU64>,
    running: Gauge,
    claims: Gauge,
    requeues: Gauge,
    leader: Gauge,
    leader_ping_age: Gauge<f64, AtomicU64>,
    up: Gauge,
    pool: Family<PoolLabels, Gauge>,
}

/// Labels of a pool figure.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PoolLabels {
    /// `in_use`, `idle`, `open` or `max`.
    pub state: &'static str,
}

impl StoreGauges {
    /// The gauges, registered in `registry`.
    pub fn register(registry: &mut Registry) -> Self {
        let g = StoreGauges {
            finished: Family::default(),
            queue_depth: Gauge::default(),
            queue_oldest: Gauge::default(),
            running: Gauge::default(),
            claims: Gauge::default(),
            requeues: Gauge::default(),
            leader: Gauge::default(),
            leader_ping_age: Gauge::default(),
            up: Gauge::default(),
            pool: Family::default(),
        };
        registry.register(
            "drydock_tasks_finished",
            "Stored tasks complete or terminated, by action and result",
            g.finished.clone(),
        );
        registry.register("drydock_queue_depth", "Tasks queued", g.queue_depth.clone());
        registry.register(
            "drydock_queue_oldest_age_seconds",
            "Age of the oldest queued task (0 when none)",
            g.queue_oldest.clone(),
        );
        registry.register("drydock_tasks_running", "Tasks running", g.running.clone());
        registry.register(
            "drydock_task_claims",
            "Claims of the stored tasks: the lapsed ones and each one's last",
            g.claims.clone(),
        );
        registry.register(
            "drydock_task_requeues",
            "Claims of the stored tasks that lapsed and were taken again",
            g.requeues.clone(),
        );
        registry.register(
            "drydock_leader_present",
            "1 when some worker holds the leader lease",
            g.leader.clone(),
        );
        registry.register(
            "drydock_leader_ping_age_seconds",
            "Seconds since the leader's last ping",
            g.leader_ping_age.clone(),
        );
        registry.register(
            "drydock_store_pool_connections",
            "This process's store connections by state (in_use, idle, open = in_use + idle, max)",
            g.pool.clone(),
        );
        registry.register(
            "drydock_store_up",
            "1 when the store answered this scrape's reads",
            g.up.clone(),
        );
        g
    }

    /// Reads the pool's figures, then the store's tasks and leader lease;
    /// on a store failure only `drydock_store_up` changes (to 0).
    pub async fn refresh(&self, store: &Store) {
        let pool = store.pool_status();
        for (state, value) in [
            ("in_use", pool.in_use),
            ("idle", pool.idle),
            ("open", pool.size),
            ("max", pool.max),
        ] {
            self.pool
                .get_or_create(&PoolLabels { state })
                .set(i64::from(value));
        }
        let (tasks, leader) = match (
            store.list_tasks(&TaskFilter::default()).await,
            store.current_leader().await,
        ) {
            (Ok(tasks), Ok(leader)) => (tasks, leader),
            (Err(err), _) | (_, Err(err)) => {
                tracing::warn!(error = %err, "metrics: the store did not answer");
                self.up.set(0);
                return;
            }
        };
        let now = chrono::Utc::now();
        let age = |t: chrono::DateTime<chrono::Utc>| (now - t).as_seconds_f64().max(0.0);
        self.finished.clear();
        let (mut queued, mut running, mut claims, mut requeues) = (0i64, 0i64, 0i64, 0i64);
        let mut oldest: Option<chrono::DateTime<chrono::Utc>> = None;
        for task in &tasks {
            // `attempts` counts the claims that lapsed (and were requeued);
            // `claimed_by` names the last claim's worker.
            let lapsed = i64::from(task.attempts.max(0));
            requeues += lapsed;
            claims += lapsed + i64::from(task.claimed_by.is_some());
            match task.status {
                TaskStatus::Queued => {
                    queued += 1;
                    oldest = Some(oldest.map_or(task.created, |o| o.min(task.created)));
                }
                TaskStatus::Complete | TaskStatus::Terminated => {
                    let labels = FinishedLabels {
                        action: task.action.as_str().to_owned(),
                        result: task.result.status.as_str().to_owned(),
                    };
                    self.finished.get_or_create(&labels).inc();
                }
                _ => running += 1,
            }
        }
        self.queue_depth.set(queued);
        self.queue_oldest.set(oldest.map_or(0.0, age));
        self.running.set(running);
        self.claims.set(claims);
        self.requeues.set(requeues);
        self.leader.set(i64::from(leader.is_some()));
        self.leader_ping_age
            .set(leader.map_or(0.0, |l| age(l.last_ping)));
        self.up.set(1);
    }
}
