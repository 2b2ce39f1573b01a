//! What the tests of the real binary share: running it in a clean
//! environment, every form a secret may leak in (secret and spoofing tests),
//! and the designs and worker processes of the fleet tests.

#![allow(dead_code)] // Each test binary uses its own part.

pub mod designs;
pub mod fleet;
pub mod serve;

use std::path::Path;
use std::process::{Command, Output};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

/// The real binary, run in `home` and isolated from the caller's
/// environment: no DRYDOCK_*, OS_*, DD_URL or RUST_LOG; HOME, XDG_CONFIG_HOME
/// (`home/config`) and XDG_DATA_HOME (`home/data`) under `home`; loopback
/// never proxied. The one launcher of every test of the binary.
pub fn command(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_drydock"));
    cmd.current_dir(home);
    for (name, _) in std::env::vars_os() {
        let text = name.to_string_lossy();
        if text.starts_with("DRYDOCK")
            || text.starts_with("OS_")
            || text == "RUST_LOG"
            || text == "DD_URL"
        {
            cmd.env_remove(&name);
        }
    }
    cmd.env("NO_PROXY", "127.0.0.1")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"));
    cmd
}

/// Runs `drydock args` ([`command`]) in `home`, then `envs`, to its end.
pub fn drydock(args: &[&str], home: &Path, envs: &[(&str, &str)]) -> Output {
    let mut cmd = command(home);
    cmd.args(args);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().expect("the binary runs")
}

/// [`drydock`] in a home of its own, for runs that need none.
pub fn drydock_homeless(args: &[&str]) -> Output {
    let home = tempfile::tempdir().expect("a temporary home");
    drydock(args, home.path(), &[])
}

/// [`drydock`] off the async runtime.
pub async fn run(args: Vec<String>, home: &Path, envs: Vec<(String, String)>) -> Output {
    let home = home.to_owned();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let envs: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        drydock(&args, &home, &envs)
    })
    .await
    .expect("join")
}

/// Everything the run printed, stdout then stderr.
pub fn printed(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Every form of `secret` a server, a log or a file may hold: as is,
/// percent-encoded (upper- and lower-case hex, `+` for space), and base64
/// (standard and URL-safe, padded or not).
pub fn forms(secret: &str) -> Vec<String> {
    let pct = percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC)
        .to_string();
    let mut out = vec![secret.to_owned(), pct.to_ascii_lowercase(), pct];
    for engine in [STANDARD, URL_SAFE, STANDARD_NO_PAD, URL_SAFE_NO_PAD] {
        out.push(engine.encode(secret));
    }
    out.sort();
    out.dedup();
    out
}

/// The secrets of a run: each given alone, and `user:password` as basic
/// authentication sends it (its base64 is the `Authorization` header).
pub struct Secrets {
    forms: Vec<(String, String)>,
}

impl Secrets {
    /// `secrets` alone, and `user:password` for each `(user, password)` of `basic`.
    pub fn new(secrets: &[&str], basic: &[(&str, &str)]) -> Self {
        let mut all: Vec<String> = secrets.iter().map(|s| s.to_string()).collect();
        all.extend(basic.iter().map(|(u, p)| format!("{u}:{p}")));
        let forms = all
            .iter()
            .flat_map(|s| forms(s).into_iter().map(move |f| (s.clone(), f)))
            .collect();
        Secrets { forms }
    }

    /// Panics, naming the channel and the form (never printing `text`
    /// whole: it holds the secret), if `text` holds any form of a secret.
    pub fn assert_absent(&self, channel: &str, text: &[u8]) {
        let text = String::from_utf8_lossy(text);
        for (secret, form) in &self.forms {
            if let Some(at) = text.find(form.as_str()) {
                let start = text.floor_char_boundary(at.saturating_sub(60));
                let end = text.ceil_char_boundary((at + form.len() + 20).min(text.len()));
                panic!(
                    "{channel}: a form of the secret {secret:?} ({form:?}) leaks, near: {:?}",
                    &text[start..end]
                );
            }
        }
    }

    /// [`Secrets::assert_absent`] on stdout and stderr of `out`.
    pub fn assert_not_printed(&self, what: &str, out: &Output) {
        self.assert_absent(&format!("{what}: stdout"), &out.stdout);
        self.assert_absent(&format!("{what}: stderr"), &out.stderr);
    }

    /// [`Secrets::assert_absent`] on every file under `dir` (a SQLite store
    /// and its journal, WAL and shared-memory files, byte for byte).
    pub fn assert_not_stored(&self, dir: &Path) {
        for entry in walk(dir) {
            let bytes = std::fs::read(&entry).unwrap_or_default();
            self.assert_absent(&format!("stored in {}", entry.display()), &bytes);
        }
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
