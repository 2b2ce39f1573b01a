//! A real `drydock serve` process on a free loopback port, its log in a
//! file: shared by the server's tests and the CLI's remote-mode tests.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The designs under `fixtures/designs`, as file:// references.
pub fn design(relative: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/designs");
    format!("file://{}", root.join(relative).display())
}

/// A `drydock serve` process.
pub struct Server {
    child: Child,
    log: PathBuf,
    /// `http://127.0.0.1:PORT` (`https://` with TLS).
    pub base: String,
}

impl Server {
    /// Starts `drydock serve --auth none` on `store`, on a port the system
    /// picks (read back from its log), with `extra` flags.
    pub fn start(home: &Path, store: &str, extra: &[&str]) -> Server {
        let mut args = vec!["--auth", "none"];
        args.extend_from_slice(extra);
        Server::start_with(home, store, &args, &[])
    }

    /// Starts `drydock serve` on `store` with `args` and the environment
    /// variables `envs` (nothing else of the caller's DRYDOCK_* or OS_*).
    pub fn start_with(home: &Path, store: &str, args: &[&str], envs: &[(&str, &str)]) -> Server {
        let log = home.join(format!("serve-{}.log", drydock::store::Uuid::now_v7()));
        let file = std::fs::File::create(&log).expect("log file");
        // The one launcher of the binary's tests: a clean environment in `home`.
        let mut command = super::command(home);
        let child = command
            .args(["serve", "--listen", "127.0.0.1:0", "--store", store])
            .args(args)
            .envs(envs.iter().copied())
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .expect("drydock serve starts");
        let mut server = Server {
            child,
            log,
            base: String::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = server.log();
            let served = text.split("serving ").nth(1).and_then(|rest| {
                let (scheme, rest) = rest.split_once("://")?;
                Some((scheme.to_owned(), rest.split('/').next()?.to_owned()))
            });
            if let Some((scheme, address)) = served {
                server.base = format!("{scheme}://{address}");
                return server;
            }
            if let Some(status) = server.child.try_wait().expect("try_wait") {
                panic!("drydock serve exited ({status}) before serving:\n{text}");
            }
            assert!(
                Instant::now() < deadline,
                "drydock serve did not start:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Its log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends SIGTERM and waits for the exit (at most 30 s); its exit code.
    pub fn terminate(&mut self) -> Option<i32> {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -TERM {pid}");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status.code();
            }
            assert!(
                Instant::now() < deadline,
                "still serving after SIGTERM:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
