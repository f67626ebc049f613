//! Token authentication of `mesh serve` (Pulsar's `AuthenticationProviderToken`,
//! `../shared/reference/pulsar-auth.md` §1): where the token is read, how it is verified, which
//! endpoints stay open, and that every bad credential is a 401 with a reason, never a 5xx.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use base64::Engine as _;
use common::secure::{self, answer, bearer, hs, now, rs, secured, token_for, token_worker, with};
use common::{call, get};
use http::StatusCode;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use mesh_http::router;
use serde_json::json;

const LIST: &str = "/admin/v3/functions/public/default";

fn app(worker: mesh_core::worker::WorkerConfig, name: &str) -> axum::Router {
    router(secured(worker, name).0, common::limits())
}

#[tokio::test]
async fn a_create_without_a_token_is_refused_and_nothing_is_stored() {
    let (state, dir) = secured(token_worker(""), "no-token-create");
    let app = router(state, common::limits());
    let config = json!({"className": "org.example.Echo", "inputs": ["in"], "runtime": "JAVA"});
    let req = common::create_with_url(
        "POST",
        "/admin/v3/functions/public/default/echo",
        "functionConfig",
        &config,
        "function://public/default/echo@1",
    );
    let a = call(&app, req).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);
    assert_eq!(a.reason(), "No token credentials passed");
    assert!(
        a.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    assert!(
        walk(dir.path()).is_empty(),
        "nothing may be stored: {:?}",
        walk(dir.path())
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[tokio::test]
async fn a_valid_token_is_served() {
    let app = app(token_worker(""), "valid");
    let (status, _) = answer(&app, bearer(get(LIST), &token_for("alice"))).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_header_must_be_exactly_bearer_and_a_token() {
    let app = app(token_worker(""), "header");
    let t = token_for("alice");
    for (value, reason) in [
        (format!("bearer {t}"), "Invalid HTTP Authorization header"),
        (format!("Bearer  {t}"), ""),
        (format!("Basic {t}"), "Invalid HTTP Authorization header"),
        (format!("Bearer{t}"), "Invalid HTTP Authorization header"),
        ("Bearer ".to_owned(), "Blank token found"),
        ("Bearer    ".to_owned(), "Blank token found"),
        (t.clone(), "Invalid HTTP Authorization header"),
    ] {
        let (status, got) = answer(&app, with(get(LIST), "authorization", &value)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{value}");
        if !reason.is_empty() {
            assert_eq!(got, reason, "{value}");
        }
    }
}

#[tokio::test]
async fn exp_and_nbf_are_checked_only_when_present_with_the_configured_skew() {
    let strict = app(token_worker(""), "exp");
    let lenient = app(token_worker("  tokenAllowedClockSkewSeconds: 120\n"), "skew");
    let expired = hs(Algorithm::HS256, &json!({"sub": "a", "exp": now() - 60}));
    let early = hs(Algorithm::HS256, &json!({"sub": "a", "nbf": now() + 60}));
    let forever = hs(Algorithm::HS256, &json!({"sub": "a"}));
    let (s, reason) = answer(&strict, bearer(get(LIST), &expired)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(
        reason.starts_with("Failed to authentication token: JWT expired"),
        "{reason}"
    );
    assert_eq!(
        answer(&strict, bearer(get(LIST), &early)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        answer(&strict, bearer(get(LIST), &forever)).await.0,
        StatusCode::OK
    );
    assert_eq!(
        answer(&lenient, bearer(get(LIST), &expired)).await.0,
        StatusCode::OK
    );
    assert_eq!(
        answer(&lenient, bearer(get(LIST), &early)).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn every_hmac_strength_verifies_with_a_long_enough_key() {
    let app = app(token_worker(""), "hmac");
    for alg in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
        let t = hs(alg, &json!({"sub": "a"}));
        assert_eq!(
            answer(&app, bearer(get(LIST), &t)).await.0,
            StatusCode::OK,
            "{alg:?}"
        );
    }
    let other = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &json!({"sub": "a"}),
        &EncodingKey::from_secret(&[7u8; 64]).unwrap(),
    )
    .unwrap();
    assert_eq!(
        answer(&app, bearer(get(LIST), &other)).await.0,
        StatusCode::UNAUTHORIZED
    );
}

fn rsa_worker(key: &str, alg: Option<&str>) -> mesh_core::worker::WorkerConfig {
    let alg = alg
        .map(|a| format!("  tokenPublicAlg: {a}\n"))
        .unwrap_or_default();
    secure::worker_yaml(&format!(
        "authenticationEnabled: true\nauthenticationProviders: [org.apache.pulsar.broker.authentication.AuthenticationProviderToken]\nproperties:\n  tokenPublicKey: \"{key}\"\n{alg}"
    ))
}

#[tokio::test]
async fn public_keys_are_read_in_every_form_pulsar_reads() {
    let der = secure::auth_fixture("rsa-public.der");
    let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
    let path = secure::file("public.der", &der);
    let pem = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        b64.as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join("\n")
    );
    let pem_path = secure::file("public.pem", pem.as_bytes());
    let forms = [
        format!("file://{}", path.display()),
        format!("file:{}", path.display()),
        path.display().to_string(),
        format!("data:;base64,{b64}"),
        b64.clone(),
        pem_path.display().to_string(),
    ];
    let token = rs(Algorithm::RS256, &json!({"sub": "alice"}));
    for form in forms {
        let app = app(rsa_worker(&form, None), "forms");
        assert_eq!(
            answer(&app, bearer(get(LIST), &token)).await.0,
            StatusCode::OK,
            "{form}"
        );
    }
}

#[tokio::test]
async fn rsa_keys_verify_rs_and_ps_but_never_an_hmac_token_made_with_the_public_key() {
    let der = secure::auth_fixture("rsa-public.der");
    let path = secure::file("confusion.der", &der);
    let app = app(
        rsa_worker(&path.display().to_string(), Some("RS256")),
        "confusion",
    );
    for alg in [
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS512,
    ] {
        let t = rs(alg, &json!({"sub": "a"}));
        assert_eq!(
            answer(&app, bearer(get(LIST), &t)).await.0,
            StatusCode::OK,
            "{alg:?}"
        );
    }
    // Algorithm confusion: an HS256 token whose secret is the server's public key.
    for secret in [der.clone(), std::fs::read(&path).unwrap()] {
        let forged = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &json!({"sub": "admin"}),
            &EncodingKey::from_secret(&secret).unwrap(),
        )
        .unwrap();
        assert_eq!(
            answer(&app, bearer(get(LIST), &forged)).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    let other = EncodingKey::from_rsa_pem(&secure::auth_fixture("rsa-other-private.pem")).unwrap();
    let t = jsonwebtoken::encode(&Header::new(Algorithm::RS256), &json!({"sub": "a"}), &other).unwrap();
    assert_eq!(
        answer(&app, bearer(get(LIST), &t)).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn ec_keys_verify_es256_with_tokenpublicalg() {
    use rcgen::PublicKeyData as _;
    let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let der = pair.subject_public_key_info();
    let path = secure::file("ec.der", &der);
    let app = app(rsa_worker(&path.display().to_string(), Some("ES256")), "ec");
    let key = EncodingKey::from_ec_pem(pair.serialize_pem().as_bytes()).unwrap();
    let t = jsonwebtoken::encode(&Header::new(Algorithm::ES256), &json!({"sub": "a"}), &key).unwrap();
    assert_eq!(answer(&app, bearer(get(LIST), &t)).await.0, StatusCode::OK);
    let rsa = rs(Algorithm::RS256, &json!({"sub": "a"}));
    assert_eq!(
        answer(&app, bearer(get(LIST), &rsa)).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[test]
fn a_key_that_does_not_match_its_algorithm_stops_the_server_naming_the_key() {
    let der = secure::auth_fixture("rsa-public.der");
    let path = secure::file("mismatch.der", &der);
    let e = secure::security(&rsa_worker(&path.display().to_string(), Some("ES256"))).unwrap_err();
    let text = mesh_core::error_chain(&e);
    assert!(text.starts_with("tokenPublicKey:"), "{text}");
    for (value, why) in [
        ("/no/such/key/file", "neither an existing file nor base64 text"),
        ("file:///no/such/key/file", "cannot read /no/such/key/file"),
        ("data:;base64,%%%", "not valid base64"),
        ("data:nocomma", "needs a `,`"),
        ("c2hvcnQ=", "Failed to decode public key"),
    ] {
        let e = secure::security(&rsa_worker(value, None)).unwrap_err();
        let text = mesh_core::error_chain(&e);
        assert!(text.contains(why), "{value}: {text}");
        assert!(text.starts_with("tokenPublicKey"), "{text}");
    }
    let short = secure::worker_yaml(
        "authenticationEnabled: true\nauthenticationProviders: [org.apache.pulsar.broker.authentication.AuthenticationProviderToken]\nproperties:\n  tokenSecretKey: \"data:;base64,c2hvcnQ=\"\n",
    );
    let text = mesh_core::error_chain(&secure::security(&short).unwrap_err());
    assert!(text.contains("shorter than 256 bits"), "{text}");
    // The secret's value never appears in the error.
    assert!(!text.contains("c2hvcnQ"), "{text}");
}

#[tokio::test]
async fn audiences_are_checked_as_pulsar_checks_them() {
    let app = app(
        token_worker("  tokenAudienceClaim: aud\n  tokenAudience: mesh\n"),
        "aud",
    );
    let cases = [
        (
            json!({"sub": "a"}),
            StatusCode::UNAUTHORIZED,
            "Found null Audience in token, for claimed field: aud",
        ),
        (json!({"sub": "a", "aud": "mesh"}), StatusCode::OK, ""),
        (json!({"sub": "a", "aud": ["other", "mesh"]}), StatusCode::OK, ""),
        (
            json!({"sub": "a", "aud": "other"}),
            StatusCode::UNAUTHORIZED,
            "not contains this broker: mesh",
        ),
        (
            json!({"sub": "a", "aud": ["x"]}),
            StatusCode::UNAUTHORIZED,
            "not contains this broker: mesh",
        ),
        (
            json!({"sub": "a", "aud": 7}),
            StatusCode::UNAUTHORIZED,
            "not in expected format",
        ),
    ];
    for (claims, want, reason) in cases {
        let (s, got) = answer(&app, bearer(get(LIST), &hs(Algorithm::HS256, &claims))).await;
        assert_eq!(s, want, "{claims}");
        assert!(got.contains(reason), "{claims}: {got}");
    }
}

#[tokio::test]
async fn the_token_may_come_as_a_query_parameter_when_there_is_no_header() {
    let app = app(token_worker(""), "query");
    let t = token_for("alice");
    assert_eq!(
        answer(&app, get(&format!("{LIST}?token={t}"))).await.0,
        StatusCode::OK
    );
    assert_eq!(
        answer(&app, get(&format!("{LIST}?token=Bearer%20{t}"))).await.0,
        StatusCode::OK
    );
    assert_eq!(
        answer(&app, get(&format!("{LIST}?token=nope"))).await.0,
        StatusCode::UNAUTHORIZED
    );
    // The header wins: a bad header is not rescued by a good query token.
    let req = with(get(&format!("{LIST}?token={t}")), "authorization", "Bearer nope");
    assert_eq!(answer(&app, req).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_method_header_selects_a_provider() {
    let app = app(token_worker(""), "method");
    let t = token_for("alice");
    let ok = with(bearer(get(LIST), &t), "x-pulsar-auth-method-name", "token");
    assert_eq!(answer(&app, ok).await.0, StatusCode::OK);
    let bad = with(bearer(get(LIST), &t), "x-pulsar-auth-method-name", "basic");
    let (s, reason) = answer(&app, bad).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(reason, "Unsupported authentication method: [basic].");
    let tls = with(bearer(get(LIST), &t), "x-pulsar-auth-method-name", "tls");
    assert_eq!(answer(&app, tls).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn probes_stay_open_and_metrics_only_when_asked_to_authenticate() {
    let open = app(token_worker(""), "probes");
    for path in ["/healthz", "/readyz", "/metrics"] {
        assert_eq!(call(&open, get(path)).await.status, StatusCode::OK, "{path}");
    }
    for path in [
        "/mesh/v1/crds",
        "/admin/v3/functions/builtins",
        "/admin/v3/sources/builtinsources",
        "/nowhere",
    ] {
        assert_eq!(
            call(&open, get(path)).await.status,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
    let closed = app(token_worker("authenticateMetricsEndpoint: true\n"), "metrics");
    assert_eq!(
        call(&closed, get("/metrics")).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(call(&closed, get("/healthz")).await.status, StatusCode::OK);
    assert_eq!(
        call(&closed, bearer(get("/metrics"), &token_for("alice")))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_role_claim_and_the_setting_prefix_are_the_configs() {
    let w = secure::worker_yaml(&format!(
        "authenticationEnabled: true\nauthenticationProviders: [org.apache.pulsar.broker.authentication.AuthenticationProviderToken]\nproperties:\n  tokenSettingPrefix: mesh_\n  mesh_tokenSecretKey: \"{}\"\n  mesh_tokenAuthClaim: principal\n",
        secure::secret_data_url()
    ));
    let app = app(w, "prefix");
    let t = hs(Algorithm::HS256, &json!({"principal": ["alice", "bob"]}));
    assert_eq!(answer(&app, bearer(get(LIST), &t)).await.0, StatusCode::OK);
    // Without the prefix the key is not found: the server does not start.
    let w = secure::worker_yaml(&format!(
        "authenticationEnabled: true\nauthenticationProviders: [org.apache.pulsar.broker.authentication.AuthenticationProviderToken]\nproperties:\n  tokenSettingPrefix: mesh_\n  tokenSecretKey: \"{}\"\n",
        secure::secret_data_url()
    ));
    let e = secure::security(&w).unwrap_err();
    assert!(mesh_core::error_chain(&e).contains("the worker config's security settings cannot be honoured"));
}

#[tokio::test]
async fn the_anonymous_role_serves_requests_no_provider_authenticates() {
    let app = app(token_worker("anonymousUserRole: guest\n"), "anonymous");
    assert_eq!(answer(&app, get(LIST)).await.0, StatusCode::OK);
    // A bad token also falls back to the anonymous role, as in Pulsar.
    assert_eq!(answer(&app, bearer(get(LIST), "nope")).await.0, StatusCode::OK);
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A token with `header` and `claims` as given, signed with the test secret over exactly those
/// bytes (so only the content is wrong, not the signature).
fn signed_raw(header: &str, claims: &str) -> String {
    use hmac_sign::sign;
    let message = format!("{}.{}", b64(header.as_bytes()), b64(claims.as_bytes()));
    format!("{message}.{}", b64(&sign(&secure::secret(), message.as_bytes())))
}

/// HMAC-SHA256 through jsonwebtoken's own signer, so the test needs no crypto crate of its own.
mod hmac_sign {
    pub fn sign(key: &[u8], message: &[u8]) -> Vec<u8> {
        use base64::Engine as _;
        let sig = jsonwebtoken::crypto::sign(
            message,
            &jsonwebtoken::EncodingKey::from_secret(key).unwrap(),
            jsonwebtoken::Algorithm::HS256,
        )
        .unwrap();
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(sig)
            .unwrap()
    }
}

#[tokio::test]
async fn malformed_credentials_are_401_never_a_server_error() {
    // Authorization on (every role but `admin` is refused), so that a token whose role claim
    // has the wrong type, which Pulsar reads as no role, is refused too.
    let broker = common::pulsar::broker(common::pulsar::BrokerData::default()).await;
    let worker = token_worker(&format!(
        "authorizationEnabled: true\nsuperUserRoles: [admin]\npulsarWebServiceUrl: {}\n",
        broker.url()
    ));
    let app = app(worker, "malformed");
    let good = token_for("admin");
    assert_eq!(answer(&app, bearer(get(LIST), &good)).await.0, StatusCode::OK);
    let (hd, cl, sg) = {
        let mut parts = good.split('.');
        (
            parts.next().unwrap().to_owned(),
            parts.next().unwrap().to_owned(),
            parts.next().unwrap().to_owned(),
        )
    };
    let mut tokens: Vec<String> = Vec::new();
    // Truncated anywhere.
    for cut in [
        1,
        5,
        10,
        20,
        35,
        hd.len(),
        hd.len() + 1,
        hd.len() + 10,
        good.len() - 30,
        good.len() - 1,
    ] {
        tokens.push(good[..cut.min(good.len() - 1)].to_owned());
    }
    // Wrong number of segments.
    tokens.extend([
        "a".into(),
        "a.b".into(),
        "a.b.c.d".into(),
        "....".into(),
        ".".into(),
        "..".into(),
        format!("{hd}.{cl}"),
        format!("{hd}.{cl}.{sg}.{sg}"),
        format!("{hd}.{cl}.{sg}.x.y"),
        format!(".{cl}.{sg}"),
        format!("{hd}..{sg}"),
        format!("{hd}.{cl}."),
    ]);
    // Segments swapped, doubled, tampered.
    tokens.extend([
        format!("{cl}.{hd}.{sg}"),
        format!("{hd}.{hd}.{sg}"),
        format!("{hd}.{cl}.{}", &sg[..sg.len() - 2]),
        format!("{hd}.{cl}.{sg}AA"),
        format!("{hd}.{cl}x.{sg}"),
        format!("{hd}.{}.{sg}", b64(br#"{"sub":"admin","x":1}"#)),
        format!("{hd} .{cl}.{sg}"),
        format!("{hd}.{cl}.{sg}="),
        format!("{hd}.{cl}.!!!!"),
        format!("{}.{cl}.{sg}", hd.to_uppercase()),
    ]);
    // Huge and odd bytes.
    tokens.extend([
        "x".repeat(60 * 1024),
        format!("{hd}.{}.{sg}", "A".repeat(60 * 1024)),
        "%00%00%00".into(),
        "\u{7f}".into(),
        "null".into(),
        "{}".into(),
        "[]".into(),
        "undefined".into(),
    ]);
    // Headers that are not what they claim.
    for header in [
        r#"{"alg":"none"}"#,
        r#"{"alg":"none","typ":"JWT"}"#,
        r#"{"alg":"None"}"#,
        r#"{"alg":"HS1"}"#,
        r#"{"alg":""}"#,
        r"{}",
        r#"{"alg":256}"#,
        r#"{"alg":"RS256"}"#,
        r#"{"alg":"ES256"}"#,
        r#"{"alg":"PS256"}"#,
        r#"{"alg":"EdDSA"}"#,
        r#"{"alg":"HS256","crit":["exp"]}"#,
        r"not json",
        r#"["HS256"]"#,
        r#""HS256""#,
        r#"{"alg":"HS256""#,
        r#"{"alg":"HS256","enc":"A256GCM","typ":"JWE"}"#,
    ] {
        tokens.push(signed_raw(header, r#"{"sub":"admin"}"#));
    }
    // Claims of the wrong type or shape, correctly signed.
    for claims in [
        r#"{"sub":"admin","exp":"tomorrow"}"#,
        r#"{"sub":"admin","exp":[1]}"#,
        r#"{"sub":"admin","exp":1}"#,
        r#"{"sub":"admin","exp":-1}"#,
        r#"{"sub":"admin","nbf":"now"}"#,
        r#"{"sub":"admin","nbf":99999999999}"#,
        r#"{"sub":"admin","exp":1e400}"#,
        r#"{"sub":7}"#,
        r#"{"sub":true}"#,
        r#"{"sub":{"role":"admin"}}"#,
        r#"{"sub":[]}"#,
        r#"{"sub":[7]}"#,
        r#"{"sub":null}"#,
        r"{}",
        r"[]",
        r#""admin""#,
        r"7",
        r"not json",
        r#"{"sub":"admin""#,
        r#"{"sub":"superuser"}"#,
    ] {
        tokens.push(signed_raw(r#"{"alg":"HS256","typ":"JWT"}"#, claims));
    }
    let mut tried = 0;
    for t in &tokens {
        let value = format!("Bearer {t}");
        let Ok(v) = http::HeaderValue::from_str(&value) else {
            continue;
        };
        let mut req = get(LIST);
        req.headers_mut().insert("authorization", v);
        let a = call(&app, req).await;
        assert_eq!(
            a.status,
            StatusCode::UNAUTHORIZED,
            "{}: {}",
            &t[..t.len().min(80)],
            a.body
        );
        assert!(!a.reason().is_empty());
        tried += 1;
    }
    // Header values that are not text.
    for raw in [
        &b"Bearer \xff\xfe\xfd"[..],
        b"Bearer \x80abc",
        b"\xc3\x28",
        b"Bearer abc\xa0def",
    ] {
        let mut req = get(LIST);
        req.headers_mut()
            .insert("authorization", http::HeaderValue::from_bytes(raw).unwrap());
        let a = call(&app, req).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{raw:?}");
        assert_eq!(a.reason(), "Invalid HTTP Authorization header");
        tried += 1;
    }
    assert!(tried >= 70, "only {tried} malformed credentials were tried");
}

#[tokio::test]
async fn a_token_verified_before_is_refused_once_it_expires() {
    let app = app(token_worker(""), "remembered");
    let t = hs(Algorithm::HS256, &json!({"sub": "a", "exp": now() + 2}));
    for _ in 0..3 {
        assert_eq!(answer(&app, bearer(get(LIST), &t)).await.0, StatusCode::OK);
    }
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    let (s, reason) = answer(&app, bearer(get(LIST), &t)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(reason.contains("JWT expired"), "{reason}");
}
