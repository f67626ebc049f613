//! Pulsar's OpenID Connect provider (`AuthenticationProviderOpenID`): the token's issuer must be
//! allowed, its discovery document (`<iss>/.well-known/openid-configuration`) names the JWKS,
//! whose key with the token's `kid` verifies it; `iat`, `exp` and `sub` are required, the
//! audience must be one of the allowed ones, and the time leeway is the config's.
//!
//! Discovery documents and key sets are cached (size `openIDCacheSize`, expiry
//! `openIDCacheExpirationSeconds`); an unknown `kid` reloads a key set once it is older than
//! `openIDKeyIdCacheMissRefreshSeconds`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use mesh_core::worker::security::OpenIdConfig;
use moka::future::Cache;
use serde_json::Value;

use super::client::{self, ClientOptions};
use super::token::{describe, role_of, unsupported_header};
use super::verified::Verified;
use super::{AuthError, SecurityError};

/// A key set and when it was fetched.
struct Keys {
    set: JwkSet,
    fetched: Instant,
}

/// A configured OpenID Connect provider.
pub(crate) struct OpenIdProvider {
    config: OpenIdConfig,
    http: reqwest::Client,
    /// Issuer → its `jwks_uri`.
    metadata: Cache<String, Arc<String>>,
    /// `jwks_uri` → its keys.
    keys: Cache<String, Arc<Keys>>,
    /// Tokens verified before.
    verified: Verified,
}

/// The algorithms Pulsar's provider accepts (it also takes ES512, which the verifier lacks).
const ACCEPTED: [Algorithm; 5] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::ES256,
    Algorithm::ES384,
];

impl OpenIdProvider {
    /// The provider of `config`, with its HTTP client.
    pub(crate) fn new(config: &OpenIdConfig) -> Result<Self, SecurityError> {
        let http = client::build(&ClientOptions {
            trust_key: "openIDTokenIssuerTrustCertsFilePath",
            trust_file: config.trust_certs_file.as_deref(),
            identity: None,
            insecure: false,
            connect_timeout: Duration::from_millis(config.connect_timeout_millis.max(1)),
            timeout: Duration::from_millis(
                config.connect_timeout_millis.max(1) + config.read_timeout_millis.max(1),
            ),
        })?;
        let ttl = Duration::from_secs(config.cache_expiration_seconds.max(1));
        Ok(Self {
            config: config.clone(),
            http,
            metadata: Cache::builder()
                .max_capacity(config.cache_size)
                .time_to_live(ttl)
                .build(),
            keys: Cache::builder()
                .max_capacity(config.cache_size)
                .time_to_live(ttl)
                .build(),
            verified: Verified::new(),
        })
    }

    async fn get_json(&self, url: &str) -> Result<Value, String> {
        let response = self.http.get(url).send().await.map_err(|e| error_text(&e))?;
        if !response.status().is_success() {
            return Err(format!("HTTP {}", response.status().as_u16()));
        }
        // Discovery documents and key sets are small; refuse anything that is not.
        let bytes = response.bytes().await.map_err(|e| error_text(&e))?;
        if bytes.len() > 1024 * 1024 {
            return Err("the answer is larger than 1 MiB".to_owned());
        }
        serde_json::from_slice(&bytes).map_err(|_| "the answer is not JSON".to_owned())
    }

    /// The `jwks_uri` of an allowed issuer.
    async fn jwks_uri(&self, issuer: &str) -> Result<Arc<String>, AuthError> {
        self.metadata
            .try_get_with(issuer.to_owned(), async {
                let url = if issuer.ends_with('/') {
                    format!("{issuer}.well-known/openid-configuration")
                } else {
                    format!("{issuer}/.well-known/openid-configuration")
                };
                let fail = |m: String| {
                    AuthError(format!(
                        "Error retrieving OpenID Provider Metadata at {issuer}: {m}"
                    ))
                };
                let doc = self.get_json(&url).await.map_err(fail)?;
                let doc_issuer = doc.get("issuer").and_then(Value::as_str).unwrap_or_default();
                if doc_issuer != issuer {
                    return Err(AuthError(format!(
                        "Issuer URL mismatch: [{issuer}] should match [{doc_issuer}]"
                    )));
                }
                let uri = doc
                    .get("jwks_uri")
                    .and_then(Value::as_str)
                    .filter(|u| {
                        u.starts_with("https://") || (!self.config.require_https && u.starts_with("http://"))
                    })
                    .ok_or_else(|| fail("the document has no usable jwks_uri".to_owned()))?;
                Ok(Arc::new(uri.to_owned()))
            })
            .await
            .map_err(|e: Arc<AuthError>| (*e).clone())
    }

    async fn key_set(&self, uri: &str) -> Result<Arc<Keys>, AuthError> {
        self.keys
            .try_get_with(uri.to_owned(), async {
                let doc = self
                    .get_json(uri)
                    .await
                    .map_err(|m| AuthError(format!("Error retrieving public key at {uri}: {m}")))?;
                let set: JwkSet = serde_json::from_value(doc)
                    .map_err(|_| AuthError(format!("Malformed JWKS returned by: {uri}")))?;
                Ok(Arc::new(Keys {
                    set,
                    fetched: Instant::now(),
                }))
            })
            .await
            .map_err(|e: Arc<AuthError>| (*e).clone())
    }

    /// The key with `kid` (or the only key, for a token without one), reloading the set once
    /// when the id is unknown and the set is old enough.
    async fn jwk(&self, uri: &str, kid: Option<&str>) -> Result<Jwk, AuthError> {
        let pick = |keys: &Keys| match kid {
            Some(k) => keys.set.find(k).cloned(),
            None if keys.set.keys.len() == 1 => keys.set.keys.first().cloned(),
            None => None,
        };
        let keys = self.key_set(uri).await?;
        if let Some(k) = pick(&keys) {
            return Ok(k);
        }
        if keys.fetched.elapsed() >= Duration::from_secs(self.config.key_id_miss_refresh_seconds) {
            self.keys.invalidate(uri).await;
            if let Some(k) = pick(&*self.key_set(uri).await?) {
                return Ok(k);
            }
        }
        Err(AuthError(format!(
            "No JWK found for Key ID {}",
            kid.unwrap_or("null")
        )))
    }

    /// The role of a token, `None` when its role claim is absent.
    pub(crate) async fn authenticate(&self, token: &str) -> Result<Option<String>, AuthError> {
        if let Some(known) = self.verified.lookup(token) {
            return Ok(known.role);
        }
        let undecodable =
            |e: &jsonwebtoken::errors::Error| AuthError(format!("Unable to decode JWT: {}", describe(e)));
        let header = jsonwebtoken::decode_header(token).map_err(|e| undecodable(&e))?;
        if let Some(why) = unsupported_header(&header) {
            return Err(AuthError(format!("Unable to decode JWT: {why}")));
        }
        let unverified: Value =
            jsonwebtoken::dangerous::insecure_decode_claims(token).map_err(|e| undecodable(&e))?;
        let issuer = unverified
            .get("iss")
            .and_then(Value::as_str)
            .ok_or_else(|| AuthError("Issuer cannot be null".to_owned()))?;
        if !self.config.issuers.iter().any(|i| i == issuer) {
            return Err(AuthError(format!("Issuer not allowed: {issuer}")));
        }
        if !ACCEPTED.contains(&header.alg) {
            return Err(AuthError(format!("Unsupported algorithm: {:?}", header.alg)));
        }
        let uri = self.jwks_uri(issuer).await?;
        let jwk = self.jwk(&uri, header.kid.as_deref()).await?;
        if let Some(a) = jwk.common.key_algorithm {
            let key_alg = format!("{a:?}");
            let token_alg = format!("{:?}", header.alg);
            if key_alg != token_alg {
                return Err(AuthError(format!(
                    "JWK's alg [{key_alg}] does not match JWT's alg [{token_alg}]"
                )));
            }
        }
        let mismatch = || {
            AuthError(format!(
                "Expected PublicKey alg [{:?}] does match actual alg.",
                header.alg
            ))
        };
        let key = DecodingKey::from_jwk(&jwk).map_err(|_| mismatch())?;
        if key.family() != header.alg.family() {
            return Err(mismatch());
        }
        let mut validation = Validation::new(header.alg);
        validation.leeway = self.config.leeway_seconds;
        validation.validate_nbf = true;
        validation.set_audience(&self.config.audiences);
        validation.set_issuer(&[issuer]);
        validation.set_required_spec_claims(&["exp", "sub", "aud"]);
        let data = jsonwebtoken::decode::<Value>(token, &key, &validation).map_err(|e| {
            AuthError(match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => format!("JWT expired: {}", describe(&e)),
                jsonwebtoken::errors::ErrorKind::InvalidSignature => {
                    format!("JWT signature verification exception: {}", describe(&e))
                }
                jsonwebtoken::errors::ErrorKind::InvalidAlgorithm => {
                    format!(
                        "JWT algorithm does not match Public Key algorithm: {}",
                        describe(&e)
                    )
                }
                _ => format!("JWT verification failed: {}", describe(&e)),
            })
        })?;
        let claims = data.claims;
        if !claims.get("iat").is_some_and(Value::is_number) {
            return Err(AuthError(
                "JWT contains invalid claim: the `iat` claim is missing".to_owned(),
            ));
        }
        if self.config.role_claim != "sub" && claims.get(&self.config.role_claim).is_none() {
            return Err(AuthError(format!(
                "JWT contains invalid claim: the `{}` claim is missing",
                self.config.role_claim
            )));
        }
        let role = role_of(&claims, &self.config.role_claim);
        self.verified
            .remember(token, &claims, self.config.leeway_seconds, role.clone());
        Ok(role)
    }
}

/// An HTTP failure without the URL's query (where a token could be).
fn error_text(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "cannot connect".to_owned()
    } else if e.is_decode() || e.is_body() {
        "cannot read the answer".to_owned()
    } else {
        "request failed".to_owned()
    }
}
