//! The security settings of a worker config (`worker::security`): what `mesh serve` will honour,
//! and every setting it cannot, refused with its key, all at once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use mesh_core::worker::WorkerConfig;
use mesh_core::worker::security::{Algorithm, BrokerCredentials, ProviderConfig, SecurityConfig, TokenKey};

fn worker(yaml: &str) -> WorkerConfig {
    mesh_core::document::parse_one(yaml.as_bytes()).unwrap()
}

fn errors(yaml: &str) -> Vec<String> {
    SecurityConfig::from_worker(&worker(yaml))
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect()
}

const TOKEN: &str = "org.apache.pulsar.broker.authentication.AuthenticationProviderToken";

#[test]
fn no_security_is_asked_for_by_default() {
    let c = SecurityConfig::from_worker(&WorkerConfig::default()).unwrap();
    assert!(c.authentication.is_none() && c.authorization.is_none() && c.broker.is_none());
    assert!(!c.authenticate_metrics && !c.tls.enabled);
    assert_eq!(c.tls.refresh_seconds, 300);
    // authenticationEnabled: false ignores the providers entirely.
    let c = SecurityConfig::from_worker(&worker(&format!(
        "authenticationEnabled: false\nauthenticationProviders: [{TOKEN}]\n"
    )))
    .unwrap();
    assert!(c.authentication.is_none());
}

#[test]
fn token_settings_are_read_from_properties_with_pulsars_defaults() {
    let c = SecurityConfig::from_worker(&worker(&format!(
        "authenticationEnabled: true\nauthenticationProviders: [{TOKEN}, {TOKEN}]\nproperties:\n  tokenPublicKey: file:///keys/public.der\n  tokenPublicAlg: es256\n  tokenAllowedClockSkewSeconds: 30\n"
    )))
    .unwrap();
    let a = c.authentication.unwrap();
    assert_eq!(a.providers.len(), 1, "a provider named twice runs once");
    let ProviderConfig::Token(t) = &a.providers[0] else {
        panic!()
    };
    assert_eq!(t.role_claim, "sub");
    assert_eq!(t.clock_skew_seconds, 30);
    assert!(t.audience.is_none());
    match &t.key {
        TokenKey::Public { source, algorithm } => {
            assert_eq!(source.0, "file:///keys/public.der");
            assert_eq!(*algorithm, Algorithm::ES256);
        }
        TokenKey::Secret(_) => panic!("the public key was given"),
    }
    // The secret key wins over a public key; numbers in properties are text.
    let c = SecurityConfig::from_worker(&worker(&format!(
        "authenticationEnabled: true\nauthenticationProviders: [{TOKEN}]\nproperties:\n  tokenSecretKey: data:;base64,AAAA\n  tokenPublicKey: /x\n  tokenAllowedClockSkewSeconds: \"5\"\n"
    )))
    .unwrap();
    let ProviderConfig::Token(t) = &c.authentication.unwrap().providers[0] else {
        panic!()
    };
    assert!(matches!(t.key, TokenKey::Secret(_)));
    assert_eq!(t.clock_skew_seconds, 5);
}

#[test]
fn key_values_never_show_in_debug_output() {
    let c = SecurityConfig::from_worker(&worker(&format!(
        "authenticationEnabled: true\nauthenticationProviders: [{TOKEN}]\nproperties:\n  tokenSecretKey: data:;base64,c2VjcmV0LXZhbHVl\npulsarWebServiceUrl: http://broker:8080\nbrokerClientAuthenticationPlugin: org.apache.pulsar.client.impl.auth.AuthenticationToken\nbrokerClientAuthenticationParameters: token:eyJhbGciOi.worker.token\n"
    )))
    .unwrap();
    let text = format!("{c:?}");
    assert!(!text.contains("c2VjcmV0LXZhbHVl"), "{text}");
    assert!(!text.contains("eyJhbGciOi"), "{text}");
    assert!(text.contains("redacted"), "{text}");
    assert!(matches!(
        c.broker.unwrap().credentials,
        BrokerCredentials::Token(_)
    ));
}

#[test]
fn what_mesh_cannot_honour_is_refused_with_its_key_all_at_once() {
    let got = errors(
        "authenticationEnabled: true\nauthenticationProviders:\n  - org.apache.pulsar.broker.authentication.AuthenticationProviderBasic\n  - org.apache.pulsar.broker.authentication.AuthenticationProviderToken\n  - org.apache.pulsar.broker.authentication.oidc.AuthenticationProviderOpenID\nauthorizationEnabled: true\nauthorizationProvider: org.apache.pulsar.broker.authorization.MultiRolesTokenAuthorizationProvider\nproperties:\n  tokenAudienceClaim: aud\n  tokenAllowedClockSkewSeconds: soon\n  openIDFallbackDiscoveryMode: KUBERNETES_DISCOVER_PUBLIC_KEYS\nwebServiceTlsCiphers: [TLS_RSA_WITH_AES_128_CBC_SHA]\ntlsEnabledWithKeyStore: true\nworkerPortTls: 70000\n",
    );
    let want = [
        "error: tlsEnabledWithKeyStore: key stores are not supported by mesh serve: give PEM files in tlsCertificateFilePath and tlsKeyFilePath",
        "error: webServiceTlsCiphers: choosing TLS cipher suites is not supported by mesh serve: it offers rustls' safe defaults only",
        "error: authenticationProviders[0]: org.apache.pulsar.broker.authentication.AuthenticationProviderBasic is not supported by mesh serve: use org.apache.pulsar.broker.authentication.AuthenticationProviderToken, org.apache.pulsar.broker.authentication.oidc.AuthenticationProviderOpenID or org.apache.pulsar.broker.authentication.AuthenticationProviderTls",
        "error: properties.tokenSecretKey: No secret key was provided for token authentication",
        "error: properties.tokenAudience: Token Audience Claim [aud] configured, but Audience stands for this broker not.",
        "error: properties.tokenAllowedClockSkewSeconds: `soon` is not a whole number of 0 or more",
        "error: properties.openIDFallbackDiscoveryMode: KUBERNETES_DISCOVER_PUBLIC_KEYS is not supported by mesh serve: only DISABLED (name every issuer in openIDAllowedTokenIssuers)",
        "error: properties.openIDAllowedTokenIssuers: Missing configured value for: openIDAllowedTokenIssuers",
        "error: properties.openIDAllowedAudiences: Missing configured value for: openIDAllowedAudiences",
        "error: authorizationProvider: org.apache.pulsar.broker.authorization.MultiRolesTokenAuthorizationProvider is not supported by mesh serve: only org.apache.pulsar.broker.authorization.PulsarAuthorizationProvider",
        "error: pulsarWebServiceUrl: authorization reads tenants and namespace permissions from the broker's admin API: set the broker's URL",
        "error: workerPortTls: 70000 is not a port (1 to 65535)",
    ];
    assert_eq!(got, want);
}

#[test]
fn authentication_without_a_provider_or_authorization_without_authentication_is_refused() {
    assert_eq!(
        errors("authenticationEnabled: true\n"),
        ["error: authenticationProviders: authentication is enabled but no provider is configured"]
    );
    assert_eq!(
        errors("authenticationEnabled: true\nauthenticationProviders: [\"\", \" \"]\n"),
        ["error: authenticationProviders: authentication is enabled but no provider is configured"]
    );
    assert_eq!(
        errors("authorizationEnabled: true\npulsarWebServiceUrl: http://broker:8080\n"),
        [
            "error: authorizationEnabled: authorization needs authentication: set authenticationEnabled: true and a provider"
        ]
    );
}

#[test]
fn public_key_algorithms_are_pulsars() {
    for (alg, want) in [
        ("HS256", "The HS256 algorithm does not support Key Pairs."),
        ("XS999", "invalid algorithm provided XS999"),
        (
            "ES512",
            "ES512 is not supported by mesh serve: use ES256, ES384 or an RSA algorithm",
        ),
    ] {
        let got = errors(&format!(
            "authenticationEnabled: true\nauthenticationProviders: [{TOKEN}]\nproperties:\n  tokenPublicKey: /k\n  tokenPublicAlg: {alg}\n"
        ));
        assert_eq!(got, [format!("error: properties.tokenPublicAlg: {want}")]);
    }
    for alg in [
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
    ] {
        let c = SecurityConfig::from_worker(&worker(&format!(
            "authenticationEnabled: true\nauthenticationProviders: [{TOKEN}]\nproperties:\n  tokenPublicKey: /k\n  tokenPublicAlg: {alg}\n"
        )));
        assert!(c.is_ok(), "{alg}");
    }
}

#[test]
fn the_broker_client_needs_credentials_mesh_can_send() {
    let base = "pulsarWebServiceUrl: https://broker:8443/\n";
    let c = SecurityConfig::from_worker(&worker(&format!(
        "{base}brokerClientAuthenticationPlugin: org.apache.pulsar.client.impl.auth.AuthenticationTls\nbrokerClientAuthenticationParameters: tlsCertFile:file:///c.pem,tlsKeyFile:/k.pem\ntlsTrustCertsFilePath: /ca.pem\n"
    )))
    .unwrap();
    let b = c.broker.unwrap();
    assert_eq!(b.web_service_url, "https://broker:8443");
    assert_eq!(b.trust_certs_file.as_deref(), Some("/ca.pem"));
    assert_eq!(
        b.credentials,
        BrokerCredentials::Tls {
            cert_file: "/c.pem".into(),
            key_file: "/k.pem".into()
        }
    );
    let c = SecurityConfig::from_worker(&worker(&format!(
        "{base}brokerClientAuthenticationPlugin: org.apache.pulsar.client.impl.auth.AuthenticationTls\nbrokerClientAuthenticationParameters: '{{\"tlsCertFile\": \"/a.pem\", \"tlsKeyFile\": \"/b.pem\"}}'\n"
    )))
    .unwrap();
    assert!(matches!(
        c.broker.unwrap().credentials,
        BrokerCredentials::Tls { .. }
    ));
    assert_eq!(
        errors(&format!(
            "{base}brokerClientAuthenticationPlugin: org.apache.pulsar.client.impl.auth.oauth2.AuthenticationOAuth2\n"
        )),
        [
            "error: brokerClientAuthenticationPlugin: mesh serve cannot call the broker at pulsarWebServiceUrl with org.apache.pulsar.client.impl.auth.oauth2.AuthenticationOAuth2: use org.apache.pulsar.client.impl.auth.AuthenticationToken or org.apache.pulsar.client.impl.auth.AuthenticationTls, or leave pulsarWebServiceUrl unset"
        ]
    );
    assert_eq!(
        errors(&format!(
            "{base}brokerClientAuthenticationPlugin: org.apache.pulsar.client.impl.auth.AuthenticationToken\n"
        )),
        [
            "error: brokerClientAuthenticationParameters: the token plugin needs parameters: token:<jwt>, file:<path> or the token"
        ]
    );
    assert_eq!(
        errors("pulsarWebServiceUrl: broker:8080\n"),
        ["error: pulsarWebServiceUrl: must be an http:// or https:// URL"]
    );
    // Without pulsarWebServiceUrl the broker plugin is only for the components (no error).
    assert!(
        SecurityConfig::from_worker(&worker(
            "brokerClientAuthenticationPlugin: org.apache.pulsar.client.impl.auth.oauth2.AuthenticationOAuth2\n"
        ))
        .is_ok()
    );
}

#[test]
fn openid_settings_have_pulsars_defaults_and_checks() {
    let c = SecurityConfig::from_worker(&worker(
        "authenticationEnabled: true\nauthenticationProviders: [org.apache.pulsar.broker.authentication.oidc.AuthenticationProviderOpenID]\nproperties:\n  openIDAllowedTokenIssuers: \"https://a.example ,  https://b.example,\"\n  openIDAllowedAudiences: mesh\n  openIDAcceptedTimeLeewaySeconds: 10\n",
    ))
    .unwrap();
    let ProviderConfig::OpenId(o) = &c.authentication.unwrap().providers[0] else {
        panic!()
    };
    assert_eq!(o.issuers, ["https://a.example", "https://b.example"]);
    assert_eq!(o.audiences, ["mesh"]);
    assert_eq!(
        (o.role_claim.as_str(), o.leeway_seconds, o.cache_size),
        ("sub", 10, 5)
    );
    assert_eq!(
        (o.cache_expiration_seconds, o.key_id_miss_refresh_seconds),
        (86_400, 300)
    );
    assert_eq!(
        (o.connect_timeout_millis, o.read_timeout_millis),
        (10_000, 10_000)
    );
    assert!(o.require_https);
    assert_eq!(
        errors(
            "authenticationEnabled: true\nauthenticationProviders: [org.apache.pulsar.broker.authentication.oidc.AuthenticationProviderOpenID]\nproperties:\n  openIDAllowedTokenIssuers: ftp://x\n  openIDAllowedAudiences: mesh\n  openIDRequireIssuersUseHttps: nope\n"
        ),
        [
            "error: properties.openIDRequireIssuersUseHttps: `nope` is not true or false",
            "error: properties.openIDAllowedTokenIssuers: Issuer URL does not use https, but must: ftp://x",
        ]
    );
}

#[test]
fn authorization_settings_are_kept() {
    let c = SecurityConfig::from_worker(&worker(&format!(
        "authenticationEnabled: true\nauthenticationProviders: [{TOKEN}]\nproperties: {{tokenSecretKey: /k}}\nauthorizationEnabled: true\nsuperUserRoles: [admin, ' ', proxy]\nproxyRoles: [proxy]\nauthorizationAllowWildcardsMatching: true\nauthenticateMetricsEndpoint: true\npulsarWebServiceUrl: http://broker:8080\n"
    )))
    .unwrap();
    let a = c.authorization.unwrap();
    assert_eq!(a.super_users.iter().collect::<Vec<_>>(), ["admin", "proxy"]);
    assert_eq!(a.proxy_roles.iter().collect::<Vec<_>>(), ["proxy"]);
    assert!(a.wildcards);
    assert!(c.authenticate_metrics);
    assert_eq!(
        errors("tlsRequireTrustedClientCertOnConnect: true\n"),
        [
            "error: tlsTrustCertsFilePath: tlsRequireTrustedClientCertOnConnect needs the CA certificates that sign client certificates"
        ]
    );
}

#[test]
fn the_shipped_production_worker_config_asks_for_a_token_key_it_does_not_give() {
    let text = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/worker/functions_worker.yml"
    ))
    .unwrap();
    let w: WorkerConfig = mesh_core::document::parse_one(&text).unwrap();
    let got: Vec<String> = SecurityConfig::from_worker(&w)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        got,
        ["error: properties.tokenSecretKey: No secret key was provided for token authentication"]
    );
}
