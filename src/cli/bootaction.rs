//! `drydock bootaction arm|render|status`: arm a node for a task, see what
//! a node would get, see what nodes reported. Thin over `drydock::bootaction`.

use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use clap::{Args, Subcommand};
use drydock::bootaction::{
    ActionInfo, BootActions, DEFAULT_REPORT_URL, Locations, RenderedAction, public_design_ref,
    render_node, ulid,
};
use drydock::config::Config;
use drydock::store::Uuid;
use drydock::{Context, design::AssetType};
use serde_json::json;

use super::store::StoreArg;
use super::{EXIT_FAILURE, EXIT_OK, EXIT_STORE, output, store};

/// Arguments of `drydock bootaction`.
#[derive(Debug, Args)]
pub struct BootactionArgs {
    #[command(subcommand)]
    command: BootactionCommand,
}

#[derive(Debug, Subcommand)]
enum BootactionCommand {
    /// Give a node a fresh key for a task and one status row per boot action
    /// targeting it; the key is shown once (hex on stdout, or --key-file).
    Arm(ArmArgs),
    /// Render the boot actions a node of a design gets, into a directory.
    Render(RenderArgs),
    /// The boot actions a task armed nodes with and what the nodes reported.
    Status(StatusArgs),
}

/// Arguments of `drydock bootaction arm`.
#[derive(Debug, Args)]
pub struct ArmArgs {
    /// The task deploying the node (it must name a design snapshot).
    #[arg(long, value_name = "ID")]
    task: Uuid,
    /// The node.
    #[arg(long, value_name = "NAME")]
    node: String,
    /// Write the key (hex) into this new file, mode 0600, instead of stdout.
    #[arg(long, value_name = "PATH")]
    key_file: Option<PathBuf>,
    #[command(flatten)]
    store: StoreArg,
}

/// Arguments of `drydock bootaction render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The design reference.
    reference: String,
    /// The node.
    #[arg(long, value_name = "NAME")]
    node: String,
    /// The action id every action gets (26-character ULID); else a fresh one each.
    #[arg(long, value_name = "ULID")]
    action_id: Option<String>,
    /// The node's key (hex); else a fresh one.
    #[arg(long, value_name = "HEX")]
    action_key: Option<String>,
    /// `action.report_url`.
    #[arg(long, value_name = "URL", default_value = DEFAULT_REPORT_URL)]
    report_url: String,
    /// Allow file:// asset locations under this directory (repeatable).
    #[arg(long, value_name = "DIR")]
    allow_file_root: Vec<PathBuf>,
    /// Write each unit and file asset at DIR + its path, with its mode.
    #[arg(long, value_name = "DIR", required_unless_present = "json")]
    out: Option<PathBuf>,
    /// Print the actions as JSON (assets with content_base64).
    #[arg(long)]
    json: bool,
}

/// Arguments of `drydock bootaction status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The task.
    #[arg(long, value_name = "ID")]
    task: Uuid,
    /// Wait until no action is incomplete, at most this long (e.g. 15m).
    #[arg(long, value_name = "TIMEOUT", value_parser = humantime::parse_duration)]
    wait: Option<Duration>,
    #[command(flatten)]
    store: StoreArg,
    /// Print a JSON array.
    #[arg(long)]
    json: bool,
}

/// Runs the subcommand.
pub async fn run(config: Config, args: BootactionArgs) -> u8 {
    match args.command {
        BootactionCommand::Arm(a) => arm(config, a).await,
        BootactionCommand::Render(a) => render(config, a).await,
        BootactionCommand::Status(a) => status(config, a).await,
    }
}

async fn boot_actions(config: Config, store_arg: &StoreArg) -> Result<BootActions, u8> {
    let url = store_arg.url(&config);
    match store::open_existing(&url).await {
        Ok(opened) => {
            let context = Context::with_store(config, opened);
            BootActions::from_context(&context, Vec::new()).ok_or(EXIT_STORE)
        }
        Err(err) => {
            output::report_error(&drydock::Error::from(err), false, None);
            Err(EXIT_STORE)
        }
    }
}

async fn arm(config: Config, a: ArmArgs) -> u8 {
    // The key file first: a node is never armed with a key nobody can read.
    let mut key_file = match a.key_file.as_deref().map(create_private) {
        Some(Ok(file)) => Some(file),
        Some(Err(err)) => {
            errln!(
                "error: {}: {err}",
                a.key_file.as_deref().unwrap_or(Path::new("")).display()
            );
            return EXIT_FAILURE;
        }
        None => None,
    };
    let remove_key_file = || {
        if let Some(path) = &a.key_file {
            let _ = std::fs::remove_file(path);
        }
    };
    let boot = match boot_actions(config, &a.store).await {
        Ok(b) => b,
        Err(code) => {
            remove_key_file();
            return code;
        }
    };
    let armed = boot.arm(a.task, &a.node).await;
    boot.store().close().await;
    let armed = match armed {
        Ok(armed) => armed,
        Err(err) => {
            remove_key_file();
            errln!("error: {}", output::safe(&err.to_string()));
            return EXIT_FAILURE;
        }
    };
    match &mut key_file {
        Some(file) => {
            use std::io::Write as _;
            if let Err(err) = writeln!(file, "{}", armed.key_hex()).and_then(|()| file.sync_all()) {
                errln!("error: writing the key: {err}");
                return EXIT_FAILURE;
            }
        }
        None => outln!("{}", armed.key_hex()),
    }
    for row in &armed.actions {
        errln!(
            "{}  {}  {}",
            ulid::to_text(row.action_id),
            output::safe(&row.action_name),
            row.status
        );
    }
    EXIT_OK
}

/// A new file readable by its owner only (never an existing one).
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

async fn render(config: Config, a: RenderArgs) -> u8 {
    let key = match a.action_key.as_deref().map(hex::decode) {
        Some(Ok(k)) => hex::encode(k),
        Some(Err(_)) => {
            errln!("error: --action-key is not hex");
            return super::EXIT_USAGE;
        }
        None => {
            let mut k = [0u8; 32];
            let _ = getrandom::fill(&mut k);
            hex::encode(k)
        }
    };
    let fixed_id = match a.action_id.as_deref().map(ulid::parse) {
        Some(None) => {
            errln!("error: --action-id is not a 26-character ULID");
            return super::EXIT_USAGE;
        }
        Some(Some(id)) => Some(id),
        None => None,
    };
    let context = Context::new(config);
    let resolved = match context
        .resolver()
        .resolve(&a.reference, &context.resolve_options())
        .await
    {
        Ok(r) => r,
        Err(err) => {
            output::print_error(&err);
            return output::exit_code(&err);
        }
    };
    let locations = Locations::new(context.resolver().clone(), context.config().fetch_options())
        .with_file_roots(a.allow_file_root.clone());
    let info = ActionInfo {
        action_id: Uuid::nil(),
        action_key: key,
        report_url: a.report_url.clone(),
        design_ref: public_design_ref(&a.reference),
    };
    let rendered = render_node(
        &resolved.ingested.design,
        &a.node,
        &info,
        |_| Some(fixed_id.unwrap_or_else(ulid::new_action_id)),
        &locations,
        |_| true,
    )
    .await;
    let actions = match rendered {
        Ok(actions) => actions,
        Err(err) => {
            errln!("error: {}", output::safe(&err.to_string()));
            return EXIT_FAILURE;
        }
    };
    if let Some(dir) = &a.out
        && let Err(err) = write_assets(dir, &actions, !a.json)
    {
        errln!("error: {err}");
        return EXIT_FAILURE;
    }
    if a.json {
        outln!("{}", actions_json(&actions));
    }
    EXIT_OK
}

/// Writes each unit and file asset under `dir`; lists what it does (and
/// the packages) on stdout when `list`.
fn write_assets(dir: &Path, actions: &[RenderedAction], list: bool) -> Result<(), String> {
    for action in actions {
        if list {
            outln!(
                "{} ({})",
                output::safe(&action.name),
                ulid::to_text(action.action_id)
            );
        }
        for asset in &action.assets {
            if let Some(packages) = &asset.packages {
                for (name, version) in packages {
                    if list {
                        let version = version.as_deref().unwrap_or("(any version)");
                        outln!("  package {} {}", output::safe(name), output::safe(version));
                    }
                }
                continue;
            }
            let Some(path) = &asset.path else { continue };
            let target = under(dir, path)?;
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            std::fs::write(&target, &asset.bytes)
                .map_err(|e| format!("{}: {e}", target.display()))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt as _;
                std::fs::set_permissions(&target, std::fs::Permissions::from_mode(asset.mode()))
                    .map_err(|e| format!("{}: {e}", target.display()))?;
            }
            if list {
                outln!(
                    "  {} {:o} {}",
                    kind(asset.asset_type),
                    asset.mode(),
                    target.display()
                );
            }
        }
    }
    Ok(())
}

/// `dir` + the absolute `path`, refusing `..` (a design cannot write outside `dir`).
fn under(dir: &Path, path: &str) -> Result<PathBuf, String> {
    let mut out = dir.to_path_buf();
    for part in Path::new(path).components() {
        match part {
            Component::RootDir => {}
            Component::Normal(p) => out.push(p),
            _ => return Err(format!("asset path {path:?} leaves its directory")),
        }
    }
    Ok(out)
}

fn kind(t: AssetType) -> &'static str {
    match t {
        AssetType::Unit => "unit",
        AssetType::File => "file",
        AssetType::PkgList => "pkg_list",
    }
}

fn actions_json(actions: &[RenderedAction]) -> serde_json::Value {
    let b64 = base64::engine::general_purpose::STANDARD;
    actions
        .iter()
        .map(|a| {
            let assets: Vec<_> = a
                .assets
                .iter()
                .map(|x| {
                    let mut v = json!({
                        "path": x.path,
                        "type": kind(x.asset_type),
                        "permissions": x.permissions,
                        "content_base64": b64.encode(&x.bytes),
                    });
                    if let Some(p) = &x.packages {
                        v["packages"] = json!(p);
                    }
                    v
                })
                .collect();
            json!({
                "name": a.name,
                "action_id": ulid::to_text(a.action_id),
                "signaling": a.signaling,
                "assets": assets,
            })
        })
        .collect()
}

async fn status(config: Config, a: StatusArgs) -> u8 {
    let boot = match boot_actions(config, &a.store).await {
        Ok(b) => b,
        Err(code) => return code,
    };
    let found = match a.wait {
        Some(timeout) => boot.wait(a.task, timeout, Duration::from_millis(500)).await,
        None => boot.status(a.task).await,
    };
    boot.store().close().await;
    let rows = match found {
        Ok(rows) => rows,
        Err(err) => {
            errln!("error: {}", output::safe(&err.to_string()));
            return EXIT_STORE;
        }
    };
    if a.json {
        outln!(
            "{}",
            serde_json::to_string(&rows).unwrap_or_else(|_| "[]".into())
        );
    } else {
        if rows.is_empty() {
            errln!("no boot actions");
        }
        for r in &rows {
            outln!(
                "{}  {}  {}  {}",
                output::safe(&r.node_name),
                output::safe(&r.action_name),
                r.action_id,
                serde_json::to_value(r.outcome)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            );
        }
    }
    EXIT_OK
}
