//! Builds the rustls client configuration (ring provider, TLS 1.2 minimum) and
//! explains certificate errors.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};

use crate::error::HttpError;
use crate::options::{Pem, TlsOptions};

/// The crypto provider of the whole workspace: ring.
pub(crate) fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The largest PEM file read (a CA bundle of every public root is ~250 KiB).
pub(crate) const MAX_PEM_SIZE: u64 = 4 << 20;

/// Reads PEM material: only a regular file (a FIFO or device would block or
/// never end), and at most [`MAX_PEM_SIZE`] bytes of it.
fn read_pem(pem: &Pem, what: &str) -> Result<Vec<u8>, HttpError> {
    use std::io::Read as _;
    let p = match pem {
        Pem::Bytes(b) => return Ok(b.clone()),
        Pem::Path(p) => p,
    };
    let fail =
        |reason: String| HttpError::Config(format!("cannot read {what} {}: {reason}", p.display()));
    let meta = std::fs::metadata(p).map_err(|e| fail(e.to_string()))?;
    if !meta.is_file() {
        return Err(fail("not a regular file".into()));
    }
    if meta.len() > MAX_PEM_SIZE {
        return Err(fail(format!(
            "{} bytes is more than the {MAX_PEM_SIZE} bytes a PEM file may hold",
            meta.len()
        )));
    }
    let file = std::fs::File::open(p).map_err(|e| fail(e.to_string()))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_PEM_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(e.to_string()))?;
    if bytes.len() as u64 > MAX_PEM_SIZE {
        return Err(fail("it grew past the size limit while being read".into()));
    }
    Ok(bytes)
}

/// What a PEM is, for messages: its path, or "in memory".
fn named(what: &str, pem: &Pem) -> String {
    match pem {
        Pem::Path(p) => format!("{what} {}", p.display()),
        Pem::Bytes(_) => format!("{what} (in memory)"),
    }
}

fn certs(pem: &Pem, what: &str) -> Result<Vec<CertificateDer<'static>>, HttpError> {
    let bytes = read_pem(pem, what)?;
    let what = &named(what, pem);
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| HttpError::Config(format!("{what}: not valid PEM: {e}")))?;
    if certs.is_empty() {
        return Err(HttpError::Config(format!("{what}: no certificate found")));
    }
    Ok(certs)
}

/// Builds the rustls configuration for `options`.
pub(crate) fn client_config(options: &TlsOptions) -> Result<ClientConfig, HttpError> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| HttpError::Config(format!("TLS versions: {e}")))?;
    let verifier: Arc<dyn ServerCertVerifier> = if options.danger_accept_invalid_certs {
        tracing::warn!(
            "TLS certificate verification is OFF (danger_accept_invalid_certs): any server can impersonate any host"
        );
        Arc::new(AcceptAnything(provider.clone()))
    } else if let Some(bundle) = &options.ca_bundle {
        let cas = certs(bundle, "CA bundle")?;
        if options.system_roots_too {
            Arc::new(
                rustls_platform_verifier::Verifier::new_with_extra_roots(cas, provider.clone())
                    .map_err(|e| HttpError::Config(format!("system roots: {e}")))?,
            )
        } else {
            let mut roots = RootCertStore::empty();
            for ca in cas {
                roots
                    .add(ca)
                    .map_err(|e| HttpError::Config(format!("CA bundle: {e}")))?;
            }
            rustls::client::WebPkiServerVerifier::builder_with_provider(
                Arc::new(roots),
                provider.clone(),
            )
            .build()
            .map_err(|e| HttpError::Config(format!("CA bundle: {e}")))?
        }
    } else {
        Arc::new(
            rustls_platform_verifier::Verifier::new(provider.clone())
                .map_err(|e| HttpError::Config(format!("system roots: {e}")))?,
        )
    };
    let builder = builder
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let identity = match (&options.client_cert, &options.client_key) {
        (Some(_), None) => {
            return Err(HttpError::Config(
                "tls.client_cert is set without tls.client_key (--client-key)".into(),
            ));
        }
        (None, Some(_)) => {
            return Err(HttpError::Config(
                "tls.client_key is set without tls.client_cert (--client-cert)".into(),
            ));
        }
        _ => options.client_identity(),
    };
    let mut config = match &identity {
        Some(identity) => {
            let chain = certs(&identity.cert_chain, "client certificate")?;
            let key_pem = read_pem(&identity.key, "client key")?;
            let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|_| {
                let what = named("client key", &identity.key);
                HttpError::Config(format!("{what}: no PEM private key found"))
            })?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| HttpError::Config(format!("client certificate and key: {e}")))?
        }
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// Finds a rustls error in a source chain and explains it for `host` of `reference` (redacted).
pub(crate) fn explain(
    err: &(dyn std::error::Error + 'static),
    host: &str,
    reference: &str,
) -> Option<HttpError> {
    find_rustls(err).map(|tls| HttpError::Tls {
        reference: reference.to_owned(),
        host: host.to_owned(),
        reason: describe(tls),
    })
}

/// Looks through sources and through (nested) `io::Error` wrappers, whose
/// `source()` skips the error they wrap.
fn find_rustls<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    if let Some(tls) = err.downcast_ref::<rustls::Error>() {
        return Some(tls);
    }
    if let Some(io) = err.downcast_ref::<std::io::Error>()
        && let Some(inner) = io.get_ref()
        && let Some(tls) = find_rustls(inner)
    {
        return Some(tls);
    }
    err.source().and_then(find_rustls)
}

fn describe(err: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match err {
        rustls::Error::InvalidCertificate(cert) => match cert {
            C::UnknownIssuer => "the server's certificate is not signed by a trusted CA (unknown issuer): set the CA bundle that issued it".into(),
            C::Expired | C::ExpiredContext { .. } => "the server's certificate has expired".into(),
            C::NotValidYet | C::NotValidYetContext { .. } => "the server's certificate is not valid yet".into(),
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                "the server's certificate is not valid for this host name".into()
            }
            C::Revoked => "the server's certificate is revoked".into(),
            C::BadSignature => "the server's certificate has a bad signature".into(),
            other => format!("the server's certificate was rejected: {other:?}"),
        },
        rustls::Error::AlertReceived(alert) => {
            format!("the server aborted the handshake ({alert:?}): it may require a client certificate, or refuse ours")
        }
        other => other.to_string(),
    }
}

/// The verifier behind `danger_accept_invalid_certs`: checks signatures, trusts any chain.
#[derive(Debug)]
struct AcceptAnything(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnything {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
