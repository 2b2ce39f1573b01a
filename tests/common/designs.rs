//! The designs of the worker-fleet tests: valid and invalid, over file://
//! and http:// (a loopback server), and a slow one, with what their
//! validate_design tasks must end with.

use std::path::Path;
use std::time::Duration;

use drydock_fixtures::sitegen::{SiteSpec, deckhand};
use drydock_fixtures::{HttpFixture, Route};

/// The original's result messages.
pub const PASSED: &str = "Site design passed validation";
/// The original's result message of a failed validation.
pub const FAILED: &str = "Site design failed validation.";

/// What a task over a design must end with.
#[derive(Clone, Debug)]
pub struct Expect {
    /// `success` or `failure`.
    pub status: &'static str,
    /// The result message.
    pub message: &'static str,
    /// A detail message that must appear exactly once.
    pub detail: &'static str,
}

/// The designs of a run: valid and invalid, over file:// and http://, and
/// slow ones (a body dripped over `slow`) for workers to be caught mid-task.
pub struct Designs {
    /// The loopback server of the http:// designs.
    pub server: HttpFixture,
    /// Each reference with what its tasks must end with.
    pub refs: Vec<(String, Expect)>,
    /// The slow reference (its index in `refs`).
    pub slow: usize,
}

fn fixture(relative: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/designs");
    format!("file://{}", root.join(relative).display())
}

impl Designs {
    /// Serves the http:// designs; the slow one takes `chunks` tenths of a second.
    pub async fn start(home: &Path, chunks: usize) -> Designs {
        let server = HttpFixture::start().await.expect("http fixture");
        server.put("/site.yaml", deckhand(&SiteSpec::new(40)));
        let broken = std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures/designs/invalid/bad-enum-bonding-mode.yaml"),
        )
        .expect("invalid fixture");
        server.put("/broken.yaml", broken);
        let every = Duration::from_millis(100);
        server.route(
            "/slow.yaml",
            Route::Drip {
                chunks,
                chunk: 8,
                every,
            },
        );
        let missing = format!("file://{}", home.join("no-such-design.yaml").display());
        let refs = vec![
            (
                fixture("valid/site-deckhand.yaml"),
                Expect {
                    status: "success",
                    message: PASSED,
                    detail: "",
                },
            ),
            (
                fixture("invalid/bad-enum-boot-mode.yaml"),
                Expect {
                    status: "failure",
                    message: FAILED,
                    detail: "'efi' is not one of",
                },
            ),
            (
                missing,
                Expect {
                    status: "failure",
                    message: FAILED,
                    detail: "Error loading effective site",
                },
            ),
            (
                server.url("/site.yaml").to_string(),
                Expect {
                    status: "success",
                    message: PASSED,
                    detail: "",
                },
            ),
            (
                server.url("/broken.yaml").to_string(),
                Expect {
                    status: "failure",
                    message: FAILED,
                    detail: "bonding",
                },
            ),
            (
                server.url("/slow.yaml").to_string(),
                Expect {
                    status: "failure",
                    message: FAILED,
                    detail: "",
                },
            ),
        ];
        Designs {
            server,
            refs,
            slow: 5,
        }
    }

    /// The design of the `i`-th task: the slow one every `slow_every`th, else in turn.
    pub fn pick(&self, i: usize, slow_every: usize) -> usize {
        if i % slow_every == slow_every / 2 {
            self.slow
        } else {
            i % self.slow
        }
    }
}
