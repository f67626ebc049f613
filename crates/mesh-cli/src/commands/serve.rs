//! `mesh serve`.

use std::io::Write;
use std::sync::Arc;

use mesh_core::worker::{Catalogue, WorkerConfig};
use mesh_http::{AppState, Limits};
use mesh_kube::AnyStore;

use super::convert::{load, print};
use super::{Status, report};
use crate::cli::ServeArgs;

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
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
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
        let state = Arc::new(AppState {
            worker: worker.unwrap_or_default(),
            catalogue,
            store,
        });
        let limits = Limits {
            body_bytes: args.max_body,
            ..Limits::default()
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
        match mesh_http::serve(listener, mesh_http::router(state, limits), shutdown_signal()).await {
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
