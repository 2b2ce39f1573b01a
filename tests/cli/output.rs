//! How the real binary writes its output: a reader that closes the pipe
//! early is not an error (no message, no panic, no 101), a full disk is one
//! line on stderr and exit status 2, for every subcommand that prints; and
//! `--json` prints exactly what a `serde_json::Value` of it prints.

use std::path::Path;
use std::process::{Command, Stdio};

const EXIT_FAILURE: i32 = 2;

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/designs")
        .join(name);
    format!("file://{}", path.display())
}

fn command(args: &[&str], home: &Path) -> Command {
    let mut cmd = crate::common::command(home);
    cmd.args(args).stdin(Stdio::null());
    cmd
}

/// A home with one stored snapshot (of a large site, so listings and
/// outputs are longer than a pipe buffer where it matters) and one task.
struct Home {
    dir: tempfile::TempDir,
    store: String,
    site: String,
}

fn home() -> Home {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = format!("sqlite://{}", dir.path().join("s.db").display());
    let site = fixture("deckhand_fullsite.yaml");
    let out = command(&["resolve", &site, "--store", &store], dir.path())
        .output()
        .expect("run");
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    let out = command(
        &[
            "task",
            "create",
            "-a",
            "validate_design",
            "--design-ref",
            &site,
            "--store",
            &store,
        ],
        dir.path(),
    )
    .output()
    .expect("run");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    Home { dir, store, site }
}

fn commands(h: &Home) -> Vec<Vec<String>> {
    let big = fixture("fullsite.yaml");
    [
        vec!["resolve", big.as_str(), "--json"],
        vec!["resolve", big.as_str()],
        vec!["schemes"],
        vec!["schemes", "--json"],
        vec!["snapshots", h.site.as_str(), "--store", h.store.as_str()],
        vec!["task", "list", "--store", h.store.as_str()],
        vec!["task", "list", "--store", h.store.as_str(), "--json"],
    ]
    .into_iter()
    .map(|v| v.into_iter().map(str::to_owned).collect())
    .collect()
}

#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let h = home();
    for args in commands(&h) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut child = command(&args, h.dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        // Close the reading end before the command writes anything.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code();
        assert!(code.is_some(), "{args:?}: killed by a signal: {out:?}");
        assert!(code != Some(101), "{args:?}: {stderr}");
        assert!(code.is_some_and(|c| c <= 1), "{args:?}: {code:?} {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("error"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_full_disk_is_one_line_and_exit_status_2() {
    let h = home();
    for args in commands(&h) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = command(&args, h.dir.path())
            .stdout(full)
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(EXIT_FAILURE), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(
            stderr.trim_end(),
            "error: cannot write the output: No space left on device (os error 28)",
            "{args:?}"
        );
    }
}

#[test]
fn json_output_is_what_a_json_value_prints_for_every_fixture() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/designs");
    let mut files = Vec::new();
    for sub in ["", "valid", "invalid", "rules"] {
        for entry in std::fs::read_dir(root.join(sub)).expect("fixtures") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "yaml") {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 50, "{} fixtures", files.len());
    // A generated site large enough for the design to be rendered in chunks
    // on two threads.
    let site = dir.path().join("site.yaml");
    let spec = drydock_fixtures::sitegen::SiteSpec::new(1_200);
    std::fs::write(&site, drydock_fixtures::sitegen::deckhand(&spec)).expect("write");
    files.push(site);
    for file in files {
        let reference = format!("file://{}", file.display());
        let out = command(&["resolve", &reference, "--json"], dir.path())
            .output()
            .expect("run");
        let text = String::from_utf8(out.stdout).expect("UTF-8");
        let value: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: not JSON ({e}): {text}", file.display()));
        assert!(value.get("design").is_some() || value.get("error").is_some());
        // Sorted keys at every level, compact, one newline: byte for byte.
        assert_eq!(text, format!("{value}\n"), "{}", file.display());
    }
}

/// A finding of a node whose offending value comes from its host profile is
/// placed at the profile's line, and the human output says it is inherited
/// (and from which profile); a node's own value says nothing of the kind.
/// `--json` carries the same as `origin`.
#[test]
fn an_inherited_finding_says_so_in_human_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let site = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/designs/fullsite.yaml"),
    )
    .expect("the fixture");
    // The `defaults` profile's root partition is too small for every node
    // inheriting it; controller01's own addressing names no network.
    let site = site
        .replacen("            size: 20g", "            size: 10g", 1)
        .replacen(
            "    - network: mgmt\n      address: 172.16.1.20",
            "    - network: nosuch\n      address: 172.16.1.20",
            1,
        );
    let line_of = |needle: &str| 1 + site.lines().position(|l| l.contains(needle)).unwrap();
    let (root, own) = (line_of("size: 10g"), line_of("network: nosuch"));
    let path = dir.path().join("site.yaml");
    std::fs::write(&path, &site).expect("write");
    let reference = format!("file://{}", path.display());
    for verb in ["resolve", "validate"] {
        let out = command(&[verb, &reference], dir.path())
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        let line = |needle: &str| {
            text.lines()
                .find(|l| l.contains(needle))
                .unwrap_or_else(|| panic!("no `{needle}` in {text}"))
                .to_owned()
        };
        assert!(
            line("Root volume must be > 20GB on BaremetalNode controller01").contains(&format!(
                "(line {root}, column 13, inherited from drydock/HostProfile/v1 defaults): "
            )),
            "{text}"
        );
        let own_line = line("nosuch is not a valid network");
        assert!(
            own_line.contains(&format!("(line {own}, column 7): "))
                && !own_line.contains("inherited"),
            "{own_line}"
        );
    }
    let out = command(&["resolve", &reference, "--json"], dir.path())
        .output()
        .expect("run");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let messages = doc["report"]["messages"].as_array().expect("messages");
    let find = |needle: &str| {
        messages
            .iter()
            .find(|m| m["message"].as_str().is_some_and(|t| t.contains(needle)))
            .unwrap_or_else(|| panic!("no `{needle}`"))
    };
    assert_eq!(
        find("on BaremetalNode controller01")["origin"],
        serde_json::json!({"schema": "drydock/HostProfile/v1", "name": "defaults"})
    );
    assert!(
        find("nosuch is not a valid network")
            .get("origin")
            .is_none()
    );
}
