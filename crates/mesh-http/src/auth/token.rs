//! Pulsar's token provider (`AuthenticationProviderToken`): a JWS signed with the configured
//! secret or public key, `exp` and `nbf` checked only when present, the role from
//! `tokenAuthClaim`, and the audience when `tokenAudienceClaim` is set.

use jsonwebtoken::Validation;
use mesh_core::worker::security::{AudienceCheck, TokenConfig};
use serde_json::Value;

use super::keys::{self, VerifyingKey};
use super::verified::Verified;
use super::{AuthError, SecurityError};

/// A configured token provider.
pub(crate) struct TokenProvider {
    key: VerifyingKey,
    validation: Validation,
    role_claim: String,
    audience: Option<AudienceCheck>,
    verified: Verified,
}

/// The role in `claims[claim]`: a string, or the first element of an array of them.
pub(crate) fn role_of(claims: &Value, claim: &str) -> Option<String> {
    match claims.get(claim)? {
        Value::String(s) => Some(s.clone()),
        Value::Array(a) => a.first().and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

/// What a failed verification says: jsonwebtoken's kind, never the token.
pub(crate) fn describe(e: &jsonwebtoken::errors::Error) -> String {
    use jsonwebtoken::errors::ErrorKind;
    match e.kind() {
        ErrorKind::InvalidToken => "the token is not a signed JWT".to_owned(),
        ErrorKind::InvalidSignature => "JWT signature does not match locally computed signature".to_owned(),
        ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
            "the token's algorithm does not match the key".to_owned()
        }
        ErrorKind::MissingAlgorithm => "the token names no algorithm".to_owned(),
        ErrorKind::ExpiredSignature => "JWT expired".to_owned(),
        ErrorKind::ImmatureSignature => "JWT must not be accepted before its nbf time".to_owned(),
        ErrorKind::InvalidClaimFormat(c) => format!("the `{c}` claim has the wrong type"),
        ErrorKind::MissingRequiredClaim(c) => format!("the `{c}` claim is missing"),
        ErrorKind::InvalidIssuer => "the token's issuer is not allowed".to_owned(),
        ErrorKind::InvalidAudience => "the token's audience is not allowed".to_owned(),
        ErrorKind::Base64(_) => "the token is not valid base64url".to_owned(),
        ErrorKind::Json(_) => "the token's header or claims are not valid JSON".to_owned(),
        ErrorKind::Utf8(_) => "the token is not valid UTF-8".to_owned(),
        _ => "the token cannot be verified".to_owned(),
    }
}

/// Header parameters that make a token something other than a plain JWS: critical extensions
/// (RFC 7515 §4.1.6: a recipient that does not understand them must refuse) or encryption.
pub(crate) fn unsupported_header(header: &jsonwebtoken::Header) -> Option<&'static str> {
    if header.crit.is_some() {
        Some("the token names critical header extensions, which mesh does not understand")
    } else if header.enc.is_some() || header.zip.is_some() {
        Some("the token is encrypted or compressed (a JWE), not a signed JWT")
    } else {
        None
    }
}

impl TokenProvider {
    /// Loads the key the config names.
    pub(crate) fn new(config: &TokenConfig) -> Result<Self, SecurityError> {
        let key = keys::load(&config.key)?;
        let mut validation = Validation::new(key.algorithms[0]);
        validation.algorithms.clone_from(&key.algorithms);
        validation.leeway = config.clock_skew_seconds;
        // Pulsar: `exp` and `nbf` only when present, no audience unless configured (below).
        validation.required_spec_claims.clear();
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.validate_aud = false;
        Ok(Self {
            key,
            validation,
            role_claim: config.role_claim.clone(),
            audience: config.audience.clone(),
            verified: Verified::new(),
        })
    }

    /// The role of a token, `None` when its role claim is absent (Pulsar: a null role).
    pub(crate) fn authenticate(&self, token: &str) -> Result<Option<String>, AuthError> {
        if let Some(known) = self.verified.lookup(token) {
            return Ok(known.role);
        }
        let failed = |why: String| AuthError(format!("Failed to authentication token: {why}"));
        let header = jsonwebtoken::decode_header(token).map_err(|e| failed(describe(&e)))?;
        if let Some(why) = unsupported_header(&header) {
            return Err(failed(why.to_owned()));
        }
        let data = jsonwebtoken::decode::<Value>(token, &self.key.key, &self.validation)
            .map_err(|e| failed(describe(&e)))?;
        let claims = data.claims;
        if !claims.is_object() {
            return Err(failed("the token's claims are not a JSON object".to_owned()));
        }
        if let Some(check) = &self.audience {
            match claims.get(&check.claim) {
                None | Some(Value::Null) => {
                    return Err(failed(format!(
                        "Found null Audience in token, for claimed field: {}",
                        check.claim
                    )));
                }
                Some(Value::String(s)) if s == &check.audience => {}
                Some(Value::Array(a)) if a.iter().any(|v| v.as_str() == Some(&check.audience)) => {}
                Some(Value::String(_) | Value::Array(_)) => {
                    return Err(AuthError(format!(
                        "Audiences in token not contains this broker: {}",
                        check.audience
                    )));
                }
                Some(_) => {
                    return Err(AuthError(
                        "Audiences in token is not in expected format".to_owned(),
                    ));
                }
            }
        }
        let role = role_of(&claims, &self.role_claim);
        self.verified
            .remember(token, &claims, self.validation.leeway, role.clone());
        Ok(role)
    }
}
