//! `mesh serve`.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use mesh_core::worker::{Catalogue, WorkerConfig};
use mesh_http::{AppState, Limits};
use mesh_kube::AnyStore;

use super::convert::{load, print};
use super::{Status, report};
use crate::cli::{LogFormat, ServeArgs};

/// Resolves when SIGTERM or SIGINT arrives.
async fn shutdown_signal() {
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

/// `mesh serve`: runs until SIGTERM or SIGINT, finishing the requests in flight.
pub fn run(args: &ServeArgs, err: &mut dyn Write) -> Status {
    let mut diags = Vec::new();
    let loaded =
        load::<WorkerConfig>(args.worker_config.as_deref(), "worker config", &mut diags).and_then(|w| {
            Ok((
                w,
                load::<Catalogue>(args.connectors.as_deref(), "connector catalogue", &mut diags)?,
            ))
        });
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
        let store = match AnyStore::open(&args.store.store, &super::store::cluster_options(&args.store)).await
        {
            Ok(s) => s,
            Err(e) => {
                report(err, &e);
                return Status::Usage;
            }
        };
        let mut state = AppState::new(worker.unwrap_or_default(), catalogue, store);
        state.cluster.clone_from(&args.cluster);
        let state = Arc::new(state);
        let limits = Limits {
            body_bytes: args.max_body,
            concurrency: args.max_concurrency,
            header_read_timeout: Duration::from_secs(args.header_timeout.max(1)),
            request_timeout: Duration::from_secs(args.request_timeout.max(1)),
        };
        let listener = match tokio::net::TcpListener::bind(args.listen).await {
            Ok(l) => l,
            Err(e) => {
                let _ = writeln!(err, "error: cannot listen on {}: {e}", args.listen);
                return Status::Usage;
            }
        };
        if let Ok(addr) = listener.local_addr() {
            let _ = writeln!(err, "listening on http://{addr}");
            let _ = err.flush();
        }
        match mesh_http::serve(
            listener,
            mesh_http::router(state, limits),
            limits,
            shutdown_signal(),
        )
        .await
        {
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
