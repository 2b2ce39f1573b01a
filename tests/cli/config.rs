//! One configuration for the real binary: a TOML file, environment
//! overrides, flags; unknown keys named with their file; secrets never shown.

use std::path::Path;
use std::process::Output;

fn drydock(args: &[&str], envs: &[(&str, &str)], home: &Path) -> Output {
    crate::common::drydock(args, home, envs)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn fixture() -> String {
    format!(
        "file://{}/fixtures/designs/deckhand_fullsite.yaml",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn an_unknown_key_is_named_with_its_file_and_exits_4() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("drydock.toml");
    std::fs::write(&file, "[drivers.http]\nmax_redirect = 3\n").unwrap();
    let out = drydock(
        &["--config", file.to_str().unwrap(), "resolve", &fixture()],
        &[],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("max_redirect") && err.contains("drydock.toml"),
        "{err}"
    );
    assert!(err.contains("[drivers.http]"), "{err}");

    std::fs::write(&file, "[drivers.nosuch]\nx = 1\n").unwrap();
    let out = drydock(
        &["--config", file.to_str().unwrap(), "config"],
        &[],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(4));
    assert!(
        text(&out.stderr).contains("nosuch"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_default_file_environment_and_flags_combine_and_config_prints_them() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("config/drydock");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "[fetch]\ntimeout = \"7s\"\n[store]\nurl = \"postgres://ops:hunter2@db/drydock\"\n\
         [drivers.http]\ntoken = \"s3cr3t-token\"\n",
    )
    .unwrap();
    let out = drydock(
        &["config", "--json"],
        &[("DRYDOCK__RETRY__ATTEMPTS", "2")],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    let v: serde_json::Value = serde_json::from_str(&shown).expect("JSON");
    assert_eq!(v["fetch"]["timeout"], "7s");
    assert_eq!(v["retry"]["attempts"], 2);
    assert_eq!(v["drivers"]["http"]["token"], "***");
    assert_eq!(v["drivers"]["file"]["allowed_roots"], serde_json::json!([]));
    assert!(
        !shown.contains("hunter2") && !shown.contains("s3cr3t"),
        "{shown}"
    );
    let toml = drydock(&["config"], &[], home.path());
    let shown = text(&toml.stdout);
    assert!(shown.contains("timeout = \"7s\""), "{shown}");
    assert!(
        !shown.contains("hunter2") && !shown.contains("s3cr3t"),
        "{shown}"
    );

    // A bad value from the environment is named with its variable.
    let out = drydock(
        &["config"],
        &[("DRYDOCK__FETCH__TIMEOUT", "soon")],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(4));
    assert!(
        text(&out.stderr).contains("DRYDOCK__FETCH__TIMEOUT"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_flag_overrides_the_file_for_every_driver_that_has_the_option() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("d.toml");
    std::fs::write(
        &file,
        "[drivers.file]\nallowed_roots = [\"/nonexistent-root\"]\n",
    )
    .unwrap();
    // The file's root does not exist: the file driver cannot be built.
    let out = drydock(
        &["--config", file.to_str().unwrap(), "resolve", &fixture()],
        &[],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("/nonexistent-root"),
        "{}",
        text(&out.stderr)
    );
    // --allow-root replaces it.
    let root = format!("{}/fixtures", env!("CARGO_MANIFEST_DIR"));
    let out = drydock(
        &[
            "--config",
            file.to_str().unwrap(),
            "resolve",
            &fixture(),
            "--allow-root",
            &root,
        ],
        &[],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn the_file_driver_honours_the_timeout_like_every_driver() {
    // A FIFO nobody writes to would block a read forever; the driver refuses
    // special files, so use a huge sparse file and a tiny deadline instead.
    let home = tempfile::tempdir().unwrap();
    let big = home.path().join("big.yaml");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let reference = format!("file://{}", big.display());
    let started = std::time::Instant::now();
    let out = drydock(
        &[
            "resolve",
            &reference,
            "--timeout",
            "1ms",
            "--max-size",
            "2GiB",
        ],
        &[],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("deadline of 1ms exceeded"),
        "{}",
        text(&out.stderr)
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn schemes_json_lists_each_drivers_options_with_defaults() {
    let home = tempfile::tempdir().unwrap();
    let out = drydock(&["schemes", "--json"], &[], home.path());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let drivers = v["drivers"].as_array().expect("drivers");
    let http = drivers.iter().find(|d| d["name"] == "http").expect("http");
    assert_eq!(http["options"]["max_redirects"], 10);
    assert_eq!(http["schemes"], serde_json::json!(["http", "https"]));
    let file = drivers.iter().find(|d| d["name"] == "file").expect("file");
    assert_eq!(file["options"]["allowed_roots"], serde_json::json!([]));
}

#[test]
fn store_commands_refuse_an_unusable_configuration_instead_of_the_default_store() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("drydock.toml");
    std::fs::write(&file, "[store]\nurl = \"sqlite:///x.db\"\nulr = 1\n").unwrap();
    let config = file.to_str().unwrap();
    for command in [
        &["store", "status"][..],
        &["task", "list"],
        &["snapshots", "list"],
        &["leader"],
        &["node", "builddata", "n1"],
    ] {
        let mut args = vec!["--config", config];
        args.extend_from_slice(command);
        let out = drydock(&args, &[], home.path());
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(4), "{command:?}: {err}");
        assert!(
            err.contains("ulr") && err.contains("drydock.toml"),
            "{command:?} names the key and the file: {err}"
        );
        assert!(
            !home.path().join("data/drydock/drydock.db").exists(),
            "{command:?} fell back to the default store"
        );
    }
}

/// The first line on stderr: `error: …`.
fn error_line(out: &Output) -> String {
    text(&out.stderr)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn config_refuses_what_resolve_refuses_with_the_same_line_and_exit_4() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("drydock.toml");
    let config = file.to_str().unwrap();
    for (toml, envs, named) in [
        // An unknown key in a driver's section.
        (
            "[drivers.http]\nmax_redirect = 3\n",
            &[][..],
            "max_redirect",
        ),
        // A driver option's value of the wrong type.
        ("[drivers.http]\nmax_redirects = \"lots\"\n", &[], "lots"),
        // A value the driver refuses once built (a root that does not exist).
        (
            "[drivers.file]\nallowed_roots = [\"/nonexistent-root\"]\n",
            &[],
            "/nonexistent-root",
        ),
        // A bad [validation] value.
        (
            "[validation.platform]\nimages = 3\n",
            &[],
            "platform.images",
        ),
        ("[validation]\nplatfrom = 1\n", &[], "platfrom"),
        // A bad environment override of a driver option.
        (
            "",
            &[("DRYDOCK__DRIVERS__HTTP__MAX_REDIRECTS", "lots")],
            "DRYDOCK__DRIVERS__HTTP__MAX_REDIRECTS",
        ),
        (
            "",
            &[("DRYDOCK__VALIDATION__BOGUS", "1")],
            "DRYDOCK__VALIDATION__BOGUS",
        ),
    ] {
        std::fs::write(&file, toml).unwrap();
        let resolve = drydock(
            &["--config", config, "resolve", &fixture()],
            envs,
            home.path(),
        );
        assert_eq!(
            resolve.status.code(),
            Some(4),
            "{toml}: {}",
            text(&resolve.stderr)
        );
        let line = error_line(&resolve);
        assert!(line.contains(named), "{toml}: {line}");
        for args in [
            &["--config", config, "config"][..],
            &["--config", config, "config", "--json"],
        ] {
            let out = drydock(args, envs, home.path());
            assert_eq!(
                out.status.code(),
                Some(4),
                "{toml} {args:?}: {}",
                text(&out.stderr)
            );
            assert_eq!(error_line(&out), line, "{toml} {args:?}");
            assert!(
                out.stdout.is_empty(),
                "{toml} {args:?}: {}",
                text(&out.stdout)
            );
        }
    }
}

#[test]
fn store_commands_refuse_what_resolve_refuses_instead_of_using_the_store() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("drydock.toml");
    std::fs::write(&file, "[drivers.http]\nmax_redirect = 3\n").unwrap();
    let config = file.to_str().unwrap();
    let resolve = drydock(
        &["--config", config, "resolve", &fixture()],
        &[],
        home.path(),
    );
    assert_eq!(resolve.status.code(), Some(4), "{}", text(&resolve.stderr));
    for command in [
        &["store", "migrate"][..],
        &[
            "task",
            "create",
            "-a",
            "validate_design",
            "-d",
            "/srv/site.yaml",
        ],
        &["worker", "--exit-when-idle"],
        &["store", "status"],
    ] {
        let mut args = vec!["--config", config];
        args.extend_from_slice(command);
        let out = drydock(&args, &[], home.path());
        assert_eq!(
            out.status.code(),
            Some(4),
            "{command:?}: {}",
            text(&out.stderr)
        );
        assert_eq!(error_line(&out), error_line(&resolve), "{command:?}");
        assert!(
            !home.path().join("data/drydock/drydock.db").exists(),
            "{command:?} used the store"
        );
    }
}
