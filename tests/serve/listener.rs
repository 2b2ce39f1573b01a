//! The listener: TLS from certificate and key files (made at test time), a
//! client trickling its headers is dropped at the header timeout, and
//! headers over the limit are answered 431.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use drydock_fixtures::tls::TestPki;

use super::server::{Answer, Server};

/// A client trusting only `ca_pem`.
fn tls_client(ca_pem: &str) -> reqwest::Client {
    let mut roots = rustls::RootCertStore::empty();
    for der in rustls_pki_types_certs(ca_pem) {
        roots.add(der).expect("CA certificate");
    }
    let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

fn rustls_pki_types_certs(pem: &str) -> Vec<rustls::pki_types::CertificateDer<'static>> {
    use rustls::pki_types::pem::PemObject;
    rustls::pki_types::CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .expect("PEM certificates")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_from_cert_and_key_files_and_from_configuration() {
    let home = tempfile::tempdir().expect("home");
    let pki = TestPki::generate().expect("PKI");
    let cert = home.path().join("api.pem");
    let key = home.path().join("api.key");
    std::fs::write(&cert, &pki.server.cert_pem).expect("cert");
    std::fs::write(&key, &pki.server.key_pem).expect("key");
    let url = format!("sqlite://{}", home.path().join("drydock.db").display());
    let (cert_arg, key_arg) = (cert.display().to_string(), key.display().to_string());
    let server = Server::start(
        home.path(),
        &url,
        &["--tls-cert", &cert_arg, "--tls-key", &key_arg],
    );
    assert!(
        server.base.starts_with("https://127.0.0.1:"),
        "{}",
        server.base
    );
    let client = tls_client(&pki.ca_pem);
    let health = client
        .get(server.url("/api/v1.0/health"))
        .send()
        .await
        .expect("GET over TLS");
    assert_eq!(health.status().as_u16(), 204);
    let versions = Answer::of(
        client
            .get(server.url("/versions"))
            .send()
            .await
            .expect("GET"),
    )
    .await;
    assert_eq!(versions.status, 200, "{}", versions.text);
    assert!(versions.json["v1.0"].is_object(), "{}", versions.text);

    // A client trusting another CA refuses the server; plain HTTP gets no answer.
    let other = TestPki::generate_named("another CA").expect("PKI");
    let refused = tls_client(&other.ca_pem)
        .get(server.url("/api/v1.0/health"))
        .send()
        .await;
    assert!(refused.is_err(), "{refused:?}");
    let plain = server.base.replacen("https://", "http://", 1);
    let plain = super::server::client()
        .get(format!("{plain}/api/v1.0/health"))
        .send()
        .await;
    assert!(plain.is_err() || plain.is_ok_and(|r| r.status().as_u16() != 204));
    drop(server);

    // The same from `[api] tls`.
    let config = home.path().join("drydock.toml");
    std::fs::write(
        &config,
        format!("[api]\ntls = {{ cert = {cert_arg:?}, key = {key_arg:?} }}\n"),
    )
    .expect("config");
    let config_arg = config.display().to_string();
    let server = Server::start_with(
        home.path(),
        &url,
        &["--auth", "none"],
        &[("DRYDOCK_CONFIG", config_arg.as_str())],
    );
    assert!(server.base.starts_with("https://"), "{}", server.log());
    let health = client
        .get(server.url("/api/v1.0/health"))
        .send()
        .await
        .expect("GET over TLS");
    assert_eq!(health.status().as_u16(), 204);
    drop(server);

    // A key file that is not a key: the server refuses to start, saying which file.
    std::fs::write(&key, "not a key").expect("bad key");
    let out = crate::common::drydock(
        &[
            "serve",
            "--auth",
            "none",
            "--listen",
            "127.0.0.1:0",
            "--store",
            &url,
            "--tls-cert",
            &cert_arg,
            "--tls-key",
            &key_arg,
        ],
        home.path(),
        &[],
    );
    assert!(!out.status.success());
    let printed = crate::common::printed(&out);
    assert!(printed.contains("api.key"), "{printed}");
}

/// Reads until the server closes the connection (or `limit` passes); what it sent.
fn read_to_close(stream: &mut TcpStream, limit: Duration) -> (Vec<u8>, bool) {
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .expect("read timeout");
    let deadline = Instant::now() + limit;
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        match stream.read(&mut buf) {
            Ok(0) => return (got, true),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return (got, true),
            Err(_) => {}
        }
    }
    (got, false)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_time_out_and_huge_headers_are_refused() {
    let home = tempfile::tempdir().expect("home");
    let url = format!("sqlite://{}", home.path().join("drydock.db").display());
    let server = Server::start(home.path(), &url, &["--header-timeout", "2s"]);
    let address = server.base.trim_start_matches("http://").to_owned();

    // A client sending one byte every 300 ms never finishes its headers in 2 s.
    let mut slow = TcpStream::connect(&address).expect("connect");
    let started = Instant::now();
    let request = b"GET /api/v1.0/health HTTP/1.1\r\nHost: x\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    let mut closed_after = None;
    for byte in request {
        if slow.write_all(&[*byte]).is_err() {
            closed_after = Some(started.elapsed());
            break;
        }
        std::thread::sleep(Duration::from_millis(300));
        if started.elapsed() > Duration::from_secs(2) {
            let (got, closed) = read_to_close(&mut slow, Duration::from_secs(5));
            assert!(closed, "still open after {:?}", started.elapsed());
            let text = String::from_utf8_lossy(&got);
            assert!(!text.contains("204"), "{text}");
            closed_after = Some(started.elapsed());
            break;
        }
    }
    let closed_after = closed_after.expect("the trickling client was dropped");
    assert!(
        closed_after >= Duration::from_secs(2) && closed_after < Duration::from_secs(8),
        "dropped after {closed_after:?}"
    );

    // Meanwhile and after, a prompt client is answered.
    let mut prompt = TcpStream::connect(&address).expect("connect");
    prompt
        .write_all(b"GET /api/v1.0/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .expect("write");
    let (got, _) = read_to_close(&mut prompt, Duration::from_secs(5));
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 204"), "{text}");

    // Headers beyond 64 KiB: 431, and nothing reaches a handler.
    let mut huge = TcpStream::connect(&address).expect("connect");
    let mut request = b"GET /api/v1.0/health HTTP/1.1\r\nHost: x\r\n".to_vec();
    for i in 0..200 {
        request.extend_from_slice(format!("X-Big-{i}: {}\r\n", "b".repeat(500)).as_bytes());
    }
    request.extend_from_slice(b"\r\n");
    let _ = huge.write_all(&request);
    let (got, closed) = read_to_close(&mut huge, Duration::from_secs(5));
    let text = String::from_utf8_lossy(&got);
    assert!(closed, "{text}");
    assert!(text.starts_with("HTTP/1.1 431"), "{text}");
}
