//! `drydock bootaction arm|render|status` through the real binary.

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use drydock::store::{NewTask, Store, StoreOptions, TaskAction, Uuid};
use drydock::{ResolveOptions, Resolver};
use serde_json::Value;

use crate::common::drydock;

const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const ID: &str = "01BX5ZZKBKACTAV9WEVGEMMVRZ";

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/designs/deckhand_fullsite.yaml")
}

/// A store in `home` with a deploy task over the stored sample; the task
/// without a snapshot too.
async fn store_with_task(home: &Path) -> (String, Uuid, Uuid) {
    let url = format!("sqlite://{}", home.join("boot.db").display());
    let store = Store::connect(&url, &StoreOptions::default())
        .await
        .unwrap();
    let resolved = Resolver::new()
        .resolve(
            &format!("file://{}", sample().display()),
            &ResolveOptions::default(),
        )
        .await
        .unwrap();
    let saved = store.save_resolved(&resolved).await.unwrap();
    let mut new = NewTask::new(TaskAction::DeployNodes).with_design_ref("https://u:p@designs/site");
    new.design_snapshot_id = Some(saved.snapshot_id);
    let with = store.create_task(&new).await.unwrap().task_id;
    let without = store
        .create_task(&NewTask::new(TaskAction::DeployNodes))
        .await
        .unwrap()
        .task_id;
    store.close().await;
    (url, with, without)
}

#[tokio::test(flavor = "multi_thread")]
async fn arm_hands_the_key_out_once_and_status_lists_the_actions() {
    let home = tempfile::tempdir().unwrap();
    let (url, task, bare) = store_with_task(home.path()).await;
    let task = task.to_string();
    let run = |args: &[&str]| drydock(args, home.path(), &[]);

    let out = run(&[
        "bootaction",
        "arm",
        "--task",
        &task,
        "--node",
        "compute01",
        "--store",
        &url,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let key = stdout.trim_end();
    assert!(key.len() == 64 && hex::decode(key).is_ok(), "{stdout:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("helloworld  incomplete"), "{stderr}");
    assert!(stderr.contains("hw_filtered  unreported"), "{stderr}");

    let key_file = home.path().join("compute02.key");
    let out = run(&[
        "bootaction",
        "arm",
        "--task",
        &task,
        "--node",
        "compute02",
        "--store",
        &url,
        "--key-file",
        key_file.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "the key only in the file");
    let meta = std::fs::metadata(&key_file).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert_eq!(
        std::fs::read_to_string(&key_file).unwrap().trim_end().len(),
        64
    );
    // The file is never overwritten, and then the node is not re-armed.
    let again = run(&[
        "bootaction",
        "arm",
        "--task",
        &task,
        "--node",
        "compute02",
        "--store",
        &url,
        "--key-file",
        key_file.to_str().unwrap(),
    ]);
    assert_eq!(again.status.code(), Some(2));

    let out = run(&[
        "bootaction",
        "arm",
        "--task",
        &bare.to_string(),
        "--node",
        "compute01",
        "--store",
        &url,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("names no design snapshot"));
    let out = run(&[
        "bootaction",
        "arm",
        "--task",
        &task,
        "--node",
        "nobody",
        "--store",
        &url,
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no node nobody"));

    let out = run(&[
        "bootaction",
        "status",
        "--task",
        &task,
        "--store",
        &url,
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    let names: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["node_name"].as_str().unwrap(),
                r["action_name"].as_str().unwrap(),
                r["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("compute01", "hw_filtered", "unreported"),
            ("compute01", "helloworld", "incomplete"),
            ("compute02", "helloworld", "incomplete"),
            ("compute02", "hw_filtered2", "incomplete"),
        ]
    );
    assert_eq!(rows[1]["action_id"].as_str().unwrap().len(), 26);
    let out = run(&[
        "bootaction",
        "status",
        "--task",
        &task,
        "--store",
        &url,
        "--wait",
        "300ms",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.lines().filter(|l| l.ends_with("  timeout")).count(),
        3,
        "{text}"
    );
    let out = run(&[
        "bootaction",
        "status",
        "--task",
        &Uuid::nil().to_string(),
        "--store",
        &url,
    ]);
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn render_writes_the_assets_with_their_modes_and_lists_the_packages() {
    let home = tempfile::tempdir().unwrap();
    let out_dir = home.path().join("out");
    let reference = format!("file://{}", sample().display());
    let args = [
        "bootaction",
        "render",
        &reference,
        "--node",
        "compute01",
        "--action-id",
        ID,
        "--action-key",
        KEY,
        "--out",
        out_dir.to_str().unwrap(),
    ];
    let out = drydock(&args, home.path(), &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("package 2ping 3.2.1-1"), "{stdout}");
    assert!(stdout.contains("package 0xffff (any version)"), "{stdout}");
    assert!(stdout.contains(&format!("helloworld ({ID})")), "{stdout}");
    let script = out_dir.join("var/tmp/hello.sh");
    assert_eq!(
        std::fs::read_to_string(&script).unwrap(),
        "#!/bin/bash\n\necho 'Hello World! -from compute01'"
    );
    assert_eq!(
        std::fs::metadata(&script).unwrap().permissions().mode() & 0o7777,
        0o555
    );
    let designref = out_dir.join("var/tmp/designref.sh");
    assert_eq!(
        std::fs::read_to_string(&designref).unwrap(),
        format!("{reference}\n{ID}\n{KEY}")
    );
    assert_eq!(
        std::fs::metadata(&designref).unwrap().permissions().mode() & 0o7777,
        0o500
    );
    let unit = out_dir.join("lib/systemd/system/hello.service");
    assert_eq!(
        std::fs::metadata(&unit).unwrap().permissions().mode() & 0o7777,
        0o600
    );

    let out = drydock(
        &[
            "bootaction",
            "render",
            &reference,
            "--node",
            "compute01",
            "--action-id",
            ID,
            "--action-key",
            KEY,
            "--json",
        ],
        home.path(),
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let actions: Value = serde_json::from_slice(&out.stdout).unwrap();
    let hello = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "helloworld")
        .unwrap();
    assert_eq!(hello["action_id"], ID);
    let first = &hello["assets"][0];
    assert_eq!(first["path"], "/var/tmp/hello.sh");
    assert_eq!(first["type"], "file");
    assert_eq!(first["permissions"], "555");
    use base64::Engine as _;
    let content = base64::engine::general_purpose::STANDARD
        .decode(first["content_base64"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        content,
        b"#!/bin/bash\n\necho 'Hello World! -from compute01'"
    );
    assert_eq!(hello["assets"][3]["type"], "pkg_list");

    let bad = drydock(
        &[
            "bootaction",
            "render",
            &reference,
            "--node",
            "compute01",
            "--action-key",
            "zz",
            "--json",
        ],
        home.path(),
        &[],
    );
    assert_eq!(bad.status.code(), Some(64));
    let none = drydock(
        &[
            "bootaction",
            "render",
            &reference,
            "--node",
            "nobody",
            "--json",
        ],
        home.path(),
        &[],
    );
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("no node nobody"));
}
