//! Stand-ins for the systems a secured `mesh serve` talks to, which cannot run here: the
//! broker's admin REST API (the three endpoints authorization reads, in Pulsar's JSON shapes as
//! `../shared/reference/pulsar-auth.md` §3.4 gives them) and an OpenID Connect issuer (a
//! discovery document and a JWKS, §2.2). Both serve plain HTTP on loopback.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

/// What the stub broker knows.
#[derive(Default)]
pub struct BrokerData {
    /// Tenant → its admin roles.
    pub tenants: BTreeMap<String, Vec<String>>,
    /// `tenant/ns` namespaces.
    pub namespaces: Vec<String>,
    /// `tenant/ns` → role → actions.
    pub permissions: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    /// Answer every call with this status instead.
    pub fail_with: Option<u16>,
}

/// A running stub broker.
pub struct StubBroker {
    pub addr: SocketAddr,
    pub data: Arc<Mutex<BrokerData>>,
    /// Calls answered.
    pub calls: Arc<AtomicUsize>,
    /// The `Authorization` header of the last call.
    pub last_authorization: Arc<Mutex<Option<String>>>,
}

impl StubBroker {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

#[derive(Clone)]
struct BrokerState {
    data: Arc<Mutex<BrokerData>>,
    calls: Arc<AtomicUsize>,
    last_authorization: Arc<Mutex<Option<String>>>,
}

fn reason(status: u16, text: &str) -> Response {
    (
        StatusCode::from_u16(status).unwrap(),
        axum::Json(json!({"reason": text})),
    )
        .into_response()
}

impl BrokerState {
    fn seen(&self, headers: &HeaderMap) -> Option<Response> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        *self.last_authorization.lock().unwrap() = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        self.data
            .lock()
            .unwrap()
            .fail_with
            .map(|s| reason(s, "stub failure"))
    }
}

async fn tenant(State(s): State<BrokerState>, Path(t): Path<String>, headers: HeaderMap) -> Response {
    if let Some(r) = s.seen(&headers) {
        return r;
    }
    let data = s.data.lock().unwrap();
    match data.tenants.get(&t) {
        Some(admins) => {
            axum::Json(json!({"adminRoles": admins, "allowedClusters": ["test"]})).into_response()
        }
        None => reason(404, "Tenant does not exist"),
    }
}

async fn namespaces(State(s): State<BrokerState>, Path(t): Path<String>, headers: HeaderMap) -> Response {
    if let Some(r) = s.seen(&headers) {
        return r;
    }
    let data = s.data.lock().unwrap();
    if !data.tenants.contains_key(&t) {
        return reason(404, "Tenant does not exist");
    }
    let list: Vec<&String> = data
        .namespaces
        .iter()
        .filter(|n| n.split('/').next() == Some(t.as_str()))
        .collect();
    axum::Json(json!(list)).into_response()
}

async fn permissions(
    State(s): State<BrokerState>,
    Path((t, ns)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = s.seen(&headers) {
        return r;
    }
    let data = s.data.lock().unwrap();
    let key = format!("{t}/{ns}");
    if !data.namespaces.contains(&key) {
        return reason(404, "Namespace does not exist");
    }
    axum::Json(json!(data.permissions.get(&key).cloned().unwrap_or_default())).into_response()
}

/// Starts a stub broker with `data`.
pub async fn broker(data: BrokerData) -> StubBroker {
    let state = BrokerState {
        data: Arc::new(Mutex::new(data)),
        calls: Arc::new(AtomicUsize::new(0)),
        last_authorization: Arc::new(Mutex::new(None)),
    };
    let app = Router::new()
        .route("/admin/v2/tenants/{tenant}", get(tenant))
        .route("/admin/v2/namespaces/{tenant}", get(namespaces))
        .route(
            "/admin/v2/namespaces/{tenant}/{namespace}/permissions",
            get(permissions),
        )
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    StubBroker {
        addr,
        data: state.data,
        calls: state.calls,
        last_authorization: state.last_authorization,
    }
}

/// An address where nothing listens.
pub async fn dead_address() -> SocketAddr {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap()
}

/// A running stub OpenID issuer; its issuer URL is `http://ADDR/realm`.
pub struct StubIssuer {
    pub addr: SocketAddr,
    /// The JWKS it serves (replace to rotate keys).
    pub jwks: Arc<Mutex<Value>>,
    /// Discovery and JWKS requests answered.
    pub discovery_calls: Arc<AtomicUsize>,
    pub jwks_calls: Arc<AtomicUsize>,
}

impl StubIssuer {
    pub fn issuer(&self) -> String {
        format!("http://{}/realm", self.addr)
    }
}

#[derive(Clone)]
struct IssuerState {
    issuer: String,
    jwks: Arc<Mutex<Value>>,
    discovery_calls: Arc<AtomicUsize>,
    jwks_calls: Arc<AtomicUsize>,
    /// The `issuer` the document claims (to test the mismatch check).
    claimed: Option<String>,
}

/// Starts a stub issuer serving `jwks`; its document claims `claimed_issuer` when given.
pub async fn issuer(jwks: Value, claimed_issuer: Option<String>) -> StubIssuer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = IssuerState {
        issuer: format!("http://{addr}/realm"),
        jwks: Arc::new(Mutex::new(jwks)),
        discovery_calls: Arc::new(AtomicUsize::new(0)),
        jwks_calls: Arc::new(AtomicUsize::new(0)),
        claimed: claimed_issuer,
    };
    let app = Router::new()
        .route(
            "/realm/.well-known/openid-configuration",
            get(|State(s): State<IssuerState>| async move {
                s.discovery_calls.fetch_add(1, Ordering::SeqCst);
                axum::Json(json!({
                    "issuer": s.claimed.clone().unwrap_or_else(|| s.issuer.clone()),
                    "jwks_uri": format!("{}/keys", s.issuer),
                    "authorization_endpoint": format!("{}/auth", s.issuer),
                }))
            }),
        )
        .route(
            "/realm/keys",
            get(|State(s): State<IssuerState>| async move {
                s.jwks_calls.fetch_add(1, Ordering::SeqCst);
                axum::Json(s.jwks.lock().unwrap().clone())
            }),
        )
        .with_state(state.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    StubIssuer {
        addr,
        jwks: state.jwks,
        discovery_calls: state.discovery_calls,
        jwks_calls: state.jwks_calls,
    }
}
