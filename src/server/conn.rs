//! The connection loop under [`serve_bounded`]: HTTP/1.1 through hyper with
//! a header size limit and a header read timeout (a client trickling its
//! request is dropped), optionally inside TLS (rustls, ring provider).

use std::io;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::CancellationToken;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_rustls::TlsAcceptor;

/// Limits of one connection.
#[derive(Clone, Debug)]
pub struct ConnLimits {
    /// A request's headers (and a TLS handshake) must arrive within this.
    pub header_read_timeout: Duration,
    /// The most bytes of request line and headers read before answering 431.
    pub max_header_bytes: usize,
    /// TLS on the listener; none: plain HTTP.
    pub tls: Option<Arc<ServerConfig>>,
}

impl Default for ConnLimits {
    fn default() -> Self {
        ConnLimits {
            header_read_timeout: Duration::from_secs(30),
            max_header_bytes: 64 * 1024,
            tls: None,
        }
    }
}

/// A rustls server configuration from a PEM certificate chain and a PEM
/// private key (PKCS#8, PKCS#1 or SEC1), offering HTTP/1.1 by ALPN.
pub fn tls_config(cert: &Path, key: &Path) -> io::Result<Arc<ServerConfig>> {
    let bad = |what: &str, path: &Path, e: &dyn std::fmt::Display| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{what} {}: {e}", path.display()),
        )
    };
    let chain = CertificateDer::pem_file_iter(cert)
        .map_err(|e| bad("TLS certificate", cert, &e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad("TLS certificate", cert, &e))?;
    if chain.is_empty() {
        return Err(bad("TLS certificate", cert, &"no certificate in the file"));
    }
    let key_der = PrivateKeyDer::from_pem_file(key).map_err(|e| bad("TLS key", key, &e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| bad("TLS versions for", cert, &e))?
        .with_no_client_auth()
        .with_single_cert(chain, key_der)
        .map_err(|e| bad("TLS certificate and key", cert, &e))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Serves `app` on `listener` within `limits` until `shutdown` is
/// cancelled, then finishes the requests in flight.
pub async fn serve_bounded<L>(
    mut listener: L,
    app: Router,
    shutdown: CancellationToken,
    limits: ConnLimits,
) -> io::Result<()>
where
    L: axum::serve::Listener,
{
    let graceful = GracefulShutdown::new();
    let acceptor = limits.tls.clone().map(TlsAcceptor::from);
    loop {
        let (io, _addr) = tokio::select! {
            accepted = listener.accept() => accepted,
            () = shutdown.cancelled() => break,
        };
        let app = app.clone();
        let limits = limits.clone();
        match &acceptor {
            None => serve_one(io, app, &limits, &graceful),
            Some(acceptor) => {
                let handshake =
                    tokio::time::timeout(limits.header_read_timeout, acceptor.accept(io));
                let watcher = graceful.watcher();
                tokio::spawn(async move {
                    match handshake.await {
                        Ok(Ok(tls)) => {
                            let conn = http1(&limits)
                                .serve_connection(TokioIo::new(tls), TowerToHyperService::new(app));
                            if let Err(e) = watcher.watch(conn).await {
                                tracing::debug!(error = %e, "connection ended");
                            }
                        }
                        Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!("TLS handshake timed out"),
                    }
                });
            }
        }
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

fn http1(limits: &ConnLimits) -> hyper::server::conn::http1::Builder {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_header_bytes.max(8192));
    builder
}

fn serve_one<I>(io: I, app: Router, limits: &ConnLimits, graceful: &GracefulShutdown)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let conn = http1(limits).serve_connection(TokioIo::new(io), TowerToHyperService::new(app));
    let watched = graceful.watch(conn);
    tokio::spawn(async move {
        if let Err(e) = watched.await {
            tracing::debug!(error = %e, "connection ended");
        }
    });
}
