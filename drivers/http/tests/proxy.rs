//! The proxy environment variables are honoured, `NO_PROXY` exempts hosts,
//! and `use_env_proxy: false` ignores them. One test in its own binary: it
//! changes the process environment.
mod common;

use common::{fetch_opts, fetch_with, options};
use drydock_core::ErrorKind;
use drydock_core::RetryPolicy;
use drydock_driver_http::HttpDriver;
use drydock_fixtures::HttpFixture;

#[tokio::test]
async fn proxy_variables_are_honoured_and_no_proxy_exempts() {
    let proxy = HttpFixture::start().await.unwrap();
    proxy.put("/site.yaml", "via proxy");
    // A closed loopback port: only a proxy can answer for it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let target = format!("http://127.0.0.1:{port}/site.yaml");
    // SAFETY: the only test of this binary; nothing else reads the environment concurrently.
    unsafe {
        for var in [
            "http_proxy",
            "https_proxy",
            "all_proxy",
            "no_proxy",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "NO_PROXY",
        ] {
            std::env::remove_var(var);
        }
        std::env::set_var("HTTP_PROXY", proxy.base_url().as_str());
    }
    let quick = options;

    let via = HttpDriver::new(quick().with_env_proxy(true)).unwrap();
    let got = fetch_with(&via, RetryPolicy::never(), &target, &fetch_opts())
        .await
        .unwrap();
    assert_eq!(&got.bytes[..], b"via proxy");
    assert_eq!(proxy.hits("/site.yaml"), 1);

    let direct = HttpDriver::new(quick().with_env_proxy(false)).unwrap();
    let err = fetch_with(&direct, RetryPolicy::never(), &target, &fetch_opts())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");

    // SAFETY: as above.
    unsafe { std::env::set_var("NO_PROXY", "127.0.0.1") };
    let exempt = HttpDriver::new(quick().with_env_proxy(true)).unwrap();
    let err = fetch_with(&exempt, RetryPolicy::never(), &target, &fetch_opts())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert_eq!(proxy.hits("/site.yaml"), 1, "NO_PROXY was ignored");
}
