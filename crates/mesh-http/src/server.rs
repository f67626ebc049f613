//! The accept loop: hyper's HTTP/1 server with a header read timeout, on a plain and an HTTPS
//! listener, and a graceful shutdown that stops accepting and lets every connection finish its
//! request in flight.
//!
//! Every connection ends with a lingering close: the server stops writing, then reads and drops
//! what the client still sends (at most [`LINGER_BYTES`] for at most [`LINGER_TIME`]) before it
//! closes the socket. A request refused before its body was read (413) is answered while the
//! client is still uploading; closing at once would make the kernel reset the connection and
//! take the answer with it, so that `pulsar-admin` would see a broken pipe instead of the reason.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::http::Request;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

use crate::Limits;
use crate::auth::ConnectionInfo;
use crate::tls::Tls;

/// Where `mesh serve` listens: plain HTTP, HTTPS, or both.
#[derive(Debug, Default)]
pub struct Listeners {
    /// The plain HTTP listener.
    pub plain: Option<TcpListener>,
    /// The HTTPS listener and its TLS config.
    pub tls: Option<(TcpListener, Tls)>,
}

/// Serves `router` on `listener` until `shutdown` completes, then waits for the requests in
/// flight (at most `limits.request_timeout` more).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_all(
        Listeners {
            plain: Some(listener),
            tls: None,
        },
        router,
        limits,
        shutdown,
    )
    .await
}

/// The most a closing connection reads from its client before closing (a jar upload that
/// was refused by its declared length).
pub const LINGER_BYTES: usize = 256 * 1024 * 1024;
/// The longest a closing connection waits for its client to stop sending.
pub const LINGER_TIME: Duration = Duration::from_secs(2);

/// A connection's stream that, when hyper drops it, closes with a linger instead of at once.
struct Linger<S: AsyncRead + AsyncWrite + Unpin + Send + 'static>(Option<S>);

impl<S: AsyncRead + AsyncWrite + Unpin + Send + 'static> Linger<S> {
    fn stream(&mut self) -> std::io::Result<Pin<&mut S>> {
        self.0
            .as_mut()
            .map(Pin::new)
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotConnected))
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send + 'static> AsyncRead for Linger<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.stream() {
            Ok(s) => s.poll_read(cx, buf),
            Err(e) => Poll::Ready(Err(e)),
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send + 'static> AsyncWrite for Linger<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.stream() {
            Ok(s) => s.poll_write(cx, buf),
            Err(e) => Poll::Ready(Err(e)),
        }
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.stream() {
            Ok(s) => s.poll_flush(cx),
            Err(e) => Poll::Ready(Err(e)),
        }
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.stream() {
            Ok(s) => s.poll_shutdown(cx),
            Err(e) => Poll::Ready(Err(e)),
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send + 'static> Drop for Linger<S> {
    fn drop(&mut self) {
        let Some(mut stream) = self.0.take() else { return };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        runtime.spawn(async move {
            let _ = tokio::time::timeout(LINGER_TIME, async {
                let _ = stream.shutdown().await;
                let mut buf = vec![0u8; 64 * 1024];
                let mut read = 0;
                while read < LINGER_BYTES {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => read += n,
                    }
                }
            })
            .await;
        });
    }
}

async fn accept(listener: Option<&TcpListener>) -> std::io::Result<TcpStream> {
    match listener {
        Some(l) => l.accept().await.map(|(s, _)| s),
        None => std::future::pending().await,
    }
}

/// Serves `router` on every listener of `listeners` until `shutdown` completes, then waits for
/// the requests in flight (at most `limits.request_timeout` more). A TLS handshake must finish
/// within the header read timeout.
pub async fn serve_all(
    listeners: Listeners,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    let (tls_listener, tls) = match listeners.tls {
        Some((l, t)) => (Some(l), Some(t)),
        None => (None, None),
    };
    loop {
        let (accepted, secure) = tokio::select! {
            a = accept(listeners.plain.as_ref()) => (a, false),
            a = accept(tls_listener.as_ref()) => (a, true),
            () = &mut shutdown => break,
        };
        let stream = match accepted {
            Ok(stream) => stream,
            Err(e) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        if let (Some(tls), true) = (&tls, secure) {
            {
                let acceptor = tokio_rustls::TlsAcceptor::from(tls.current());
                let watcher = graceful.watcher();
                let http = http.clone();
                let router = router.clone();
                let handshake_timeout = limits.header_read_timeout;
                tokio::spawn(async move {
                    let stream = match tokio::time::timeout(handshake_timeout, acceptor.accept(stream)).await
                    {
                        Ok(Ok(s)) => s,
                        Ok(Err(e)) => {
                            tracing::debug!(error = %e, "TLS handshake failed");
                            return;
                        }
                        Err(_) => {
                            tracing::debug!("TLS handshake timed out");
                            return;
                        }
                    };
                    let info = ConnectionInfo {
                        peer_certificates: std::sync::Arc::new(
                            stream
                                .get_ref()
                                .1
                                .peer_certificates()
                                .map(<[_]>::to_vec)
                                .unwrap_or_default(),
                        ),
                    };
                    let service = router.map_request(move |mut r: Request<hyper::body::Incoming>| {
                        r.extensions_mut().insert(info.clone());
                        r
                    });
                    let connection = watcher.watch(http.serve_connection(
                        TokioIo::new(Linger(Some(stream))),
                        TowerToHyperService::new(service),
                    ));
                    if let Err(e) = connection.await {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                });
            }
        } else {
            {
                let service = TowerToHyperService::new(router.clone());
                let connection =
                    graceful.watch(http.serve_connection(TokioIo::new(Linger(Some(stream))), service));
                tokio::spawn(async move {
                    if let Err(e) = connection.await {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                });
            }
        }
    }
    drop(listeners.plain);
    drop(tls_listener);
    if tokio::time::timeout(limits.request_timeout, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after the request timeout; closing them");
    }
    Ok(())
}
