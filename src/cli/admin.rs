//! `drydock leader` and `drydock store migrate|status`.

use clap::{Args, Subcommand};
use drydock::store::{Store, StoreOptions, TaskFilter, TaskStatus};

use super::store::StoreArg;
use super::{EXIT_OK, output, store};
use drydock::config::Config;

/// Arguments of `drydock leader`.
#[derive(Debug, Args)]
pub struct LeaderArgs {
    #[command(flatten)]
    store: StoreArg,
    /// Print `{"leader": {instance_id, since, last_ping, age_seconds} | null}`.
    #[arg(long)]
    json: bool,
}

/// Arguments of `drydock store`.
#[derive(Debug, Args)]
pub struct StoreCmdArgs {
    #[command(subcommand)]
    command: StoreCommand,
}

#[derive(Debug, Subcommand)]
enum StoreCommand {
    /// Create the store if it is missing and apply its pending migrations.
    Migrate(Plain),
    /// Whether the store answers, which backend it is, and what it holds.
    Status(Plain),
    /// Import an original Drydock database (tasks, messages, build data,
    /// boot actions) once the original is stopped; a second run adds only
    /// what is missing, never updates. Prints a per-table report.
    Import(Box<super::import::ImportArgs>),
}

/// Just a store and `--json`.
#[derive(Debug, Args)]
pub struct Plain {
    #[command(flatten)]
    store: StoreArg,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

fn failed(err: drydock::store::StoreError, json: bool) -> u8 {
    let code = store::exit_code(&err);
    output::report_error(&drydock::Error::from(err), json, None);
    code
}

/// `drydock leader`: who holds the active-instance lease, since when, last ping.
pub async fn leader(config: &Config, a: LeaderArgs) -> u8 {
    let url = a.store.url(config);
    let opened = match store::open_existing(&url).await {
        Ok(opened) => opened,
        Err(err) => return failed(err, a.json),
    };
    let found = opened.current_leader().await;
    opened.close().await;
    let leader = match found {
        Ok(leader) => leader,
        Err(err) => return failed(err, a.json),
    };
    let age = leader
        .as_ref()
        .map(|l| (drydock::store::now() - l.last_ping).num_milliseconds() as f64 / 1000.0);
    if a.json {
        let value = leader.as_ref().map(|l| {
            serde_json::json!({
                "instance_id": l.instance_id, "since": l.since, "last_ping": l.last_ping,
                "age_seconds": age,
            })
        });
        outln!("{}", serde_json::json!({ "leader": value }));
        return EXIT_OK;
    }
    match leader {
        None => outln!("no leader"),
        Some(l) => {
            outln!("leader      {}", l.instance_id);
            if let Some(since) = l.since {
                outln!("since       {}", since.to_rfc3339());
            }
            outln!(
                "last ping   {} ({:.1} s ago)",
                l.last_ping.to_rfc3339(),
                age.unwrap_or_default()
            );
        }
    }
    EXIT_OK
}

/// `drydock store migrate|status`.
pub async fn store_cmd(config: &Config, a: StoreCmdArgs) -> u8 {
    match a.command {
        StoreCommand::Migrate(p) => {
            let url = p.store.url(config);
            match store::open_for_writing(&url).await {
                Ok(opened) => {
                    opened.close().await;
                    if p.json {
                        outln!(
                            "{}",
                            serde_json::json!({ "store": drydock::store::redact_url(&url), "migrated": true })
                        );
                    } else {
                        outln!(
                            "{} is migrated",
                            output::safe(&drydock::store::redact_url(&url))
                        );
                    }
                    EXIT_OK
                }
                Err(err) => failed(err, p.json),
            }
        }
        StoreCommand::Status(p) => status(config, p).await,
        StoreCommand::Import(a) => super::import::run(config, *a).await,
    }
}

async fn status(config: &Config, p: Plain) -> u8 {
    let url = p.store.url(config);
    let mut options = StoreOptions::existing_only().single_connection();
    options.migrate = false;
    let opened = match Store::connect(&url, &options).await {
        Ok(opened) => opened,
        Err(err) => return failed(err, p.json),
    };
    let counted = async {
        opened.ping().await?;
        let mut counts = serde_json::Map::new();
        for status in [TaskStatus::Queued, TaskStatus::Running] {
            let filter = TaskFilter {
                statuses: vec![status.clone()],
                ..TaskFilter::default()
            };
            let n = opened.list_tasks(&filter).await?.len();
            counts.insert(status.as_str().to_owned(), n.into());
        }
        let leader = opened.current_leader().await?;
        Ok::<_, drydock::store::StoreError>((counts, leader))
    }
    .await;
    opened.close().await;
    let (counts, leader) = match counted {
        Ok(found) => found,
        Err(err) => return failed(err, p.json),
    };
    let backend = format!("{:?}", opened.backend()).to_ascii_lowercase();
    if p.json {
        outln!(
            "{}",
            serde_json::json!({
                "store": drydock::store::redact_url(&url), "backend": backend, "answers": true,
                "tasks": counts, "leader": leader.map(|l| l.instance_id),
            })
        );
        return EXIT_OK;
    }
    outln!(
        "store       {} ({backend}), answers",
        output::safe(&drydock::store::redact_url(&url))
    );
    for (status, n) in counts {
        outln!("{status:<11} {n} task(s)");
    }
    match leader {
        Some(l) => outln!("leader      {}", l.instance_id),
        None => outln!("leader      none"),
    }
    EXIT_OK
}
