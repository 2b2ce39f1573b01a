//! The real `drydock` binary against loopback Keystone and Deckhand servers,
//! as an Airship operator runs it: `OS_*` set, a `deckhand+https` reference,
//! `--store`. Every reference form of DECKHAND.md's final table, end to end.

use std::process::Output;

use drydock_fixtures::deckhand::{CannedRevision, DeckhandAuth, DeckhandFixture};
use drydock_fixtures::keystone::{
    ADMIN_PASSWORD, ADMIN_USER, DEFAULT_DOMAIN, KeystoneConfig, KeystoneFixture, SERVICE_PROJECT,
};
use drydock_fixtures::tls::TestPki;

struct Site {
    keystone: KeystoneFixture,
    deckhand: DeckhandFixture,
    ca: tempfile::NamedTempFile,
    home: tempfile::TempDir,
}

async fn site() -> Site {
    let pki = TestPki::generate().expect("PKI");
    let keystone =
        KeystoneFixture::start_tls(KeystoneConfig::default(), pki.server_config().unwrap())
            .await
            .expect("keystone");
    let deckhand = DeckhandFixture::start_tls(
        DeckhandAuth::Keystone(keystone.clone()),
        pki.server_config().unwrap(),
    )
    .await
    .expect("deckhand");
    let design = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/designs/deckhand_fullsite.yaml"
    ))
    .unwrap();
    deckhand.add_revision(CannedRevision::from_yaml("site", &design).unwrap());
    deckhand.add_revision(CannedRevision::from_yaml("site", &design).unwrap());
    let ca = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(ca.path(), &pki.ca_pem).unwrap();
    Site {
        keystone,
        deckhand,
        ca,
        home: tempfile::tempdir().unwrap(),
    }
}

impl Site {
    /// Runs the binary with the environment an operator has: OS_* and OS_CACERT.
    async fn drydock(&self, args: &[&str], password: &str) -> Output {
        let mut cmd = crate::common::command(self.home.path());
        cmd.args(args)
            .env("OS_AUTH_URL", self.keystone.auth_url().as_str())
            .env("OS_USERNAME", ADMIN_USER)
            .env("OS_PASSWORD", password)
            .env("OS_PROJECT_NAME", SERVICE_PROJECT)
            .env("OS_USER_DOMAIN_NAME", DEFAULT_DOMAIN)
            .env("OS_PROJECT_DOMAIN_NAME", DEFAULT_DOMAIN)
            .env("DRYDOCK__DRIVERS__DECKHAND__TLS__CA_BUNDLE", self.ca.path());
        tokio::task::spawn_blocking(move || cmd.output().expect("the binary runs"))
            .await
            .expect("join")
    }

    fn host(&self) -> String {
        let url = self.deckhand.api_url();
        format!("{}:{}", url.host_str().unwrap(), url.port().unwrap())
    }
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_resolves_and_stores_a_deckhand_revision() {
    let site = site().await;
    let reference = site.deckhand.reference(1);
    assert!(reference.starts_with("deckhand+https://"));
    let db = site.home.path().join("drydock.db");
    let store = format!("sqlite://{}", db.display());
    let out = site
        .drydock(
            &["resolve", &reference, "--store", &store, "--json"],
            ADMIN_PASSWORD,
        )
        .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    assert_eq!(v["fetch"]["driver"], "deckhand");
    assert_eq!(v["fetch"]["revision"], "1");
    assert_eq!(v["report"]["status"], "success");
    assert!(v["snapshot"]["snapshot_id"].is_string(), "{v}");

    let listed = site
        .drydock(
            &["snapshots", &reference, "--store", &store, "--json"],
            ADMIN_PASSWORD,
        )
        .await;
    let rows = json(&listed);
    let text = rows.to_string();
    assert!(
        text.contains("\"revision\":\"1\""),
        "the stored snapshot records the revision: {text}"
    );
    assert_eq!(site.keystone.token_requests(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_reference_form_resolves_through_the_cli() {
    let site = site().await;
    let h = site.host();
    let forms = [
        (
            format!("deckhand+https://{h}/api/v1.0/revisions/1/rendered-documents"),
            "1",
        ),
        (
            format!(
                "deckhand+https://{h}/api/v1.0/revisions/1/rendered-documents?schema=drydock&status.bucket=site"
            ),
            "1",
        ),
        (
            format!("deckhand+https://{h}/api/v1.0/revisions/2/documents"),
            "2",
        ),
        (format!("deckhand+https://{h}/api/v1.0/revisions/2"), "2"),
        (format!("deckhand+https://{h}/1"), "1"),
        (format!("deckhand+https://{h}/latest"), "2"),
        (
            format!("deckhand+https://{h}/api/v1.0/revisions/latest/rendered-documents"),
            "2",
        ),
    ];
    for (reference, revision) in forms {
        let out = site
            .drydock(&["resolve", &reference, "--json"], ADMIN_PASSWORD)
            .await;
        assert_eq!(
            out.status.code(),
            Some(0),
            "{reference}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(json(&out)["fetch"]["revision"], revision, "{reference}");
    }
    // The original's documented UUID form: refused before any request, with the form that works.
    let before = site.deckhand.requests().len();
    let uuid = format!("deckhand+https://{h}/e50b4d74-9fab-11e7-b7cc-080027ef795a");
    let out = site.drydock(&["resolve", &uuid], ADMIN_PASSWORD).await;
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("integer") && err.contains("/api/v1.0/revisions/"),
        "{err}"
    );
    assert_eq!(site.deckhand.requests().len(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_its_own_error_and_is_never_printed() {
    let site = site().await;
    let out = site
        .drydock(
            &["resolve", &site.deckhand.reference(1), "-vv"],
            "wrong-Pa55word",
        )
        .await;
    assert_eq!(out.status.code(), Some(2));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("refused the credentials"), "{all}");
    assert!(!all.contains("wrong-Pa55word"), "{all}");
    let out = site.drydock(&["config"], "wrong-Pa55word").await;
    assert!(!String::from_utf8_lossy(&out.stdout).contains("wrong-Pa55word"));
}
