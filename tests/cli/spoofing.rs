//! Spoofing through the real binary: text from outside (server bodies,
//! document names, values and schemas, file names) holding ESC, CR,
//! newline, C1 controls and bidirectional overrides reaches the terminal
//! escaped in every human output (resolve, validate, snapshots show/diff,
//! task show); `--json` carries it exactly.

use crate::common;

use std::path::Path;

use common::{printed, run};
use drydock_fixtures::sitegen::{SiteSpec, deckhand};
use drydock_fixtures::{HttpFixture, Route};

/// A node name that would clear the screen, start a fake line, and reorder text.
const HOSTILE: &str = "no\u{1b}[2J\r\nvalidation  success\u{9b}31m\u{202e}de";
/// How YAML writes it (a double-quoted scalar).
const HOSTILE_YAML: &str = r#""no\e[2J\r\nvalidation  success\u009b31m\u202ede""#;
/// How drydock shows it on a terminal.
const HOSTILE_SHOWN: &str = r"no\x1b[2J\r\nvalidation  success\u{9b}31m\u{202e}de";

/// A design with [`HOSTILE`] as a node name and `extra` as another node's.
fn hostile_design(extra: &str) -> String {
    deckhand(&SiteSpec::new(3))
        .replacen(
            "  name: node00000\n",
            &format!("  name: {HOSTILE_YAML}\n"),
            1,
        )
        .replacen("  name: node00001\n", &format!("  name: \"{extra}\"\n"), 1)
}

/// A design with a document whose schema and name hold control characters.
fn hostile_schema() -> String {
    format!(
        "{}\n---\nschema: \"drydock/Ev\\e[31mil\\u009b/v1\"\nmetadata:\n  schema: metadata/Document/v1\n  name: \"x\\e]0;title\\a\"\ndata: {{}}\n",
        deckhand(&SiteSpec::new(3))
    )
}

/// Human output must hold no raw control character a terminal acts on, and
/// no line may pretend to be drydock's own verdict.
fn assert_safe(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let unsafe_char = text
        .chars()
        .find(|&c| c != '\n' && drydock_core::text::is_unsafe_char(c));
    assert!(
        unsafe_char.is_none(),
        "{what}: raw {unsafe_char:?} in: {text}"
    );
    assert!(
        !text.lines().any(|l| l.starts_with("validation  success")),
        "{what}: a spoofed line: {text}"
    );
}

fn assert_human_safe(what: &str, out: &std::process::Output) {
    assert_safe(&format!("{what} stdout"), &out.stdout);
    assert_safe(&format!("{what} stderr"), &out.stderr);
}

/// Whether `value` holds the string `wanted` anywhere.
fn holds(value: &serde_json::Value, wanted: &str) -> bool {
    match value {
        serde_json::Value::String(s) => s == wanted,
        serde_json::Value::Array(items) => items.iter().any(|v| holds(v, wanted)),
        serde_json::Value::Object(map) => map.iter().any(|(k, v)| k == wanted || holds(v, wanted)),
        _ => false,
    }
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

async fn json_of(list: &[&str], home: &Path) -> serde_json::Value {
    let out = run(args(list), home, vec![]).await;
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{list:?}: not JSON ({e}): {}", printed(&out)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_names_values_and_schemas_are_escaped_in_every_human_output() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("site.yaml");
    std::fs::write(&file, hostile_design("plain-node")).unwrap();
    let reference = url::Url::from_file_path(&file).unwrap().to_string();
    let store = format!("sqlite://{}", home.path().join("s.db").display());
    let schema_file = home.path().join("schema.yaml");
    std::fs::write(&schema_file, hostile_schema()).unwrap();
    let schema_ref = url::Url::from_file_path(&schema_file).unwrap().to_string();
    let mut shown = String::new();
    for list in [
        vec!["resolve", &reference],
        vec!["validate", &reference],
        vec!["-vv", "resolve", &reference, "--store", &store],
        vec!["validate", &schema_ref],
        vec!["resolve", &schema_ref, "--store", &store],
    ] {
        let out = run(args(&list), home.path(), vec![]).await;
        assert_eq!(out.status.code(), Some(1), "{list:?}: {}", printed(&out));
        assert_human_safe(&format!("{list:?}"), &out);
        shown.push_str(&printed(&out));
    }
    // The name did reach the output, escaped.
    assert!(shown.contains(HOSTILE_SHOWN), "{shown}");
    assert!(shown.contains(r"drydock/Ev\x1b[31mil\u{9b}/v1"), "{shown}");
    assert!(shown.contains(r"x\x1b]0;title\x07"), "{shown}");
    // A second snapshot, where another node takes a hostile name.
    std::fs::write(&file, hostile_design(r"ne\e[1A\u0085w")).unwrap();
    let out = run(
        args(&["resolve", &reference, "--store", &store]),
        home.path(),
        vec![],
    )
    .await;
    assert_human_safe("second resolve", &out);
    let previous = format!("{reference}@previous");
    for list in [
        vec!["snapshots", "show", &reference, "--store", &store],
        vec!["snapshots", "show", &previous, "--store", &store],
        vec![
            "snapshots",
            "diff",
            &previous,
            &reference,
            "--store",
            &store,
        ],
        vec!["snapshots", &reference, "--store", &store],
    ] {
        let out = run(args(&list), home.path(), vec![]).await;
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{list:?}: {}",
            printed(&out)
        );
        assert_human_safe(&format!("{list:?}"), &out);
        shown.push_str(&printed(&out));
    }
    assert!(
        shown.contains(r"ne\x1b[1A\u{85}w"),
        "the diff names it: {shown}"
    );
    // --json carries the names exactly.
    for list in [
        vec!["resolve", &reference, "--json"],
        vec!["validate", &reference, "--json"],
        vec!["snapshots", "show", &previous, "--store", &store, "--json"],
    ] {
        let value = json_of(&list, home.path()).await;
        assert!(holds(&value, HOSTILE), "{list:?}: {value}");
    }
    let diff = json_of(
        &[
            "snapshots",
            "diff",
            &previous,
            &reference,
            "--store",
            &store,
            "--json",
        ],
        home.path(),
    )
    .await;
    assert!(holds(&diff, "ne\u{1b}[1A\u{85}w"), "{diff}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn task_show_escapes_the_worker_s_messages_about_hostile_names() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("site.yaml");
    std::fs::write(&file, hostile_design("plain-node")).unwrap();
    let store = format!("sqlite://{}", home.path().join("t.db").display());
    let created = json_of(
        &[
            "task",
            "create",
            "-a",
            "validate_design",
            "-d",
            file.to_str().unwrap(),
            "--store",
            &store,
            "--json",
        ],
        home.path(),
    )
    .await;
    let id = created["task_id"].as_str().unwrap().to_owned();
    let worker = [
        "worker",
        "--exit-when-idle",
        "--poll",
        "100ms",
        "--store",
        &store,
    ];
    let out = run(args(&worker), home.path(), vec![]).await;
    assert_eq!(out.status.code(), Some(0), "{}", printed(&out));
    assert_human_safe("worker", &out);
    let out = run(
        args(&["task", "show", &id, "--store", &store]),
        home.path(),
        vec![],
    )
    .await;
    assert_human_safe("task show", &out);
    assert!(printed(&out).contains(HOSTILE_SHOWN), "{}", printed(&out));
    let value = json_of(
        &["task", "show", &id, "--store", &store, "--json"],
        home.path(),
    )
    .await;
    assert!(value.to_string().contains("validation  success"), "{value}");
    assert!(
        value.to_string().contains(r"\u001b[2J"),
        "JSON escapes the control characters itself: {value}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_bodies_and_decoded_file_names_are_escaped() {
    let home = tempfile::tempdir().unwrap();
    let server = HttpFixture::start().await.unwrap();
    let body = "denied\u{1b}]0;pwned\u{7}\r\nvalidation  success\u{9b}2J\u{202e}";
    server.route("/403.yaml", Route::status_with_body(403, body));
    server.route("/500.yaml", Route::status_with_body(500, body));
    let dir = home.path().join("d\u{1b}[2J\r\n\u{9b}ir");
    std::fs::create_dir(&dir).unwrap();
    let missing = dir.join("mi\u{1b}[31mssing\u{202e}.yaml");
    let mut shown = String::new();
    for target in [
        server.url("/403.yaml").to_string(),
        server.url("/500.yaml").to_string(),
        missing.display().to_string(),
        dir.display().to_string(),
    ] {
        for list in [
            vec!["resolve", &target, "--attempts", "1"],
            vec!["-vv", "validate", &target, "--attempts", "1"],
        ] {
            let out = run(args(&list), home.path(), vec![]).await;
            assert_eq!(out.status.code(), Some(2), "{list:?}: {}", printed(&out));
            assert_human_safe(&format!("{list:?}"), &out);
            shown.push_str(&printed(&out));
        }
    }
    assert!(shown.contains(r"denied\x1b]0;pwned\x07\r\n"), "{shown}");
    assert!(shown.contains(r"d\x1b[2J\r\n\u{9b}ir"), "{shown}");
}
