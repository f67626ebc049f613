//! Authentication and authorization of `mesh serve`, as a Pulsar functions worker does them,
//! configured from the worker config's own keys ([`SecurityConfig`]).
//!
//! * [`authenticate`] runs before every route: `/healthz` and `/readyz` stay open, `/metrics`
//!   is open unless `authenticateMetricsEndpoint`; everything else needs a caller that one of
//!   the providers (token, OpenID Connect, mTLS) authenticates, or `anonymousUserRole`.
//!   Failures are 401 `{"reason": ...}`.
//! * The handlers then ask [`Security::authorize`] (namespace operations) or
//!   [`Security::require_super_user`]; any error while deciding refuses.
//!
//! No token or key value reaches a log line, an error or `/metrics`: [`Caller`]'s `Debug` hides
//! the token, and every message names keys and claims, never values.

mod authorize;
pub mod broker;
mod client;
mod keys;
mod openid;
mod token;
mod verified;

pub use authorize::{PrincipalProblem, action, permits};
pub use broker::{Broker, BrokerError};
pub use client::install_crypto_provider;

use std::fmt;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use mesh_core::Kind;
use mesh_core::diag::Diagnostics;
use mesh_core::worker::security::{ProviderConfig, SecurityConfig};
use rustls_pki_types::CertificateDer;

use crate::{ApiError, AppState};

/// Why the security settings cannot be put in place; `mesh serve` does not start.
#[derive(Debug, thiserror::Error)]
pub enum SecurityError {
    /// The worker config asks for something mesh cannot honour (every problem, with its key).
    #[error("the worker config's security settings cannot be honoured")]
    Config(Diagnostics),
    /// A key's value is malformed (the value itself is never shown).
    #[error("{key}: {problem}")]
    KeyValue {
        /// The config key.
        key: &'static str,
        /// What is wrong.
        problem: &'static str,
    },
    /// A file a key names cannot be read.
    #[error("{key}: cannot read {path}")]
    File {
        /// The config key.
        key: &'static str,
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A setting is invalid.
    #[error("{key}: {problem}")]
    Invalid {
        /// The config key or flag.
        key: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// An outgoing HTTP client cannot be built.
    #[error("cannot build the HTTP client for the broker or an OpenID issuer")]
    Client(#[source] reqwest::Error),
}

/// Why a request is not authenticated (401; the text is the `reason`).
#[derive(Clone, Debug, thiserror::Error)]
#[error("{0}")]
pub struct AuthError(pub String);

/// A bearer token, kept to hand on to the function's auth Secret; its `Debug` is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Bearer(String);

impl Bearer {
    /// The token text.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Bearer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Bearer(redacted)")
    }
}

/// Who sends a request, as authentication found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Caller {
    /// Whether a provider authenticated the request (false when authentication is off, for the
    /// anonymous role, and on open endpoints).
    pub authenticated: bool,
    /// The authenticated role (`None`: no role claim, or authentication off).
    pub role: Option<String>,
    /// `X-Original-Principal`, as a proxy sends it.
    pub original_principal: Option<String>,
    /// The token that authenticated the request, if a token did.
    pub token: Option<Bearer>,
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        // Set by `authenticate` on every request; a route without it is refused, not opened.
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| ApiError::Unauthorized("Authentication required".to_owned()))
    }
}

/// What a connection knows of its peer: the client certificate chain of a TLS connection.
#[derive(Clone, Debug, Default)]
pub struct ConnectionInfo {
    /// The verified client certificates, leaf first (empty without TLS or without a certificate).
    pub peer_certificates: Arc<Vec<CertificateDer<'static>>>,
}

enum Provider {
    Token(Box<token::TokenProvider>),
    OpenId(Box<openid::OpenIdProvider>),
    Tls,
}

impl Provider {
    fn method(&self) -> &'static str {
        match self {
            Self::Token(_) | Self::OpenId(_) => "token",
            Self::Tls => "tls",
        }
    }
}

/// The longest token read; Pulsar's own are a few hundred bytes.
const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// The token of a request (Pulsar's `getToken`): `Authorization: Bearer <token>`, else the
/// `token` query parameter.
fn token_of(parts: &Parts) -> Result<String, AuthError> {
    let fail = |m: &str| AuthError(m.to_owned());
    let token = if let Some(h) = parts.headers.get(axum::http::header::AUTHORIZATION) {
        let h = h
            .to_str()
            .map_err(|_| fail("Invalid HTTP Authorization header"))?;
        h.strip_prefix("Bearer ")
            .ok_or_else(|| fail("Invalid HTTP Authorization header"))?
            .to_owned()
    } else {
        let query = parts.uri.query().unwrap_or_default();
        let from_query = url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "token")
            .map(|(_, v)| v.into_owned())
            .ok_or_else(|| fail("No token credentials passed"))?;
        from_query
            .strip_prefix("Bearer ")
            .map_or(from_query.clone(), str::to_owned)
    };
    if token.trim().is_empty() {
        return Err(fail("Blank token found"));
    }
    if token.len() > MAX_TOKEN_BYTES {
        return Err(fail(
            "Failed to authentication token: the token is longer than 16384 bytes",
        ));
    }
    Ok(token)
}

/// The role of a client certificate: the CN of the leaf, as Pulsar reads it (the first `CN` of
/// the subject's RFC 2253 form, which lists the last one first).
fn certificate_role(parts: &Parts) -> Result<String, AuthError> {
    let fail = || AuthError("Client unable to authenticate with TLS certificate".to_owned());
    let info = parts.extensions.get::<ConnectionInfo>().ok_or_else(fail)?;
    let leaf = info.peer_certificates.first().ok_or_else(fail)?;
    let (_, cert) = x509_parser::parse_x509_certificate(leaf.as_ref())
        .map_err(|_| AuthError("Failed to get TLS certificates from client".to_owned()))?;
    cert.subject()
        .iter_common_name()
        .filter_map(|cn| cn.as_str().ok())
        .filter(|cn| !cn.is_empty())
        .last()
        .map(str::to_owned)
        .ok_or_else(fail)
}

struct Authenticator {
    providers: Vec<Provider>,
    anonymous_role: Option<String>,
}

impl Authenticator {
    async fn attempt(provider: &Provider, parts: &Parts) -> Result<Caller, AuthError> {
        let (role, token) = match provider {
            Provider::Token(p) => {
                let t = token_of(parts)?;
                (p.authenticate(&t)?, Some(Bearer(t)))
            }
            Provider::OpenId(p) => {
                let t = token_of(parts)?;
                (p.authenticate(&t).await?, Some(Bearer(t)))
            }
            Provider::Tls => (Some(certificate_role(parts)?), None),
        };
        Ok(Caller {
            authenticated: true,
            role,
            original_principal: parts
                .headers
                .get("x-original-principal")
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned),
            token,
        })
    }

    /// Pulsar's `AuthenticationService.authenticateHttpRequest`: the provider the client names
    /// by `X-Pulsar-Auth-Method-Name`, else each in turn; then the anonymous role.
    async fn authenticate(&self, parts: &Parts) -> Result<Caller, AuthError> {
        let chosen: Vec<&Provider> = match parts.headers.get("x-pulsar-auth-method-name") {
            Some(v) => {
                let name = v.to_str().unwrap_or("");
                let found: Vec<&Provider> = self.providers.iter().filter(|p| p.method() == name).collect();
                if found.is_empty() {
                    let shown: String = name.chars().filter(|c| !c.is_control()).take(64).collect();
                    return Err(AuthError(format!(
                        "Unsupported authentication method: [{shown}]."
                    )));
                }
                found
            }
            None => self.providers.iter().collect(),
        };
        let mut last = None;
        for p in &chosen {
            match Self::attempt(p, parts).await {
                Ok(caller) => return Ok(caller),
                Err(e) => last = Some(e),
            }
        }
        if let Some(role) = &self.anonymous_role {
            return Ok(Caller {
                authenticated: false,
                role: Some(role.clone()),
                ..Caller::default()
            });
        }
        Err(match (chosen.len(), last) {
            (1, Some(e)) => e,
            _ => AuthError("Authentication required".to_owned()),
        })
    }
}

/// The security of a running server: authentication, authorization and the broker.
pub struct Security {
    authenticator: Option<Authenticator>,
    authorizer: Option<authorize::Authorizer>,
    broker: Option<Arc<Broker>>,
    metrics_protected: bool,
}

impl fmt::Debug for Security {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Security")
            .field("authentication", &self.authenticator.is_some())
            .field("authorization", &self.authorizer.is_some())
            .field("broker", &self.broker.is_some())
            .field("metrics_protected", &self.metrics_protected)
            .finish()
    }
}

impl Security {
    /// No authentication, no authorization, no broker: every caller is served. For tests and
    /// for embedding behind something that authenticates; `mesh serve` builds [`Security::new`].
    pub fn disabled() -> Self {
        Self {
            authenticator: None,
            authorizer: None,
            broker: None,
            metrics_protected: false,
        }
    }

    /// Puts `config` in place: loads keys, builds the providers and the broker client.
    /// `client_certificates` says whether a TLS listener verifies client certificates (the mTLS
    /// provider needs one).
    pub fn new(config: &SecurityConfig, client_certificates: bool) -> Result<Self, SecurityError> {
        let broker = config.broker.as_ref().map(Broker::new).transpose()?.map(Arc::new);
        let authenticator = match &config.authentication {
            None => None,
            Some(a) => {
                let mut providers = Vec::new();
                for p in &a.providers {
                    providers.push(match p {
                        ProviderConfig::Token(t) => Provider::Token(Box::new(token::TokenProvider::new(t)?)),
                        ProviderConfig::OpenId(o) => Provider::OpenId(Box::new(openid::OpenIdProvider::new(o)?)),
                        ProviderConfig::Tls => {
                            if !client_certificates {
                                return Err(SecurityError::Invalid {
                                    key: "authenticationProviders",
                                    problem: "AuthenticationProviderTls needs an HTTPS listener (--listen-tls or workerPortTls) with the CAs of client certificates (tlsTrustCertsFilePath or --tls-client-ca)".to_owned(),
                                });
                            }
                            Provider::Tls
                        }
                    });
                }
                Some(Authenticator {
                    providers,
                    anonymous_role: a.anonymous_role.clone(),
                })
            }
        };
        let authorizer = match (&config.authorization, &broker) {
            (Some(a), Some(b)) => Some(authorize::Authorizer::new(a.clone(), b.clone())),
            (Some(_), None) => {
                return Err(SecurityError::Invalid {
                    key: "pulsarWebServiceUrl",
                    problem: "authorization needs the broker's admin API".to_owned(),
                });
            }
            (None, _) => None,
        };
        Ok(Self {
            authenticator,
            authorizer,
            broker,
            metrics_protected: config.authenticate_metrics,
        })
    }

    /// Whether callers are authenticated.
    pub fn authenticates(&self) -> bool {
        self.authenticator.is_some()
    }

    /// The broker's admin API, when `pulsarWebServiceUrl` is set.
    pub fn broker(&self) -> Option<&Broker> {
        self.broker.as_deref()
    }

    /// Refuses a caller who may not operate on `kind` in `tenant/namespace` (401 `Client is not
    /// authorized to perform operation`; 503 or 500 when the broker cannot tell).
    pub async fn authorize(
        &self,
        caller: &Caller,
        kind: Kind,
        tenant: &str,
        namespace: &str,
    ) -> Result<(), ApiError> {
        let Some(authorizer) = &self.authorizer else {
            return Ok(());
        };
        match authorizer.allowed(caller, tenant, namespace, kind).await {
            Ok(Ok(true)) => Ok(()),
            Ok(Ok(false)) => {
                tracing::info!(
                    role = caller.role.as_deref(),
                    tenant,
                    namespace,
                    "refused: not authorized"
                );
                Err(ApiError::Unauthorized(
                    "Client is not authorized to perform operation".to_owned(),
                ))
            }
            Ok(Err(problem)) => {
                tracing::info!(role = caller.role.as_deref(), "refused: {}", problem.message());
                Err(ApiError::Unauthorized(problem.message().to_owned()))
            }
            Err(e) => Err(ApiError::Broker(e)),
        }
    }

    /// Refuses a caller who is not a superuser, when authorization is on.
    pub fn require_super_user(&self, caller: &Caller, refusal: &str) -> Result<(), ApiError> {
        let Some(authorizer) = &self.authorizer else {
            return Ok(());
        };
        match authorizer.is_super_user(caller) {
            Ok(true) => Ok(()),
            Ok(false) => Err(ApiError::Unauthorized(refusal.to_owned())),
            Err(problem) => Err(ApiError::Unauthorized(problem.message().to_owned())),
        }
    }

    /// Pulsar's create-time checks: the tenant exists (400 `Tenant does not exist`) and has the
    /// namespace (400 `Namespace does not exist`), when the broker is known.
    pub async fn check_exists(
        &self,
        tenant: &str,
        namespace: &str,
        cluster: Option<&str>,
    ) -> Result<(), ApiError> {
        let Some(broker) = &self.broker else {
            return Ok(());
        };
        if broker.tenant(tenant).await.map_err(ApiError::Broker)?.is_none() {
            return Err(ApiError::BadRequest("Tenant does not exist".to_owned()));
        }
        let namespaces = broker.namespaces(tenant).await.map_err(ApiError::Broker)?;
        let listed = namespaces.as_ref().as_ref().is_some_and(|all| {
            all.contains(&format!("{tenant}/{namespace}"))
                || cluster.is_some_and(|c| all.contains(&format!("{tenant}/{c}/{namespace}")))
        });
        if listed {
            Ok(())
        } else {
            Err(ApiError::BadRequest("Namespace does not exist".to_owned()))
        }
    }
}

fn is_open(security: &Security, path: &str) -> bool {
    match path {
        "/healthz" | "/readyz" => true,
        "/metrics" => !security.metrics_protected,
        _ => false,
    }
}

/// Authenticates every request that needs it and hands the [`Caller`] to the handlers.
pub(crate) async fn authenticate(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let caller = match &state.security.authenticator {
        Some(a) if !is_open(&state.security, parts.uri.path()) => match a.authenticate(&parts).await {
            Ok(c) => c,
            Err(e) => {
                tracing::info!(reason = %e, "refused: not authenticated");
                return ApiError::Unauthorized(e.0).into_response();
            }
        },
        _ => Caller::default(),
    };
    parts.extensions.insert(caller);
    next.run(Request::from_parts(parts, body)).await
}
