//! The connect timeout of `FetchOptions` bounds a connection the server never accepts.
use crate::common;

use std::time::{Duration, Instant};

use common::{driver, fetch_opts, fetch_with};
use drydock_core::ErrorKind;
use drydock_core::RetryPolicy;
use drydock_driver_http::HttpError;

#[tokio::test]
async fn a_full_accept_queue_hits_the_connect_timeout() {
    // A listener that never accepts, with its tiny accept queue filled:
    // the kernel then drops further SYNs, so connecting hangs.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..4 {
        if let Ok(Ok(s)) = tokio::time::timeout(
            Duration::from_millis(200),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            fillers.push(s);
        }
    }
    let d = driver();
    let opts = fetch_opts().with_connect_timeout(Duration::from_millis(300));
    let started = Instant::now();
    let err = fetch_with(&d, RetryPolicy::never(), &format!("http://{addr}/x"), &opts)
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert!(
        matches!(
            err.downcast_source::<HttpError>(),
            Some(HttpError::Timeout {
                what: "connecting",
                ..
            })
        ),
        "{err}"
    );
    drop(listener);
}
