//! Loading the key that verifies tokens, in every form Pulsar reads (`AuthTokenUtils`):
//! `file:///path`, `data:;base64,...`, a plain path, or base64 text; public keys as DER
//! SubjectPublicKeyInfo (Pulsar's form) or PEM.
//!
//! No error here carries the key's value: a malformed value is named by its config key only.

use std::path::Path;

use base64::Engine as _;
use jsonwebtoken::{Algorithm as JwtAlgorithm, DecodingKey};
use mesh_core::worker::security::{Algorithm, KeySource, TokenKey};

use super::SecurityError;

/// A verifying key and the algorithms it may verify.
pub(crate) struct VerifyingKey {
    /// The key.
    pub key: DecodingKey,
    /// Every algorithm a token may name: the key's family only, so an HS token never meets an
    /// RSA key and the reverse.
    pub algorithms: Vec<JwtAlgorithm>,
}

/// The bytes a key source names.
pub(crate) fn read_source(key: &'static str, source: &KeySource) -> Result<Vec<u8>, SecurityError> {
    let v = source.0.trim();
    let unreadable = |path: &str, e: std::io::Error| SecurityError::File {
        key,
        path: path.to_owned(),
        source: e,
    };
    if let Some(rest) = v.strip_prefix("file:") {
        // `file:///abs/path`, `file:/abs/path` and `file:relative`.
        let path = rest.strip_prefix("//").unwrap_or(rest);
        return std::fs::read(path).map_err(|e| unreadable(path, e));
    }
    if let Some(rest) = v.strip_prefix("data:") {
        let (header, data) = rest.split_once(',').ok_or(SecurityError::KeyValue {
            key,
            problem: "a data: URL needs a `,` before its data",
        })?;
        return if header.split(';').any(|p| p == "base64") {
            decode_base64(data).ok_or(SecurityError::KeyValue {
                key,
                problem: "the data: URL's data is not valid base64",
            })
        } else {
            Ok(data.as_bytes().to_vec())
        };
    }
    if Path::new(v).is_file() {
        return std::fs::read(v).map_err(|e| unreadable(v, e));
    }
    decode_base64(v).ok_or(SecurityError::KeyValue {
        key,
        problem: "is neither an existing file nor base64 text",
    })
}

/// Standard or URL-safe base64, with or without padding, as jjwt's decoder reads it.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
    use base64::engine::{DecodePaddingMode, general_purpose};
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let lenient = GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let standard = GeneralPurpose::new(&base64::alphabet::STANDARD, lenient);
    let url = GeneralPurpose::new(&base64::alphabet::URL_SAFE, lenient);
    standard
        .decode(text)
        .or_else(|_| url.decode(text))
        .or_else(|_| general_purpose::STANDARD.decode(text))
        .ok()
}

/// The key family of a SubjectPublicKeyInfo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Rsa,
    P256,
    P384,
    OtherEc,
    Other,
}

fn spki_family(der: &[u8]) -> Option<Family> {
    use x509_parser::prelude::FromDer;
    use x509_parser::x509::SubjectPublicKeyInfo;
    let (_, spki) = SubjectPublicKeyInfo::from_der(der).ok()?;
    let alg = spki.algorithm.algorithm.to_id_string();
    Some(match alg.as_str() {
        "1.2.840.113549.1.1.1" => Family::Rsa,
        "1.2.840.10045.2.1" => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string());
            match curve.as_deref() {
                Some("1.2.840.10045.3.1.7") => Family::P256,
                Some("1.3.132.0.34") => Family::P384,
                _ => Family::OtherEc,
            }
        }
        _ => Family::Other,
    })
}

/// DER of the first `PUBLIC KEY` block of PEM text.
fn pem_public_key(bytes: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let start = text.find("-----BEGIN PUBLIC KEY-----")? + "-----BEGIN PUBLIC KEY-----".len();
    let end = text[start..].find("-----END PUBLIC KEY-----")? + start;
    let body: String = text[start..end].chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(body).ok()
}

fn pem_of(der: &[u8]) -> Vec<u8> {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut pem = String::from("-----BEGIN PUBLIC KEY-----\n");
    for line in b64.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(line));
        pem.push('\n');
    }
    pem.push_str("-----END PUBLIC KEY-----\n");
    pem.into_bytes()
}

fn jwt(alg: Algorithm) -> JwtAlgorithm {
    match alg {
        Algorithm::HS256 => JwtAlgorithm::HS256,
        Algorithm::HS384 => JwtAlgorithm::HS384,
        Algorithm::HS512 => JwtAlgorithm::HS512,
        Algorithm::RS256 => JwtAlgorithm::RS256,
        Algorithm::RS384 => JwtAlgorithm::RS384,
        Algorithm::RS512 => JwtAlgorithm::RS512,
        Algorithm::PS256 => JwtAlgorithm::PS256,
        Algorithm::PS384 => JwtAlgorithm::PS384,
        Algorithm::PS512 => JwtAlgorithm::PS512,
        Algorithm::ES256 => JwtAlgorithm::ES256,
        // ES512 is refused when the config is read; ES384 is the nearest the verifier knows.
        Algorithm::ES384 | Algorithm::ES512 => JwtAlgorithm::ES384,
    }
}

/// The RSA algorithms, which any RSA key verifies (jjwt accepts them all for an RSA key).
const RSA: [JwtAlgorithm; 6] = [
    JwtAlgorithm::RS256,
    JwtAlgorithm::RS384,
    JwtAlgorithm::RS512,
    JwtAlgorithm::PS256,
    JwtAlgorithm::PS384,
    JwtAlgorithm::PS512,
];

/// The key that verifies tokens, loaded from its source.
pub(crate) fn load(token_key: &TokenKey) -> Result<VerifyingKey, SecurityError> {
    match token_key {
        TokenKey::Secret(source) => {
            let bytes = read_source("tokenSecretKey", source)?;
            // jjwt refuses HMAC keys under 256 bits, and each algorithm a key shorter than its hash.
            if bytes.len() < 32 {
                return Err(SecurityError::KeyValue {
                    key: "tokenSecretKey",
                    problem: "is shorter than 256 bits, which is not secure enough for any JWT HMAC-SHA algorithm",
                });
            }
            let mut algorithms = vec![JwtAlgorithm::HS256];
            if bytes.len() >= 48 {
                algorithms.push(JwtAlgorithm::HS384);
            }
            if bytes.len() >= 64 {
                algorithms.push(JwtAlgorithm::HS512);
            }
            let key = DecodingKey::from_secret(&bytes).map_err(|_| SecurityError::KeyValue {
                key: "tokenSecretKey",
                problem: "is not a usable HMAC key",
            })?;
            Ok(VerifyingKey { key, algorithms })
        }
        TokenKey::Public { source, algorithm } => {
            let bytes = read_source("tokenPublicKey", source)?;
            let der = pem_public_key(&bytes).unwrap_or(bytes);
            let bad = |problem| SecurityError::KeyValue {
                key: "tokenPublicKey",
                problem,
            };
            let family = spki_family(&der)
                .ok_or_else(|| bad("Failed to decode public key: not a DER SubjectPublicKeyInfo"))?;
            let pem = pem_of(&der);
            let (key, algorithms) = match family {
                Family::Rsa if algorithm.is_rsa() => (
                    DecodingKey::from_rsa_pem(&pem).map_err(|_| bad("Failed to decode public key"))?,
                    RSA.to_vec(),
                ),
                Family::P256 if *algorithm == Algorithm::ES256 => (
                    DecodingKey::from_ec_pem(&pem).map_err(|_| bad("Failed to decode public key"))?,
                    vec![JwtAlgorithm::ES256],
                ),
                Family::P384 if *algorithm == Algorithm::ES384 => (
                    DecodingKey::from_ec_pem(&pem).map_err(|_| bad("Failed to decode public key"))?,
                    vec![jwt(*algorithm)],
                ),
                Family::Rsa => return Err(bad("is an RSA key, which tokenPublicAlg does not name")),
                Family::P256 => return Err(bad("is a P-256 key: set tokenPublicAlg to ES256")),
                Family::P384 => return Err(bad("is a P-384 key: set tokenPublicAlg to ES384")),
                Family::OtherEc => {
                    return Err(bad(
                        "is an EC key on a curve mesh serve does not verify (only P-256 and P-384)",
                    ));
                }
                Family::Other => return Err(bad("is neither an RSA nor an EC key")),
            };
            Ok(VerifyingKey { key, algorithms })
        }
    }
}
