//! Stopping a worker (or a server) on SIGTERM or Ctrl-C.

use drydock_core::CancellationToken;

/// Cancels `shutdown` on SIGTERM or SIGINT (Ctrl-C); returns without
/// cancelling if the signals cannot be listened to.
pub async fn shutdown_on_signal(shutdown: CancellationToken) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        return;
    };
    tokio::select! {
        _ = term.recv() => tracing::info!("SIGTERM: finishing or giving back the current tasks"),
        _ = int.recv() => tracing::info!("interrupted: finishing or giving back the current tasks"),
    }
    shutdown.cancel();
}
