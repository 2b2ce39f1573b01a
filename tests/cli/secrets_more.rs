//! Secrets, second pass, through the real binary: a Keystone-issued token
//! echoed inside a Deckhand answer that does not parse, and a password
//! echoed base64-encoded after other bytes.

use base64::Engine as _;
use drydock_fixtures::keystone::{
    ADMIN_PASSWORD, ADMIN_USER, DEFAULT_DOMAIN, KeystoneConfig, KeystoneFixture, SERVICE_PROJECT,
};
use drydock_fixtures::{HttpFixture, Route};

use crate::common::{Secrets, printed};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keystone_token_echoed_in_a_revision_list_is_never_shown() {
    let home = tempfile::tempdir().unwrap();
    let keystone = KeystoneFixture::start(KeystoneConfig::default())
        .await
        .unwrap();
    let deckhand = HttpFixture::start().await.unwrap();
    // A hostile Deckhand: the revision list is the request echoed back.
    deckhand.route("/api/v1.0/revisions", Route::Echo { status: 200 });
    let port = deckhand.base_url().port().unwrap();
    let reference = format!("deckhand+http://127.0.0.1:{port}/api/v1.0/revisions/latest");
    for json in [false, true] {
        let mut cmd = crate::common::command(home.path());
        cmd.args(["resolve", &reference])
            .env("OS_AUTH_URL", keystone.auth_url().as_str())
            .env("OS_USERNAME", ADMIN_USER)
            .env("OS_PASSWORD", ADMIN_PASSWORD)
            .env("OS_PROJECT_NAME", SERVICE_PROJECT)
            .env("OS_USER_DOMAIN_NAME", DEFAULT_DOMAIN)
            .env("OS_PROJECT_DOMAIN_NAME", DEFAULT_DOMAIN);
        if json {
            cmd.arg("--json");
        }
        let out = cmd.output().unwrap();
        assert!(!out.status.success(), "{}", printed(&out));
        let tokens: Vec<String> = deckhand
            .requests()
            .iter()
            .filter_map(|r| r.header("x-auth-token").map(str::to_owned))
            .collect();
        assert!(!tokens.is_empty(), "a token was sent");
        let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
        let secrets = Secrets::new(&tokens, &[]);
        secrets.assert_not_printed("the revision list error", &out);
        // Nor any long piece of it (an excerpt cut inside the token).
        let text = printed(&out);
        for token in &tokens {
            for piece in token.as_bytes().chunks(12).filter(|c| c.len() == 12) {
                let piece = String::from_utf8_lossy(piece);
                assert!(
                    !text.contains(piece.as_ref()),
                    "a piece of the token: {text}"
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_echoed_base64_after_other_bytes_is_never_shown() {
    let home = tempfile::tempdir().unwrap();
    let server = HttpFixture::start().await.unwrap();
    let password = "s3cret-Pa55word-long";
    let engine = base64::engine::general_purpose::STANDARD;
    let body = format!(
        "denied: {} {} {}",
        engine.encode(format!("x{password}")),
        engine.encode(format!("xy{password}!")),
        engine.encode(format!("a larger body holding {password} inside it")),
    );
    server.route("/x.yaml", Route::status_with_body(403, body));
    let url = server.url("/x.yaml");
    let reference = format!(
        "http://alice:{password}@127.0.0.1:{}/x.yaml",
        url.port().unwrap()
    );
    let out = crate::common::drydock(&["resolve", &reference], home.path(), &[]);
    assert!(!out.status.success());
    let text = printed(&out);
    assert!(
        text.contains("denied"),
        "the server's words are shown: {text}"
    );
    // Decode every stretch of what was printed, from every offset.
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || "+/=".contains(c))) {
        let word = word.trim_end_matches('=');
        for i in 0..word.len() {
            let tail = &word[i..];
            let tail = &tail[..tail.len() - tail.len() % 4];
            if let Ok(bytes) = base64::engine::general_purpose::STANDARD_NO_PAD.decode(tail) {
                assert!(
                    !String::from_utf8_lossy(&bytes).contains("Pa55"),
                    "the password, base64-encoded, in: {text}"
                );
            }
        }
    }
}

#[test]
fn a_configuration_error_names_the_key_never_the_secret_value() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("config/drydock");
    std::fs::create_dir_all(&dir).unwrap();
    // A numeric password in the file, and one in the environment.
    std::fs::write(
        dir.join("config.toml"),
        "[drivers.deckhand.keystone]\npassword = 87654321\n",
    )
    .unwrap();
    let out = crate::common::drydock(&["config"], home.path(), &[]);
    assert_eq!(out.status.code(), Some(4), "{}", printed(&out));
    let text = printed(&out);
    assert!(
        text.contains("keystone.password"),
        "the key is named: {text}"
    );
    assert!(!text.contains("87654321"), "{text}");
    std::fs::write(dir.join("config.toml"), "").unwrap();
    let out = crate::common::drydock(
        &["config"],
        home.path(),
        &[("DRYDOCK__DRIVERS__HTTP__KEYSTONE__PASSWORD", "12348765")],
    );
    assert_eq!(out.status.code(), Some(4), "{}", printed(&out));
    assert!(!printed(&out).contains("12348765"), "{}", printed(&out));
}
