//! `mesh serve`.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use mesh_core::worker::WorkerConfig;
use mesh_core::worker::security::SecurityConfig;
use mesh_http::tls::{Tls, TlsFlags};
use mesh_http::{AppState, Limits, Listeners, Security};
use mesh_kube::AnyStore;

use super::context::{load_worker, print};
use super::{Status, report};
use crate::cli::{LogFormat, ServeArgs};

/// Where `mesh serve` listens when no listener is named.
const DEFAULT_LISTEN: std::net::SocketAddr =
    std::net::SocketAddr::V4(std::net::SocketAddrV4::new(std::net::Ipv4Addr::LOCALHOST, 6750));

/// Resolves when SIGTERM or SIGINT arrives.
async fn signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = term => {}
    }
}

/// Resolves when the listener should close: at SIGTERM or SIGINT, `/readyz` starts failing,
/// then `delay` passes (or a second signal arrives).
async fn shutdown(state: Arc<AppState>, delay: Duration) {
    signal().await;
    state.draining.start();
    if delay.is_zero() {
        tracing::info!("shutting down: finishing the requests in flight");
        return;
    }
    tracing::info!(
        delay_seconds = delay.as_secs(),
        "shutting down: /readyz answers 503; still serving until the delay has passed"
    );
    tokio::select! {
        () = tokio::time::sleep(delay) => {}
        () = signal() => tracing::info!("second signal: closing the listener now"),
    }
    tracing::info!("closing the listener: finishing the requests in flight");
}

/// Logs to stderr, filtered by `MESH_LOG` (default `info`).
fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("MESH_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    // Another subscriber already set (tests) is fine: keep it.
    let _ = match format {
        LogFormat::Text => logs.try_init(),
        LogFormat::Json => logs.json().flatten_event(true).try_init(),
    };
}

/// The worker config's security and the listeners' TLS, or why they cannot be honoured.
fn secure(
    args: &ServeArgs,
    worker: &WorkerConfig,
    err: &mut dyn Write,
) -> Result<(Security, Option<(std::net::SocketAddr, Tls)>), Status> {
    let label = args
        .worker_config
        .as_ref()
        .map_or_else(|| "worker config".to_owned(), |p| p.display().to_string());
    let config = SecurityConfig::from_worker(worker).map_err(|d| {
        let diags: Vec<_> = d.into_iter().map(|d| (label.clone(), d)).collect();
        print(err, &diags, true);
        Status::Rejected
    })?;
    let flags = TlsFlags {
        listen: args.listen_tls,
        cert: args.tls_cert.clone(),
        key: args.tls_key.clone(),
        client_ca: args.tls_client_ca.clone(),
    };
    let fail = |err: &mut dyn Write, e: &dyn std::error::Error| {
        report(err, e);
        Status::Rejected
    };
    let tls = match mesh_http::tls::plan(&config.tls, &flags) {
        Ok(Some((addr, files))) => Some((addr, Tls::new(files).map_err(|e| fail(err, &e))?)),
        Ok(None) => None,
        Err(e) => return Err(fail(err, &e)),
    };
    let verifies_clients = tls.as_ref().is_some_and(|(_, t)| t.verifies_clients());
    let security = Security::new(&config, verifies_clients).map_err(|e| fail(err, &e))?;
    Ok((security, tls))
}

/// `mesh serve`: runs until SIGTERM or SIGINT, finishing the requests in flight.
pub fn run(args: &ServeArgs, err: &mut dyn Write) -> Status {
    let mut diags = Vec::new();
    let loaded = load_worker(
        args.worker_config.as_deref(),
        args.connectors.as_deref(),
        &mut diags,
    );
    print(err, &diags, true);
    let (worker, catalogue) = match loaded {
        Ok(v) => v,
        Err(status) => return status,
    };
    init_logs(args.log_format);
    // Store file work runs on blocking threads; a few suffice for short reads and writes, and
    // each idle one keeps its stack and allocator cache.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(8)
        // Documents nest up to `yaml::MAX_DEPTH` levels, which the reader walks recursively:
        // room for that in every build (only the pages touched are ever allocated).
        .thread_stack_size(mesh_core::yaml::READER_STACK)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            report(err, &e);
            return Status::Rejected;
        }
    };
    runtime.block_on(async {
        // Within the runtime: the providers' caches and the certificate watcher need it.
        let (security, tls) = match secure(args, &worker, err) {
            Ok(v) => v,
            Err(status) => return status,
        };
        let store = match AnyStore::open(
            &args.store.store,
            &mesh_kube::ClusterOptions {
                // Clients get a prompt 503 with the reason while the API server is away.
                retry: mesh_kube::RetryPolicy::serving(),
                ..super::store::cluster_options(&args.store)
            },
        )
        .await
        {
            Ok(s) => s,
            Err(e) => {
                report(err, &e);
                return Status::Usage;
            }
        };
        let mut state = AppState::new(worker, catalogue, store, security);
        state.cluster.clone_from(&args.cluster);
        if let Err(why) = &state.cluster_urls {
            let why: Vec<String> = why
                .errors()
                .map(|d| format!("{}: {}", d.path, d.message))
                .collect();
            tracing::warn!(
                reason = %why.join("; "),
                "the Pulsar cluster ConfigMap the resources refer to is not created: create it yourself"
            );
        }
        let state = Arc::new(state);
        let limits = Limits {
            body_bytes: args.max_body,
            concurrency: args.max_concurrency,
            header_read_timeout: Duration::from_secs(args.header_timeout.max(1)),
            request_timeout: Duration::from_secs(args.request_timeout.max(1)),
            body_read_timeout: Duration::from_secs(args.body_timeout.max(1)),
        };
        let plain = args.listen.or_else(|| tls.is_none().then_some(DEFAULT_LISTEN));
        let mut listeners = Listeners::default();
        if let Some(addr) = plain {
            match tokio::net::TcpListener::bind(addr).await {
                Ok(l) => listeners.plain = Some(l),
                Err(e) => {
                    let _ = writeln!(err, "error: cannot listen on {addr}: {e}");
                    return Status::Usage;
                }
            }
        }
        if let Some((addr, tls)) = tls {
            match tokio::net::TcpListener::bind(addr).await {
                Ok(l) => {
                    tls.watch();
                    listeners.tls = Some((l, tls));
                }
                Err(e) => {
                    let _ = writeln!(err, "error: cannot listen on {addr}: {e}");
                    return Status::Usage;
                }
            }
        }
        if let Some(addr) = listeners.plain.as_ref().and_then(|l| l.local_addr().ok()) {
            let _ = writeln!(err, "listening on http://{addr}");
        }
        if let Some(addr) = listeners.tls.as_ref().and_then(|(l, _)| l.local_addr().ok()) {
            let _ = writeln!(err, "listening on https://{addr}");
        }
        let _ = err.flush();
        let stop = shutdown(Arc::clone(&state), Duration::from_secs(args.shutdown_delay));
        match mesh_http::serve_all(listeners, mesh_http::router(state, limits), limits, stop).await {
            Ok(()) => {
                let _ = writeln!(err, "stopped");
                Status::Ok
            }
            Err(e) => {
                report(err, &e);
                Status::Rejected
            }
        }
    })
}
