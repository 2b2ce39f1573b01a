//! The real `drydock` binary on fixture designs: exit statuses, JSON output, storing.

use std::path::{Path, PathBuf};
use std::process::Output;

fn designs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/designs")
}

fn reference(relative: &str) -> String {
    format!("file://{}", designs().join(relative).display())
}

fn drydock(args: &[&str], data_home: &Path) -> Output {
    crate::common::command(data_home)
        .args(args)
        .env("XDG_DATA_HOME", data_home)
        .output()
        .expect("the drydock binary runs")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON object ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

#[test]
fn valid_designs_exit_0_in_both_formats() {
    let home = tempfile::tempdir().expect("temp dir");
    for (file, ingester, nodes) in [
        ("valid/site-deckhand.yaml", "deckhand", None),
        ("valid/site-legacy.yaml", "yaml", None),
        ("deckhand_fullsite.yaml", "deckhand", Some(3)),
        ("fullsite.yaml", "yaml", Some(2)),
    ] {
        // The original's legacy sample passes its schemas but not the design
        // rules (one Allowed Network Check error, as in Drydock): judged by
        // its schemas only here, and by the rules below.
        let schema_only = file == "fullsite.yaml";
        let mut args = vec!["resolve".to_owned(), reference(file)];
        if schema_only {
            args.push("--schema-only".into());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = drydock(&args, home.path());
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{file}: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains(&format!("by the {ingester} ingester")),
            "{text}"
        );
        assert!(text.contains("validation  success"), "{text}");
        assert!(text.contains("sha256:"), "{text}");
        if let Some(nodes) = nodes {
            assert!(
                text.contains(&format!("BaremetalNode        {nodes}")),
                "{text}"
            );
        }
    }
    let out = drydock(&["resolve", &reference("fullsite.yaml")], home.path());
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("DD1007") && text.contains("Allowed Network Check"),
        "{text}"
    );
}

#[test]
fn json_output_has_the_documented_shape() {
    let home = tempfile::tempdir().expect("temp dir");
    let out = drydock(
        &["resolve", &reference("deckhand_fullsite.yaml"), "--json"],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["report"]["status"], "success");
    assert!(v["report"]["messages"].is_array());
    for kind in [
        "region",
        "network_links",
        "networks",
        "hardware_profiles",
        "host_profiles",
        "baremetal_nodes",
        "racks",
        "boot_actions",
    ] {
        assert!(v["design"][kind].is_object(), "design.{kind} missing: {v}");
    }
    assert_eq!(
        v["design"]["baremetal_nodes"].as_object().map(|m| m.len()),
        Some(3)
    );
    assert_eq!(v["fetch"]["driver"], "file");
    assert_eq!(
        v["fetch"]["length"].as_u64(),
        std::fs::metadata(designs().join("deckhand_fullsite.yaml"))
            .ok()
            .map(|m| m.len())
    );
    assert!(
        v["fetch"]["digest"]
            .as_str()
            .is_some_and(|d| d.starts_with("sha256:"))
    );
    assert_eq!(v["summary"]["ingester"], "deckhand");
    assert!(v["snapshot"].is_null());
}

#[test]
fn invalid_designs_exit_1_with_a_failure_report() {
    let home = tempfile::tempdir().expect("temp dir");
    let dir = designs().join("invalid");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("invalid fixtures") {
        let path = entry.expect("dir entry").path();
        let out = drydock(
            &["resolve", &format!("file://{}", path.display()), "--json"],
            home.path(),
        );
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let v = json(&out);
        assert_eq!(v["report"]["status"], "failure", "{}", path.display());
        let messages = v["report"]["messages"].as_array().expect("messages");
        assert!(
            messages.iter().any(|m| m["level"] == "error"
                && m["code"].as_str().is_some_and(|c| c.starts_with("DD"))),
            "{}: {v}",
            path.display()
        );
        for m in messages {
            assert!(m["message"].is_string() && m["documents"].is_array(), "{m}");
        }
        seen += 1;
    }
    assert!(seen >= 10, "only {seen} invalid fixtures");
}

#[test]
fn invalid_design_human_output_names_the_problem() {
    let home = tempfile::tempdir().expect("temp dir");
    let out = drydock(
        &["resolve", &reference("invalid/bad-enum-bonding-mode.yaml")],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("validation  FAILURE"), "{text}");
    assert!(text.contains("DD001"), "{text}");
    assert!(text.contains("line "), "{text}");
}

#[test]
fn store_saves_a_snapshot_once_per_content_and_lists_it() {
    let home = tempfile::tempdir().expect("temp dir");
    let design = reference("deckhand_fullsite.yaml");
    let first = drydock(&["resolve", &design, "--store", "--json"], home.path());
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let first = json(&first);
    let store = first["snapshot"]["store"]
        .as_str()
        .expect("store url")
        .to_owned();
    assert!(store.ends_with("drydock/drydock.db"), "{store}");
    assert!(home.path().join("drydock/drydock.db").is_file());
    let second = json(&drydock(
        &["resolve", &design, "--store", "--json"],
        home.path(),
    ));
    // Unchanged content: the same snapshot, resolved twice.
    assert_eq!(
        first["snapshot"]["snapshot_id"],
        second["snapshot"]["snapshot_id"]
    );
    assert_eq!(
        (&first["snapshot"]["reused"], &second["snapshot"]["reused"]),
        (&serde_json::json!(false), &serde_json::json!(true))
    );
    assert_eq!(first["snapshot"]["digest"], second["snapshot"]["digest"]);
    assert!(
        first["snapshot"]["digest"]
            .as_str()
            .is_some_and(|d| d.starts_with("sha256:")),
        "{first}"
    );

    let listed = drydock(&["snapshots", &design, "--json"], home.path());
    assert_eq!(listed.status.code(), Some(0));
    let listed = json(&listed);
    let listed = listed.as_array().expect("array");
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["snapshot_id"], first["snapshot"]["snapshot_id"]);
    assert_eq!(listed[0]["resolve_count"], 2);
}

#[test]
fn an_invalid_design_is_stored_with_its_report_and_exits_1() {
    let home = tempfile::tempdir().expect("temp dir");
    let design = reference("invalid/missing-name.yaml");
    let out = drydock(&["resolve", &design, "--store"], home.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("snapshot "));
}

#[test]
fn an_unusable_store_exits_3_and_hides_its_password() {
    let home = tempfile::tempdir().expect("temp dir");
    let blocker = home.path().join("not-a-dir");
    std::fs::write(&blocker, b"x").expect("write");
    let url = format!("sqlite://{}/sub/drydock.db", blocker.display());
    let out = drydock(
        &["resolve", &reference("fullsite.yaml"), "--store", &url],
        home.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: ") && err.contains("hint: "),
        "{err}"
    );

    let out = drydock(
        &[
            "resolve",
            &reference("fullsite.yaml"),
            "--store",
            "postgres://drydock:hunter2@127.0.0.1:1/none",
        ],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("hunter2"), "{err}");
    assert!(err.contains("127.0.0.1:1"), "{err}");
}

#[test]
fn a_design_resolved_but_not_stored_is_printed_with_the_store_error_and_exits_3() {
    let home = tempfile::tempdir().expect("temp dir");
    // A path longer than the store keeps in a key (2,048 bytes): the design
    // resolves, storing it is refused.
    let mut dir = home.path().to_path_buf();
    for i in 0..9 {
        dir.push(format!("{i}{}", "d".repeat(240)));
    }
    std::fs::create_dir_all(&dir).expect("deep directory");
    let site = dir.join("site.yaml");
    std::fs::copy(designs().join("deckhand_fullsite.yaml"), &site).expect("copy");
    let design = format!("file://{}", site.display());
    let store = format!("sqlite://{}/d.db", home.path().display());
    let out = drydock(
        &["resolve", &design, "--store", &store, "--json"],
        home.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    assert_eq!(v["report"]["status"], "success", "the resolution stands");
    assert_eq!(v["fetch"]["cache"], "miss");
    assert!(v["design"].is_object() && v["summary"].is_object(), "{v}");
    assert!(v["snapshot"].is_null(), "{v}");
    let message = v["error"]["message"].as_str().expect("the store error");
    assert!(
        message.contains("snapshot.key") && message.contains("2048"),
        "{message}"
    );

    let out = drydock(&["resolve", &design, "--store", &store], home.path());
    assert_eq!(out.status.code(), Some(3));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("validation  success"), "{printed}");
    assert!(!printed.contains("snapshot "), "{printed}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error: ") && err.contains("snapshot.key"),
        "{err}"
    );
}
