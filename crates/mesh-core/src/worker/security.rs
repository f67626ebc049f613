//! The security settings of a worker config, as a Pulsar functions worker reads them: which
//! authentication providers run with which settings (`properties`), who is authorized, how the
//! worker reaches the broker, and its TLS files.
//!
//! [`SecurityConfig::from_worker`] checks every setting mesh must honour and refuses, with the
//! key's path, anything it cannot: an unknown provider or algorithm, a missing key, a number that
//! is not one. Nothing here reads a file; key and certificate values stay the strings the config
//! gives (a path, `file:`, `data:` or base64 text), for the adapter to load. Their `Debug`
//! output never shows a value that may hold key material.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde_json::Value;

use super::WorkerConfig;
use crate::convert::TOKEN_PLUGIN;
use crate::diag::Diagnostics;

/// Pulsar's token authentication provider.
pub const TOKEN_PROVIDER: &str = "org.apache.pulsar.broker.authentication.AuthenticationProviderToken";
/// Pulsar's OpenID Connect authentication provider.
pub const OPENID_PROVIDER: &str = "org.apache.pulsar.broker.authentication.oidc.AuthenticationProviderOpenID";
/// Pulsar's mTLS authentication provider (role = the client certificate's CN).
pub const TLS_PROVIDER: &str = "org.apache.pulsar.broker.authentication.AuthenticationProviderTls";
/// Pulsar's default authorization provider, the only one mesh implements.
pub const PULSAR_AUTHORIZATION_PROVIDER: &str =
    "org.apache.pulsar.broker.authorization.PulsarAuthorizationProvider";
/// The client plugin that presents a certificate.
pub const CLIENT_TLS_PLUGIN: &str = "org.apache.pulsar.client.impl.auth.AuthenticationTls";

/// Everything the worker config says about authentication, authorization, the broker and TLS.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SecurityConfig {
    /// The providers, when `authenticationEnabled`.
    pub authentication: Option<AuthenticationConfig>,
    /// Who may do what, when `authorizationEnabled`.
    pub authorization: Option<AuthorizationConfig>,
    /// Whether `/metrics` needs authentication (`authenticateMetricsEndpoint`).
    pub authenticate_metrics: bool,
    /// The broker's admin API, when `pulsarWebServiceUrl` is set.
    pub broker: Option<BrokerConfig>,
    /// The worker's certificate files.
    pub tls: TlsConfig,
}

/// The authentication providers, tried in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthenticationConfig {
    /// One per entry of `authenticationProviders`, in order.
    pub providers: Vec<ProviderConfig>,
    /// `anonymousUserRole`: the role of a request no provider authenticates.
    pub anonymous_role: Option<String>,
}

/// One authentication provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProviderConfig {
    /// JWTs signed with a configured key ([`TOKEN_PROVIDER`]).
    Token(TokenConfig),
    /// JWTs of an OpenID Connect issuer ([`OPENID_PROVIDER`]).
    OpenId(OpenIdConfig),
    /// Client certificates ([`TLS_PROVIDER`]).
    Tls,
}

impl ProviderConfig {
    /// The method name a client selects it by (`X-Pulsar-Auth-Method-Name`).
    pub fn method(&self) -> &'static str {
        match self {
            Self::Token(_) | Self::OpenId(_) => "token",
            Self::Tls => "tls",
        }
    }
}

/// A JWS signature algorithm, by its JOSE name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Algorithm {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
}

impl Algorithm {
    /// The JOSE name (`RS256`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HS256 => "HS256",
            Self::HS384 => "HS384",
            Self::HS512 => "HS512",
            Self::RS256 => "RS256",
            Self::RS384 => "RS384",
            Self::RS512 => "RS512",
            Self::PS256 => "PS256",
            Self::PS384 => "PS384",
            Self::PS512 => "PS512",
            Self::ES256 => "ES256",
            Self::ES384 => "ES384",
            Self::ES512 => "ES512",
        }
    }

    /// Whether it signs with a shared secret (HMAC).
    pub fn is_hmac(self) -> bool {
        matches!(self, Self::HS256 | Self::HS384 | Self::HS512)
    }

    /// Whether it signs with an RSA key (PKCS#1 v1.5 or PSS).
    pub fn is_rsa(self) -> bool {
        matches!(
            self,
            Self::RS256 | Self::RS384 | Self::RS512 | Self::PS256 | Self::PS384 | Self::PS512
        )
    }
}

impl FromStr for Algorithm {
    type Err = ();

    /// Pulsar's (jjwt's) names, compared without case as jjwt does.
    fn from_str(s: &str) -> Result<Self, ()> {
        const ALL: [Algorithm; 12] = [
            Algorithm::HS256,
            Algorithm::HS384,
            Algorithm::HS512,
            Algorithm::RS256,
            Algorithm::RS384,
            Algorithm::RS512,
            Algorithm::PS256,
            Algorithm::PS384,
            Algorithm::PS512,
            Algorithm::ES256,
            Algorithm::ES384,
            Algorithm::ES512,
        ];
        ALL.into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(s))
            .ok_or(())
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a key comes from, as the config gives it: `file:///path`, `data:;base64,...`, a path,
/// or base64 text. `Debug` shows only the form, never the value.
#[derive(Clone, PartialEq, Eq)]
pub struct KeySource(pub String);

impl fmt::Debug for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let form = if self.0.starts_with("file:") {
            "file"
        } else if self.0.starts_with("data:") {
            "data"
        } else {
            "path or base64"
        };
        write!(f, "KeySource({form}, redacted)")
    }
}

/// The key that verifies tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenKey {
    /// `tokenSecretKey`: HMAC (HS256, HS384, HS512).
    Secret(KeySource),
    /// `tokenPublicKey` with `tokenPublicAlg`: an RSA or EC public key (DER SubjectPublicKeyInfo).
    Public {
        /// The key.
        source: KeySource,
        /// The family it verifies (`tokenPublicAlg`, default RS256).
        algorithm: Algorithm,
    },
}

/// An audience the token must name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AudienceCheck {
    /// The claim that holds the audience (`tokenAudienceClaim`).
    pub claim: String,
    /// The audience that stands for this worker (`tokenAudience`).
    pub audience: String,
}

/// The token provider's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenConfig {
    /// The key that verifies signatures.
    pub key: TokenKey,
    /// The claim that holds the role (`tokenAuthClaim`, default `sub`).
    pub role_claim: String,
    /// The audience check, when `tokenAudienceClaim` is set.
    pub audience: Option<AudienceCheck>,
    /// Clock skew allowed for `exp` and `nbf` (`tokenAllowedClockSkewSeconds`, default 0).
    pub clock_skew_seconds: u64,
}

/// The OpenID Connect provider's settings (Pulsar's defaults where the config says nothing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenIdConfig {
    /// `openIDAllowedTokenIssuers`.
    pub issuers: Vec<String>,
    /// `openIDAllowedAudiences`.
    pub audiences: Vec<String>,
    /// `openIDRoleClaim` (default `sub`).
    pub role_claim: String,
    /// `openIDAcceptedTimeLeewaySeconds` (default 0).
    pub leeway_seconds: u64,
    /// `openIDCacheSize` (default 5): entries of the discovery and key caches.
    pub cache_size: u64,
    /// `openIDCacheExpirationSeconds` (default 86400).
    pub cache_expiration_seconds: u64,
    /// `openIDKeyIdCacheMissRefreshSeconds` (default 300): how old a key set must be before an
    /// unknown `kid` reloads it.
    pub key_id_miss_refresh_seconds: u64,
    /// `openIDHttpConnectionTimeoutMillis` (default 10000).
    pub connect_timeout_millis: u64,
    /// `openIDHttpReadTimeoutMillis` (default 10000).
    pub read_timeout_millis: u64,
    /// `openIDTokenIssuerTrustCertsFilePath`: when set, the only CAs trusted for issuers.
    pub trust_certs_file: Option<String>,
    /// `openIDRequireIssuersUseHttps` (default true).
    pub require_https: bool,
}

/// Who is allowed what.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuthorizationConfig {
    /// `superUserRoles`.
    pub super_users: BTreeSet<String>,
    /// `proxyRoles`.
    pub proxy_roles: BTreeSet<String>,
    /// `authorizationAllowWildcardsMatching`.
    pub wildcards: bool,
}

/// How the worker reaches the broker's admin API, with its own credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerConfig {
    /// `pulsarWebServiceUrl`, without a trailing `/`.
    pub web_service_url: String,
    /// The worker's credentials toward the broker.
    pub credentials: BrokerCredentials,
    /// `tlsTrustCertsFilePath`: CAs for an `https` broker URL (else the system's).
    pub trust_certs_file: Option<String>,
    /// `tlsAllowInsecureConnection`.
    pub allow_insecure: bool,
}

/// The worker's own credentials (`brokerClientAuthenticationPlugin` + `…Parameters`).
#[derive(Clone, PartialEq, Eq)]
pub enum BrokerCredentials {
    /// No plugin: anonymous.
    None,
    /// `AuthenticationToken`: `token:<jwt>`, `file:<path>` (read at every use), `{"token": ...}`
    /// or the token itself.
    Token(String),
    /// `AuthenticationTls`: a client certificate and key (PEM files).
    Tls {
        /// `tlsCertFile`.
        cert_file: String,
        /// `tlsKeyFile`.
        key_file: String,
    },
}

impl fmt::Debug for BrokerCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::Token(_) => f.write_str("Token(redacted)"),
            Self::Tls { cert_file, key_file } => f
                .debug_struct("Tls")
                .field("cert_file", cert_file)
                .field("key_file", key_file)
                .finish(),
        }
    }
}

/// The worker's own certificate, for its HTTPS listener.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsConfig {
    /// Whether the config asks for HTTPS (`tlsEnabled` or `workerPortTls`).
    pub enabled: bool,
    /// `workerPortTls`.
    pub port: Option<u16>,
    /// `tlsCertificateFilePath` (PEM chain).
    pub cert_file: Option<String>,
    /// `tlsKeyFilePath` (PEM, PKCS#8 or RSA).
    pub key_file: Option<String>,
    /// `tlsTrustCertsFilePath`: CAs that sign client certificates.
    pub trust_certs_file: Option<String>,
    /// `tlsRequireTrustedClientCertOnConnect`: client certificates are required, else requested.
    pub require_client_cert: bool,
    /// `tlsCertRefreshCheckDurationSec` (default 300).
    pub refresh_seconds: u64,
}

/// The keys of the worker config that ask for something mesh does not do; each stops `mesh serve`.
const UNSUPPORTED_KEYS: [(&str, &str); 4] = [
    (
        "tlsEnabledWithKeyStore",
        "key stores are not supported by mesh serve: give PEM files in tlsCertificateFilePath and tlsKeyFilePath",
    ),
    (
        "webServiceTlsCiphers",
        "choosing TLS cipher suites is not supported by mesh serve: it offers rustls' safe defaults only",
    ),
    (
        "webServiceTlsProtocols",
        "choosing TLS protocol versions is not supported by mesh serve: it offers TLS 1.2 and 1.3",
    ),
    (
        "tlsProvider",
        "choosing a TLS provider is not supported by mesh serve: it uses rustls",
    ),
];

/// Reads a config's security settings from `properties` (and the top-level keys), honouring
/// `tokenSettingPrefix`.
struct Properties<'a> {
    map: Option<&'a BTreeMap<String, Value>>,
}

impl Properties<'_> {
    /// The value of `key` as text: strings as they are, numbers and booleans as written;
    /// blank is absent.
    fn get(&self, key: &str, d: &mut Diagnostics) -> Option<String> {
        let v = self.map?.get(key)?;
        let s = match v {
            Value::Null => return None,
            Value::String(s) => s.trim().to_owned(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Array(_) | Value::Object(_) => {
                d.error(format!("properties.{key}"), "must be a string");
                return None;
            }
        };
        (!s.is_empty()).then_some(s)
    }

    fn number(&self, key: &str, default: u64, d: &mut Diagnostics) -> u64 {
        match self.get(key, d) {
            None => default,
            Some(s) => s.parse().unwrap_or_else(|_| {
                d.error(
                    format!("properties.{key}"),
                    format!("`{s}` is not a whole number of 0 or more"),
                );
                default
            }),
        }
    }

    fn flag(&self, key: &str, default: bool, d: &mut Diagnostics) -> bool {
        match self.get(key, d).as_deref() {
            None => default,
            Some(s) if s.eq_ignore_ascii_case("true") => true,
            Some(s) if s.eq_ignore_ascii_case("false") => false,
            Some(s) => {
                d.error(format!("properties.{key}"), format!("`{s}` is not true or false"));
                default
            }
        }
    }

    /// A comma-separated list (Pulsar splits on `\s*,\s*`), empty entries dropped.
    fn list(&self, key: &str, d: &mut Diagnostics) -> Vec<String> {
        self.get(key, d)
            .map(|s| {
                s.split(',')
                    .map(str::trim)
                    .filter(|x| !x.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn non_blank(v: Option<&String>) -> Option<String> {
    v.map(|s| s.trim()).filter(|s| !s.is_empty()).map(str::to_owned)
}

impl SecurityConfig {
    /// The security settings of `worker`, or every reason they cannot be honoured.
    pub fn from_worker(worker: &WorkerConfig) -> Result<Self, Diagnostics> {
        let mut d = Diagnostics::new();
        let props = Properties {
            map: worker.properties.as_ref(),
        };
        for (key, why) in UNSUPPORTED_KEYS {
            let set = worker.other.get(key).is_some_and(|v| match v {
                Value::Null | Value::Bool(false) => false,
                Value::String(s) => !s.trim().is_empty(),
                Value::Array(a) => !a.is_empty(),
                _ => true,
            });
            if set {
                d.error(key, why);
            }
        }
        let authentication = if worker.authentication_enabled == Some(true) {
            Some(authentication(worker, &props, &mut d))
        } else {
            None
        };
        let authorization = if worker.authorization_enabled == Some(true) {
            if authentication.is_none() {
                d.error(
                    "authorizationEnabled",
                    "authorization needs authentication: set authenticationEnabled: true and a provider",
                );
            }
            if let Some(p) = non_blank(worker.authorization_provider.as_ref())
                && p != PULSAR_AUTHORIZATION_PROVIDER
            {
                d.error(
                    "authorizationProvider",
                    format!("{p} is not supported by mesh serve: only {PULSAR_AUTHORIZATION_PROVIDER}"),
                );
            }
            if non_blank(worker.pulsar_web_service_url.as_ref()).is_none() {
                d.error(
                    "pulsarWebServiceUrl",
                    "authorization reads tenants and namespace permissions from the broker's admin API: set the broker's URL",
                );
            }
            let set = |v: &Option<Vec<String>>| -> BTreeSet<String> {
                v.iter()
                    .flatten()
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            };
            Some(AuthorizationConfig {
                super_users: set(&worker.super_user_roles),
                proxy_roles: set(&worker.proxy_roles),
                wildcards: worker.authorization_allow_wildcards_matching == Some(true),
            })
        } else {
            None
        };
        let broker = non_blank(worker.pulsar_web_service_url.as_ref()).map(|url| BrokerConfig {
            web_service_url: url.trim_end_matches('/').to_owned(),
            credentials: broker_credentials(worker, &mut d),
            trust_certs_file: non_blank(worker.tls_trust_certs_file_path.as_ref()),
            allow_insecure: worker.tls_allow_insecure_connection == Some(true),
        });
        if let Some(b) = &broker
            && !(b.web_service_url.starts_with("http://") || b.web_service_url.starts_with("https://"))
        {
            d.error("pulsarWebServiceUrl", "must be an http:// or https:// URL");
        }
        let port = worker.worker_port_tls.and_then(|p| match u16::try_from(p) {
            Ok(p) if p > 0 => Some(p),
            _ => {
                d.error("workerPortTls", format!("{p} is not a port (1 to 65535)"));
                None
            }
        });
        let tls = TlsConfig {
            enabled: worker.tls_enabled == Some(true) || worker.worker_port_tls.is_some(),
            port,
            cert_file: non_blank(worker.tls_certificate_file_path.as_ref()),
            key_file: non_blank(worker.tls_key_file_path.as_ref()),
            trust_certs_file: non_blank(worker.tls_trust_certs_file_path.as_ref()),
            require_client_cert: worker.tls_require_trusted_client_cert_on_connect == Some(true),
            refresh_seconds: worker.tls_cert_refresh_check_duration_sec.unwrap_or(300),
        };
        if tls.require_client_cert && tls.trust_certs_file.is_none() {
            d.error(
                "tlsTrustCertsFilePath",
                "tlsRequireTrustedClientCertOnConnect needs the CA certificates that sign client certificates",
            );
        }
        let config = Self {
            authentication,
            authorization,
            authenticate_metrics: worker.authenticate_metrics_endpoint == Some(true),
            broker,
            tls,
        };
        if d.has_errors() { Err(d) } else { Ok(config) }
    }
}

fn authentication(
    worker: &WorkerConfig,
    props: &Properties<'_>,
    d: &mut Diagnostics,
) -> AuthenticationConfig {
    let classes: Vec<(usize, &str)> = worker
        .authentication_providers
        .iter()
        .flatten()
        .map(|s| s.trim())
        .enumerate()
        .filter(|(_, s)| !s.is_empty())
        .collect();
    if classes.is_empty() {
        d.error(
            "authenticationProviders",
            "authentication is enabled but no provider is configured",
        );
    }
    let mut seen = BTreeSet::new();
    let mut providers = Vec::new();
    for (i, class) in classes {
        if !seen.insert(class) {
            continue;
        }
        let path = format!("authenticationProviders[{i}]");
        match class {
            TOKEN_PROVIDER => providers.push(ProviderConfig::Token(token(props, d))),
            OPENID_PROVIDER => providers.push(ProviderConfig::OpenId(openid(props, d))),
            TLS_PROVIDER => providers.push(ProviderConfig::Tls),
            other => d.error(
                path,
                format!(
                    "{other} is not supported by mesh serve: use {TOKEN_PROVIDER}, {OPENID_PROVIDER} or {TLS_PROVIDER}"
                ),
            ),
        }
    }
    AuthenticationConfig {
        providers,
        anonymous_role: non_blank(worker.anonymous_user_role.as_ref()),
    }
}

fn token(props: &Properties<'_>, d: &mut Diagnostics) -> TokenConfig {
    let prefix = props.get("tokenSettingPrefix", d).unwrap_or_default();
    let key = |name: &str| format!("{prefix}{name}");
    let secret = props.get(&key("tokenSecretKey"), d);
    let public = props.get(&key("tokenPublicKey"), d);
    let alg_text = props.get(&key("tokenPublicAlg"), d);
    let token_key = match (secret, public) {
        (Some(s), _) => TokenKey::Secret(KeySource(s)),
        (None, Some(p)) => {
            let algorithm = match alg_text.as_deref() {
                None => Algorithm::RS256,
                Some(a) => match a.parse::<Algorithm>() {
                    Ok(alg) if alg.is_hmac() => {
                        d.error(
                            format!("properties.{}", key("tokenPublicAlg")),
                            format!("The {alg} algorithm does not support Key Pairs."),
                        );
                        Algorithm::RS256
                    }
                    Ok(Algorithm::ES512) => {
                        d.error(
                            format!("properties.{}", key("tokenPublicAlg")),
                            "ES512 is not supported by mesh serve: use ES256, ES384 or an RSA algorithm",
                        );
                        Algorithm::RS256
                    }
                    Ok(alg) => alg,
                    Err(()) => {
                        d.error(
                            format!("properties.{}", key("tokenPublicAlg")),
                            format!("invalid algorithm provided {a}"),
                        );
                        Algorithm::RS256
                    }
                },
            };
            TokenKey::Public {
                source: KeySource(p),
                algorithm,
            }
        }
        (None, None) => {
            d.error(
                format!("properties.{}", key("tokenSecretKey")),
                "No secret key was provided for token authentication",
            );
            TokenKey::Secret(KeySource(String::new()))
        }
    };
    let audience_claim = props.get(&key("tokenAudienceClaim"), d);
    let audience_value = props.get(&key("tokenAudience"), d);
    let audience = match (audience_claim, audience_value) {
        (Some(claim), Some(audience)) => Some(AudienceCheck { claim, audience }),
        (Some(claim), None) => {
            d.error(
                format!("properties.{}", key("tokenAudience")),
                format!(
                    "Token Audience Claim [{claim}] configured, but Audience stands for this broker not."
                ),
            );
            None
        }
        (None, _) => None,
    };
    TokenConfig {
        key: token_key,
        role_claim: props
            .get(&key("tokenAuthClaim"), d)
            .unwrap_or_else(|| "sub".to_owned()),
        audience,
        clock_skew_seconds: props.number(&key("tokenAllowedClockSkewSeconds"), 0, d),
    }
}

fn openid(props: &Properties<'_>, d: &mut Diagnostics) -> OpenIdConfig {
    let issuers = props.list("openIDAllowedTokenIssuers", d);
    let audiences = props.list("openIDAllowedAudiences", d);
    let require_https = props.flag("openIDRequireIssuersUseHttps", true, d);
    if let Some(mode) = props.get("openIDFallbackDiscoveryMode", d)
        && mode != "DISABLED"
    {
        d.error(
            "properties.openIDFallbackDiscoveryMode",
            format!("{mode} is not supported by mesh serve: only DISABLED (name every issuer in openIDAllowedTokenIssuers)"),
        );
    }
    if issuers.is_empty() {
        d.error(
            "properties.openIDAllowedTokenIssuers",
            "Missing configured value for: openIDAllowedTokenIssuers",
        );
    }
    if audiences.is_empty() {
        d.error(
            "properties.openIDAllowedAudiences",
            "Missing configured value for: openIDAllowedAudiences",
        );
    }
    for iss in &issuers {
        if require_https && !iss.starts_with("https://") {
            d.error(
                "properties.openIDAllowedTokenIssuers",
                format!("Issuer URL does not use https, but must: {iss}"),
            );
        } else if !(iss.starts_with("https://") || iss.starts_with("http://")) {
            d.error(
                "properties.openIDAllowedTokenIssuers",
                format!("{iss} is not an http:// or https:// URL"),
            );
        }
    }
    OpenIdConfig {
        issuers,
        audiences,
        role_claim: props
            .get("openIDRoleClaim", d)
            .unwrap_or_else(|| "sub".to_owned()),
        leeway_seconds: props.number("openIDAcceptedTimeLeewaySeconds", 0, d),
        cache_size: props.number("openIDCacheSize", 5, d).max(1),
        cache_expiration_seconds: props.number("openIDCacheExpirationSeconds", 86_400, d),
        key_id_miss_refresh_seconds: props.number("openIDKeyIdCacheMissRefreshSeconds", 300, d),
        connect_timeout_millis: props.number("openIDHttpConnectionTimeoutMillis", 10_000, d),
        read_timeout_millis: props.number("openIDHttpReadTimeoutMillis", 10_000, d),
        trust_certs_file: props.get("openIDTokenIssuerTrustCertsFilePath", d),
        require_https,
    }
}

/// Reads `key:value` pairs (`tlsCertFile:/a,tlsKeyFile:/b`) or a JSON object.
fn plugin_params(params: &str) -> BTreeMap<String, String> {
    if let Ok(serde_json::Value::Object(m)) = serde_json::from_str::<Value>(params) {
        return m
            .into_iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_owned())))
            .collect();
    }
    params
        .split(',')
        .filter_map(|kv| kv.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

fn broker_credentials(worker: &WorkerConfig, d: &mut Diagnostics) -> BrokerCredentials {
    let plugin = non_blank(worker.broker_client_authentication_plugin.as_ref());
    let params = non_blank(worker.broker_client_authentication_parameters.as_ref());
    match plugin.as_deref() {
        None => BrokerCredentials::None,
        Some(TOKEN_PLUGIN) => {
            if let Some(p) = params {
                BrokerCredentials::Token(p)
            } else {
                d.error(
                    "brokerClientAuthenticationParameters",
                    "the token plugin needs parameters: token:<jwt>, file:<path> or the token",
                );
                BrokerCredentials::None
            }
        }
        Some(CLIENT_TLS_PLUGIN) => {
            let p = plugin_params(params.as_deref().unwrap_or_default());
            match (p.get("tlsCertFile"), p.get("tlsKeyFile")) {
                (Some(c), Some(k)) if !c.is_empty() && !k.is_empty() => BrokerCredentials::Tls {
                    cert_file: c.trim_start_matches("file://").to_owned(),
                    key_file: k.trim_start_matches("file://").to_owned(),
                },
                _ => {
                    d.error(
                        "brokerClientAuthenticationParameters",
                        "the TLS plugin needs tlsCertFile and tlsKeyFile",
                    );
                    BrokerCredentials::None
                }
            }
        }
        Some(other) => {
            d.error(
                "brokerClientAuthenticationPlugin",
                format!(
                    "mesh serve cannot call the broker at pulsarWebServiceUrl with {other}: use {TOKEN_PLUGIN} or {CLIENT_TLS_PLUGIN}, or leave pulsarWebServiceUrl unset"
                ),
            );
            BrokerCredentials::None
        }
    }
}
