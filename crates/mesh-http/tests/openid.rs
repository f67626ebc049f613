//! OpenID Connect authentication (Pulsar's `AuthenticationProviderOpenID`,
//! `../shared/reference/pulsar-auth.md` §2) against a stub issuer on loopback that serves a
//! discovery document and a JWKS: allowed issuers, discovery, key ids and rotation, algorithms,
//! audiences, required claims, and the caches.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::Ordering;

use base64::Engine as _;
use common::get;
use common::pulsar::{self, StubIssuer};
use common::secure::{bearer, now, secured, worker_yaml};
use http::StatusCode;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use mesh_http::router;
use serde_json::{Value, json};

const LIST: &str = "/admin/v3/functions/public/default";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A P-256 key and its JWK.
struct EcKey {
    pair: rcgen::KeyPair,
}

impl EcKey {
    fn new() -> Self {
        Self {
            pair: rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap(),
        }
    }

    fn jwk(&self, kid: &str, alg: Option<&str>) -> Value {
        let point = self.pair.public_key_raw();
        let (x, y) = point[1..].split_at(32);
        let mut jwk =
            json!({"kty": "EC", "crv": "P-256", "x": b64(x), "y": b64(y), "kid": kid, "use": "sig"});
        if let Some(a) = alg {
            jwk["alg"] = json!(a);
        }
        jwk
    }

    fn sign(&self, kid: &str, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(kid.to_owned());
        let key = EncodingKey::from_ec_pem(self.pair.serialize_pem().as_bytes()).unwrap();
        jsonwebtoken::encode(&header, claims, &key).unwrap()
    }
}

fn rsa_jwk(kid: &str) -> Value {
    use x509_parser::prelude::FromDer;
    use x509_parser::public_key::PublicKey;
    let der = common::secure::auth_fixture("rsa-public.der");
    let (_, spki) = x509_parser::x509::SubjectPublicKeyInfo::from_der(&der).unwrap();
    let PublicKey::RSA(rsa) = spki.parsed().unwrap() else {
        panic!("not RSA")
    };
    let n: Vec<u8> = rsa.modulus.iter().copied().skip_while(|b| *b == 0).collect();
    json!({"kty": "RSA", "n": b64(&n), "e": b64(rsa.exponent), "kid": kid, "alg": "RS256"})
}

fn worker(issuer: &str, extra: &str) -> mesh_core::worker::WorkerConfig {
    worker_yaml(&format!(
        "authenticationEnabled: true\nauthenticationProviders: [org.apache.pulsar.broker.authentication.oidc.AuthenticationProviderOpenID]\nproperties:\n  openIDAllowedTokenIssuers: \"{issuer}, https://other.example\"\n  openIDAllowedAudiences: mesh,other-aud\n  openIDRequireIssuersUseHttps: false\n{extra}"
    ))
}

fn claims(issuer: &str) -> Value {
    json!({"iss": issuer, "aud": "mesh", "sub": "alice", "iat": now(), "exp": now() + 600})
}

async fn setup(name: &str, extra: &str) -> (axum::Router, StubIssuer, EcKey) {
    let key = EcKey::new();
    let stub = pulsar::issuer(
        json!({"keys": [key.jwk("k1", Some("ES256")), rsa_jwk("k-rsa")]}),
        None,
    )
    .await;
    let app = router(secured(worker(&stub.issuer(), extra), name).0, common::limits());
    (app, stub, key)
}

async fn answer(app: &axum::Router, token: &str) -> (StatusCode, String) {
    common::secure::answer(app, bearer(get(LIST), token)).await
}

#[tokio::test]
async fn a_token_of_an_allowed_issuer_is_verified_with_its_published_key_and_cached() {
    let (app, stub, key) = setup("oidc-ok", "").await;
    let t = key.sign("k1", &claims(&stub.issuer()));
    assert_eq!(answer(&app, &t).await.0, StatusCode::OK);
    let rsa = jsonwebtoken::encode(
        &{
            let mut h = Header::new(Algorithm::RS256);
            h.kid = Some("k-rsa".to_owned());
            h
        },
        &claims(&stub.issuer()),
        &EncodingKey::from_rsa_pem(&common::secure::auth_fixture("rsa-private.pem")).unwrap(),
    )
    .unwrap();
    assert_eq!(answer(&app, &rsa).await.0, StatusCode::OK);
    for _ in 0..3 {
        assert_eq!(answer(&app, &t).await.0, StatusCode::OK);
    }
    assert_eq!(stub.discovery_calls.load(Ordering::SeqCst), 1);
    assert_eq!(stub.jwks_calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn issuer_audience_and_required_claims() {
    let (app, stub, key) = setup("oidc-claims", "").await;
    let iss = stub.issuer();
    let mut no_iss = claims(&iss);
    no_iss.as_object_mut().unwrap().remove("iss");
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"iss": "https://evil.example", "aud": "mesh", "sub": "a", "iat": now(), "exp": now() + 60}),
            "Issuer not allowed: https://evil.example",
        ),
        (no_iss, "Issuer cannot be null"),
        (
            {
                let mut c = claims(&iss);
                c["aud"] = json!("nobody");
                c
            },
            "JWT verification failed",
        ),
        (
            {
                let mut c = claims(&iss);
                c.as_object_mut().unwrap().remove("aud");
                c
            },
            "JWT verification failed",
        ),
        (
            {
                let mut c = claims(&iss);
                c.as_object_mut().unwrap().remove("iat");
                c
            },
            "the `iat` claim is missing",
        ),
        (
            {
                let mut c = claims(&iss);
                c.as_object_mut().unwrap().remove("exp");
                c
            },
            "JWT verification failed",
        ),
        (
            {
                let mut c = claims(&iss);
                c.as_object_mut().unwrap().remove("sub");
                c
            },
            "JWT verification failed",
        ),
        (
            {
                let mut c = claims(&iss);
                c["exp"] = json!(now() - 60);
                c
            },
            "JWT expired",
        ),
        (
            {
                let mut c = claims(&iss);
                c["nbf"] = json!(now() + 600);
                c
            },
            "JWT verification failed",
        ),
    ];
    for (c, reason) in cases {
        let (s, got) = answer(&app, &key.sign("k1", &c)).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{c}");
        assert!(got.contains(reason), "{c}: {got}");
    }
    let mut other_aud = claims(&iss);
    other_aud["aud"] = json!(["x", "other-aud"]);
    assert_eq!(answer(&app, &key.sign("k1", &other_aud)).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_rotated_key_is_found_by_reloading_the_key_set() {
    let (app, stub, key) = setup("oidc-rotate", "  openIDKeyIdCacheMissRefreshSeconds: 0\n").await;
    assert_eq!(
        answer(&app, &key.sign("k1", &claims(&stub.issuer()))).await.0,
        StatusCode::OK
    );
    let next = EcKey::new();
    *stub.jwks.lock().unwrap() = json!({"keys": [next.jwk("k2", None)]});
    assert_eq!(
        answer(&app, &next.sign("k2", &claims(&stub.issuer()))).await.0,
        StatusCode::OK
    );
    assert_eq!(stub.jwks_calls.load(Ordering::SeqCst), 2);
    let (s, reason) = answer(&app, &next.sign("k3", &claims(&stub.issuer()))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(reason, "No JWK found for Key ID k3");
}

#[tokio::test]
async fn an_unknown_key_id_does_not_reload_a_fresh_key_set() {
    let (app, stub, key) = setup("oidc-fresh", "").await;
    assert_eq!(
        answer(&app, &key.sign("k1", &claims(&stub.issuer()))).await.0,
        StatusCode::OK
    );
    for _ in 0..3 {
        let (s, _) = answer(&app, &key.sign("unknown", &claims(&stub.issuer()))).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        stub.jwks_calls.load(Ordering::SeqCst),
        1,
        "the default 300 s keeps the set"
    );
}

#[tokio::test]
async fn algorithms_must_match_the_key_and_be_asymmetric() {
    let (app, stub, key) = setup("oidc-alg", "").await;
    *stub.jwks.lock().unwrap() = json!({"keys": [key.jwk("k1", Some("ES384"))]});
    let (s, reason) = answer(&app, &key.sign("k1", &claims(&stub.issuer()))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(reason, "JWK's alg [ES384] does not match JWT's alg [ES256]");

    let hs = common::secure::hs(Algorithm::HS256, &claims(&stub.issuer()));
    let (s, reason) = answer(&app, &hs).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(reason, "Unsupported algorithm: HS256");

    // An RS256 token whose kid names the EC key.
    let mut h = Header::new(Algorithm::RS256);
    h.kid = Some("k1".to_owned());
    *stub.jwks.lock().unwrap() = json!({"keys": [key.jwk("k1", None)]});
    let forged = jsonwebtoken::encode(
        &h,
        &claims(&stub.issuer()),
        &EncodingKey::from_rsa_pem(&common::secure::auth_fixture("rsa-private.pem")).unwrap(),
    )
    .unwrap();
    let (s, _) = answer(&app, &forged).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn discovery_must_name_the_same_issuer_and_be_reachable() {
    let key = EcKey::new();
    let stub = pulsar::issuer(
        json!({"keys": [key.jwk("k1", None)]}),
        Some("http://evil.example/realm".to_owned()),
    )
    .await;
    let app = router(
        secured(worker(&stub.issuer(), ""), "oidc-mismatch").0,
        common::limits(),
    );
    let (s, reason) = answer(&app, &key.sign("k1", &claims(&stub.issuer()))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(
        reason,
        format!(
            "Issuer URL mismatch: [{}] should match [http://evil.example/realm]",
            stub.issuer()
        )
    );

    let dead = pulsar::dead_address().await;
    let issuer = format!("http://{dead}/realm");
    let app = router(secured(worker(&issuer, ""), "oidc-dead").0, common::limits());
    let (s, reason) = answer(&app, &key.sign("k1", &claims(&issuer))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(
        reason.starts_with(&format!("Error retrieving OpenID Provider Metadata at {issuer}")),
        "{reason}"
    );
}

#[tokio::test]
async fn token_and_openid_providers_share_the_token_method() {
    let key = EcKey::new();
    let stub = pulsar::issuer(json!({"keys": [key.jwk("k1", None)]}), None).await;
    let w = worker_yaml(&format!(
        "authenticationEnabled: true\nauthenticationProviders:\n  - org.apache.pulsar.broker.authentication.AuthenticationProviderToken\n  - org.apache.pulsar.broker.authentication.oidc.AuthenticationProviderOpenID\nproperties:\n  tokenSecretKey: \"{}\"\n  openIDAllowedTokenIssuers: {}\n  openIDAllowedAudiences: mesh\n  openIDRequireIssuersUseHttps: false\n",
        common::secure::secret_data_url(),
        stub.issuer()
    ));
    let app = router(secured(w, "oidc-both").0, common::limits());
    assert_eq!(
        answer(&app, &common::secure::token_for("alice")).await.0,
        StatusCode::OK
    );
    assert_eq!(
        answer(&app, &key.sign("k1", &claims(&stub.issuer()))).await.0,
        StatusCode::OK
    );
    let (s, reason) = answer(&app, "nope").await;
    assert_eq!(
        (s, reason.as_str()),
        (StatusCode::UNAUTHORIZED, "Authentication required")
    );
}

#[test]
fn issuers_must_use_https_unless_the_config_allows_otherwise() {
    let w = worker_yaml(
        "authenticationEnabled: true\nauthenticationProviders: [org.apache.pulsar.broker.authentication.oidc.AuthenticationProviderOpenID]\nproperties:\n  openIDAllowedTokenIssuers: http://plain.example\n  openIDAllowedAudiences: mesh\n",
    );
    let e = common::secure::security(&w).unwrap_err();
    let mesh_http::auth::SecurityError::Config(d) = e else {
        panic!("{e:?}")
    };
    let text: Vec<String> = d.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        [
            "error: properties.openIDAllowedTokenIssuers: Issuer URL does not use https, but must: http://plain.example"
        ]
    );
}

#[tokio::test]
async fn a_role_claim_other_than_sub_must_be_present() {
    let (app, stub, key) = setup("oidc-role", "  openIDRoleClaim: groups\n").await;
    let mut c = claims(&stub.issuer());
    let (s, reason) = answer(&app, &key.sign("k1", &c)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(
        reason,
        "JWT contains invalid claim: the `groups` claim is missing"
    );
    c["groups"] = json!(["admins", "users"]);
    assert_eq!(answer(&app, &key.sign("k1", &c)).await.0, StatusCode::OK);
}
