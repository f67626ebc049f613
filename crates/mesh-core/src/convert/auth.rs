//! `spec.pulsar`: the ConfigMap, and the auth and TLS settings the worker service derives from its
//! broker-client auth and the request's auth context.

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Deserialize;

use super::identity::{Identity, reserved_claims};
use super::{Context, naming};
use crate::crd::{AuthConfig, OAuth2Config, PulsarMessaging};
use crate::diag::Diagnostics;
use crate::text::non_empty;

/// Pulsar's OAuth2 client auth plugin.
pub const OAUTH2_PLUGIN: &str = "org.apache.pulsar.client.impl.auth.oauth2.AuthenticationOAuth2";
/// Pulsar's token client auth plugin.
pub const TOKEN_PLUGIN: &str = "org.apache.pulsar.client.impl.auth.AuthenticationToken";

/// What the caller knows about who asks: needed only when the worker authenticates clients.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuthContext {
    /// The authenticated client role.
    pub client_role: Option<String>,
    /// The bearer token of the request (token auth).
    pub bearer_token: Option<String>,
    /// The secret, found by the caller, whose OAuth2 annotation names the client role.
    pub oauth2_key_secret: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OAuth2Params {
    issuer_url: Option<String>,
    private_key: Option<String>,
    audience: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    scope: Option<String>,
}

/// `spec.pulsar` and the secrets it refers to.
pub(crate) fn messaging(
    id: Identity<'_>,
    cluster: &str,
    namespace: &str,
    ctx: &Context<'_>,
    d: &mut Diagnostics,
) -> (PulsarMessaging, Vec<Secret>) {
    let mut pulsar = PulsarMessaging {
        pulsar_config: Some(naming::pulsar_config_map(cluster)),
        ..PulsarMessaging::default()
    };
    let mut secrets = Vec::new();
    let worker = ctx.worker;
    let Some(auth) = ctx.auth.filter(|_| worker.authentication_enabled == Some(true)) else {
        return (pulsar, secrets);
    };
    let custom = worker.custom();
    let labels = reserved_claims(id, cluster);
    let secret = |name: String, data: Vec<(&str, String)>| Secret {
        metadata: ObjectMeta {
            name: Some(name),
            namespace: Some(namespace.to_owned()),
            labels: Some(labels.clone()),
            ..ObjectMeta::default()
        },
        data: Some(
            data.into_iter()
                .map(|(k, v)| (k.to_owned(), ByteString(v.into_bytes())))
                .collect::<BTreeMap<_, _>>(),
        ),
        type_: Some("Opaque".to_owned()),
        ..Secret::default()
    };
    let auth_name = naming::auth_secret(id.kind, cluster, id.tenant, id.namespace, id.name);
    let plugin = non_empty(worker.broker_client_authentication_plugin.as_ref());
    let params = non_empty(worker.broker_client_authentication_parameters.as_ref());
    let parsed = params.and_then(|p| serde_json::from_str::<OAuth2Params>(p).ok());
    let oauth2_config = |p: &OAuth2Params, key_secret: String, key: String| OAuth2Config {
        audience: p.audience.clone().unwrap_or_default(),
        issuer_url: p.issuer_url.clone().unwrap_or_default(),
        scope: p.scope.clone().filter(|s| !s.is_empty()),
        key_secret_name: key_secret,
        key_secret_key: key,
    };
    let mut generic = |plugin: &str, params: String, secrets: &mut Vec<Secret>| {
        secrets.push(secret(
            auth_name.clone(),
            vec![
                ("clientAuthenticationPlugin", plugin.to_owned()),
                ("clientAuthenticationParameters", params),
            ],
        ));
        pulsar.auth_secret = Some(auth_name.clone());
    };
    if custom.using_insecure_auth() {
        if let (Some(plugin), Some(params)) = (plugin, params) {
            let usable = parsed
                .as_ref()
                .filter(|p| p.issuer_url.is_some() && p.private_key.is_some());
            match (plugin == OAUTH2_PLUGIN, usable) {
                (true, Some(p)) => match non_empty(custom.oauth2_secret_name.as_ref()) {
                    Some(secret_name) => {
                        let private_key = p.private_key.as_deref().unwrap_or_default();
                        let key = private_key.rsplit('/').next().unwrap_or(private_key).to_owned();
                        pulsar.auth_config = Some(AuthConfig {
                            oauth2_config: Some(oauth2_config(p, secret_name.to_owned(), key)),
                            generic_auth: None,
                        });
                    }
                    None => generic(plugin, reserialize(p), &mut secrets),
                },
                _ => generic(plugin, params.to_owned(), &mut secrets),
            }
        }
    } else {
        match plugin {
            Some(OAUTH2_PLUGIN) => {
                if non_empty(auth.client_role.as_ref()).is_none() {
                    d.error("auth", "Client role is empty");
                } else if let Some(secret_name) = non_empty(auth.oauth2_key_secret.as_ref()) {
                    match &parsed {
                        Some(p) => {
                            pulsar.auth_config = Some(AuthConfig {
                                oauth2_config: Some(oauth2_config(
                                    p,
                                    secret_name.to_owned(),
                                    "auth.json".to_owned(),
                                )),
                                generic_auth: None,
                            });
                        }
                        None => d.error(
                            "brokerClientAuthenticationParameters",
                            "Failed to parse oauth2 parameters",
                        ),
                    }
                } else {
                    d.error("auth", "Failed to get oauth2 private key secret");
                }
            }
            Some(TOKEN_PLUGIN) => match non_empty(auth.bearer_token.as_ref()) {
                Some(token) => generic(TOKEN_PLUGIN, format!("token:{token}"), &mut secrets),
                None => d.error("auth", "Failed to get token from Authorization header"),
            },
            other => d.error(
                "brokerClientAuthenticationPlugin",
                format!("No handler for given auth plugin: {}", other.unwrap_or("null")),
            ),
        }
    }
    if worker.tls_enabled == Some(true) {
        let trust = if let Some(t) = non_empty(worker.tls_trust_certs_file_path.as_ref()) {
            t.to_owned()
        } else {
            d.warning(
                "tlsTrustCertsFilePath",
                "not set: the TLS secret falls back to tlsCertificateFilePath, which is the worker's own certificate",
            );
            worker.tls_certificate_file_path.clone().unwrap_or_default()
        };
        let name = naming::tls_secret(id.kind, cluster, id.tenant, id.namespace, id.name);
        secrets.push(secret(
            name.clone(),
            vec![
                ("tlsTrustCertsFilePath", trust),
                ("useTls", "true".to_owned()),
                (
                    "tlsAllowInsecureConnection",
                    worker.tls_allow_insecure_connection.unwrap_or(false).to_string(),
                ),
                (
                    "tlsHostnameVerificationEnable",
                    worker
                        .tls_enable_hostname_verification
                        .unwrap_or(false)
                        .to_string(),
                ),
            ],
        ));
        pulsar.tls_secret = Some(name);
    }
    (pulsar, secrets)
}

/// The OAuth2 parameters as the worker service re-serializes them for the auth secret: the
/// non-null fields plus `issuer_url` and `private_key` without the `file://` prefix.
fn reserialize(p: &OAuth2Params) -> String {
    let mut m = serde_json::Map::new();
    for (k, v) in [
        ("issuerUrl", &p.issuer_url),
        ("privateKey", &p.private_key),
        ("audience", &p.audience),
        ("type", &p.kind),
        ("scope", &p.scope),
    ] {
        if let Some(v) = v {
            m.insert(k.to_owned(), v.clone().into());
        }
    }
    if let Some(i) = &p.issuer_url {
        m.insert("issuer_url".to_owned(), i.clone().into());
    }
    if let Some(k) = &p.private_key {
        m.insert(
            "private_key".to_owned(),
            k.trim_start_matches("file://").to_owned().into(),
        );
    }
    serde_json::Value::Object(m).to_string()
}
