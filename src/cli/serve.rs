//! `drydock serve`: the original's REST API over the store, with the worker
//! runtime in-process (`--worker-concurrency 0` for the API alone).

use std::sync::Arc;

use clap::{Args, ValueEnum};
use drydock::config::Config;
use drydock::server::{
    ApiState, Auth, ConnLimits, KeystoneAuth, Limited, Policy, ServerOptions, router,
    serve_bounded, tls_config,
};
use drydock::worker::{Worker, WorkerOptions, shutdown_on_signal};
use drydock::{CancellationToken, Context};

use super::store::StoreArg;
use super::{EXIT_CONFIG, EXIT_FAILURE, EXIT_OK, EXIT_STORE, output, store};

/// How callers are authenticated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum AuthMode {
    /// `X-Auth-Token` validated against Keystone with the service's own
    /// credentials ([drivers.deckhand.keystone], OS_*, clouds.yaml).
    Keystone,
    /// No authentication: every caller is treated as admin (development only).
    None,
}

/// Arguments of `drydock serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Where to listen (`HOST:PORT`; default: `[api] listen`, else 127.0.0.1:9000).
    #[arg(long, value_name = "HOST:PORT")]
    listen: Option<String>,
    /// How callers are authenticated; `none` treats every caller as admin
    /// (development only).
    #[arg(long, value_enum, default_value = "keystone")]
    auth: AuthMode,
    /// The policy file (oslo.policy rules by the original's names, YAML or
    /// JSON; default: `[api] policy`, else every rule `role:admin`).
    #[arg(long, value_name = "FILE")]
    policy: Option<std::path::PathBuf>,
    /// Tasks the in-process worker runs at once; 0 runs the API alone (other
    /// `drydock worker` processes on the same store do the work).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(0..=256))]
    worker_concurrency: u16,
    /// On SIGTERM or Ctrl-C, how long the in-process worker's running tasks
    /// may take before they go back to the queue.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = super::settings::parse_duration)]
    shutdown_grace: std::time::Duration,
    /// Design validations (/validatedesign, /nodefilter) run at once.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    max_validations: u16,
    /// Validations waiting for a slot; more are answered 503 with Retry-After.
    #[arg(long, default_value_t = 16)]
    max_queued_validations: u16,
    /// Where nodes report their boot actions (`action.report_url` in asset templates).
    #[arg(long, value_name = "URL", default_value = drydock::bootaction::DEFAULT_REPORT_URL)]
    bootaction_report_url: String,
    /// Boot-action assets may name file:// locations under this directory (repeatable).
    #[arg(long, value_name = "DIR")]
    bootaction_file_root: Vec<std::path::PathBuf>,
    /// Connections open at once; more wait to be accepted.
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: u32,
    /// TLS certificate chain (PEM) for the listener; with --tls-key (else `[api] tls`).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<std::path::PathBuf>,
    /// TLS private key (PEM) for the listener; with --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<std::path::PathBuf>,
    /// A request's headers must arrive within this (slow clients are dropped).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = humantime::parse_duration)]
    header_timeout: std::time::Duration,
    /// The most bytes of a request's line and headers (more: 431).
    #[arg(long, value_name = "BYTES", default_value_t = 65536, value_parser = clap::value_parser!(u32).range(8192..))]
    max_header_bytes: u32,
    #[command(flatten)]
    store: StoreArg,
}

/// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight and
/// gives the worker's running tasks back.
pub async fn run(config: Config, args: ServeArgs) -> u8 {
    let listen = args.listen.unwrap_or_else(|| config.api().listen.clone());
    let policy = match args.policy.as_deref().or(config.api().policy.as_deref()) {
        None => Policy::default(),
        Some(path) => match Policy::from_file(path) {
            Ok(policy) => policy,
            Err(err) => {
                errln!("error: the policy file: {}", output::safe(&err));
                return EXIT_CONFIG;
            }
        },
    };
    let auth = match args.auth {
        AuthMode::None => Auth::None,
        AuthMode::Keystone => match KeystoneAuth::from_config(&config, config.api().token_ttl) {
            Ok(keystone) => Auth::Keystone(Box::new(keystone)),
            Err(err) => {
                output::print_error(&err);
                errln!("hint: or --auth none for development (every caller is admin)");
                return EXIT_CONFIG;
            }
        },
    };
    let url = args.store.url(&config);
    let opened = match store::open_for_service(&url).await {
        Ok(opened) => opened,
        Err(err) => {
            output::print_error(&drydock::Error::from(err));
            return EXIT_STORE;
        }
    };
    let context = Arc::new(Context::with_store(config, opened.clone()));
    let mut options = ServerOptions::default();
    options.max_validations = usize::from(args.max_validations);
    options.max_queued_validations = usize::from(args.max_queued_validations);
    options.bootaction_report_url = args.bootaction_report_url;
    options.bootaction_file_roots = args.bootaction_file_root;
    let max_connections = usize::try_from(args.max_connections).unwrap_or(usize::MAX);
    let keystone_url = match &auth {
        Auth::Keystone(keystone) => Some(keystone.tokens_url().to_owned()),
        Auth::None => None,
    };
    let state = match ApiState::new(context.clone(), auth, policy, options) {
        Ok(state) => state,
        Err(err) => {
            output::print_error(&err);
            return EXIT_CONFIG;
        }
    };
    let tls_files = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some((cert.clone(), key.clone())),
        _ => context
            .config()
            .api()
            .tls
            .as_ref()
            .map(|t| (t.cert.clone(), t.key.clone())),
    };
    let tls = match &tls_files {
        None => None,
        Some((cert, key)) => match tls_config(cert, key) {
            Ok(tls) => Some(tls),
            Err(err) => {
                errln!("error: {}", output::safe(&err.to_string()));
                return EXIT_CONFIG;
            }
        },
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let limits = ConnLimits {
        header_read_timeout: args.header_timeout,
        max_header_bytes: usize::try_from(args.max_header_bytes).unwrap_or(usize::MAX),
        tls,
    };
    let listener = match tokio::net::TcpListener::bind(&listen).await {
        Ok(listener) => listener,
        Err(err) => {
            errln!("error: cannot listen on {}: {err}", output::safe(&listen));
            return EXIT_FAILURE;
        }
    };
    let address = listener
        .local_addr()
        .map_or_else(|_| listen.clone(), |a| a.to_string());
    if let Some(url) = &keystone_url {
        errln!(
            "tokens validated by Keystone at {}",
            output::safe(&drydock::redact_str(url))
        );
    }
    if args.auth == AuthMode::None {
        errln!(
            "WARNING: --auth none: no authentication, every caller is treated as admin. \
             For development only: do not expose this server."
        );
    }
    errln!(
        "serving {scheme}://{address}/api/v1.0 on {}",
        output::safe(&drydock::store::redact_url(&url))
    );
    let shutdown = CancellationToken::new();
    let signals = tokio::spawn(shutdown_on_signal(shutdown.clone()));
    let worker = if args.worker_concurrency > 0 {
        let mut options = WorkerOptions::from_config(context.config());
        options.concurrency = usize::from(args.worker_concurrency);
        options.shutdown_grace = args.shutdown_grace;
        let worker = match Worker::from_context(state.context(), options) {
            Ok(worker) => worker,
            Err(err) => {
                output::print_error(&err);
                return EXIT_CONFIG;
            }
        };
        let stop = shutdown.clone();
        Some(tokio::spawn(async move { worker.run(stop).await }))
    } else {
        None
    };
    let app = router(state);
    let listener = Limited::new(listener, max_connections);
    let served = serve_bounded(listener, app, shutdown.clone(), limits).await;
    shutdown.cancel();
    let worked = match worker {
        Some(handle) => handle.await.ok(),
        None => None,
    };
    signals.abort();
    opened.close().await;
    if let Err(err) = served {
        errln!("error: the server stopped: {err}");
        return EXIT_FAILURE;
    }
    match worked {
        Some(Err(err)) => {
            output::print_error(&err);
            EXIT_STORE
        }
        _ => {
            errln!("server stopped");
            EXIT_OK
        }
    }
}
