//! The broker's admin REST API at `pulsarWebServiceUrl`, called with the worker's own
//! credentials: tenants (`GET /admin/v2/tenants/{t}`), a tenant's namespaces
//! (`GET /admin/v2/namespaces/{t}`) and a namespace's permissions
//! (`GET /admin/v2/namespaces/{t}/{ns}/permissions`). Answers are cached for a short time and in
//! bounded number; failures are never cached and never read as "allowed".

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use mesh_core::worker::security::{BrokerConfig, BrokerCredentials};
use moka::future::Cache;
use serde::Deserialize;

use super::SecurityError;
use super::client::{self, ClientOptions};

/// How long an answer of the broker is used.
pub const CACHE_TTL: Duration = Duration::from_secs(10);
/// How many answers of each kind are kept.
pub const CACHE_ENTRIES: u64 = 10_000;
/// Time allowed for one call to the broker.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the broker could not answer.
#[derive(Clone, Debug, thiserror::Error)]
pub enum BrokerError {
    /// The broker cannot be reached or did not answer in time (503).
    #[error("cannot reach the broker at pulsarWebServiceUrl to check {what}: {why}")]
    Unreachable {
        /// What was asked.
        what: String,
        /// Connect failure or timeout.
        why: &'static str,
    },
    /// The broker refused the worker's own credentials (500: the worker config is at fault).
    #[error(
        "the broker refused mesh serve's own credentials (HTTP {status}) when reading {what}: check brokerClientAuthenticationPlugin and brokerClientAuthenticationParameters"
    )]
    Refused {
        /// What was asked.
        what: String,
        /// 401 or 403.
        status: u16,
    },
    /// The broker answered with an error (503 for 5xx, else 500).
    #[error("the broker answered HTTP {status} when reading {what}")]
    Status {
        /// What was asked.
        what: String,
        /// The status.
        status: u16,
    },
    /// The answer is not in Pulsar's shape (500).
    #[error("the broker's answer for {what} is not in Pulsar's shape")]
    Malformed {
        /// What was asked.
        what: String,
    },
    /// The worker's token file cannot be read (500).
    #[error("cannot read the worker's broker token from brokerClientAuthenticationParameters")]
    Token,
}

/// `TenantInfo`: `{"adminRoles": [...], "allowedClusters": [...]}`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantInfo {
    /// Roles that administer the tenant.
    #[serde(default)]
    pub admin_roles: BTreeSet<String>,
    /// Clusters the tenant may use.
    #[serde(default)]
    pub allowed_clusters: BTreeSet<String>,
}

/// Role → actions (`produce`, `consume`, `functions`, `sources`, `sinks`, `packages`).
pub type Permissions = BTreeMap<String, BTreeSet<String>>;

/// The broker's admin API with caches.
pub struct Broker {
    base: url::Url,
    http: reqwest::Client,
    credentials: BrokerCredentials,
    tenants: Cache<String, Arc<Option<TenantInfo>>>,
    namespaces: Cache<String, Arc<Option<BTreeSet<String>>>>,
    permissions: Cache<(String, String), Arc<Option<Permissions>>>,
}

fn cache<K, V>() -> Cache<K, V>
where
    K: std::hash::Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    Cache::builder()
        .max_capacity(CACHE_ENTRIES)
        .time_to_live(CACHE_TTL)
        .build()
}

impl Broker {
    /// A client of the broker the config names.
    pub fn new(config: &BrokerConfig) -> Result<Self, SecurityError> {
        let base = url::Url::parse(&config.web_service_url).map_err(|_| SecurityError::Invalid {
            key: "pulsarWebServiceUrl",
            problem: "is not a URL".to_owned(),
        })?;
        if base.cannot_be_a_base() {
            return Err(SecurityError::Invalid {
                key: "pulsarWebServiceUrl",
                problem: "is not an http:// or https:// URL".to_owned(),
            });
        }
        let identity = match &config.credentials {
            BrokerCredentials::Tls { cert_file, key_file } => Some((cert_file.as_str(), key_file.as_str())),
            _ => None,
        };
        let http = client::build(&ClientOptions {
            trust_key: "tlsTrustCertsFilePath",
            trust_file: config
                .trust_certs_file
                .as_deref()
                .filter(|_| base.scheme() == "https"),
            identity,
            insecure: config.allow_insecure,
            connect_timeout: CALL_TIMEOUT,
            timeout: CALL_TIMEOUT,
        })?;
        if let BrokerCredentials::Token(params) = &config.credentials {
            // Fail at start, not at the first request, when the token cannot be had.
            token_of(params).map_err(|()| SecurityError::Invalid {
                key: "brokerClientAuthenticationParameters",
                problem: "the token file cannot be read".to_owned(),
            })?;
        }
        Ok(Self {
            base,
            http,
            credentials: config.credentials.clone(),
            tenants: cache(),
            namespaces: cache(),
            permissions: cache(),
        })
    }

    /// `GET` of the admin path made of `segments` (each percent-encoded): the JSON, or `None`
    /// for 404.
    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        segments: &[&str],
        what: &str,
    ) -> Result<Option<T>, BrokerError> {
        let mut url = self.base.clone();
        {
            let Ok(mut path) = url.path_segments_mut() else {
                return Err(BrokerError::Malformed {
                    what: what.to_owned(),
                });
            };
            path.pop_if_empty().extend(["admin", "v2"]).extend(segments);
        }
        let mut request = self.http.get(url).header("accept", "application/json");
        if let BrokerCredentials::Token(params) = &self.credentials {
            let token = token_of(params).map_err(|()| BrokerError::Token)?;
            request = request.bearer_auth(token);
        }
        let response = request.send().await.map_err(|e| BrokerError::Unreachable {
            what: what.to_owned(),
            why: if e.is_timeout() {
                "timed out"
            } else {
                "cannot connect"
            },
        })?;
        let status = response.status().as_u16();
        match status {
            200..=299 => {}
            404 => return Ok(None),
            401 | 403 => {
                return Err(BrokerError::Refused {
                    what: what.to_owned(),
                    status,
                });
            }
            _ => {
                return Err(BrokerError::Status {
                    what: what.to_owned(),
                    status,
                });
            }
        }
        let bytes = response.bytes().await.map_err(|e| BrokerError::Unreachable {
            what: what.to_owned(),
            why: if e.is_timeout() {
                "timed out"
            } else {
                "the answer was cut off"
            },
        })?;
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|_| BrokerError::Malformed {
                what: what.to_owned(),
            })
    }

    /// The answer for `key` from `cache`, else from the admin path `segments` (`None` for 404).
    /// Failures are not cached.
    async fn cached<K, T>(
        &self,
        cache: &Cache<K, Arc<Option<T>>>,
        key: K,
        segments: &[&str],
        what: impl FnOnce() -> String,
    ) -> Result<Arc<Option<T>>, BrokerError>
    where
        K: std::hash::Hash + Eq + Send + Sync + 'static,
        T: serde::de::DeserializeOwned + Send + Sync + 'static,
    {
        cache
            .try_get_with(key, async {
                self.get::<T>(segments, &what()).await.map(Arc::new)
            })
            .await
            .map_err(|e: Arc<BrokerError>| (*e).clone())
    }

    /// The tenant's info, `None` when it does not exist.
    pub async fn tenant(&self, tenant: &str) -> Result<Arc<Option<TenantInfo>>, BrokerError> {
        let what = || format!("tenant {tenant}");
        self.cached(&self.tenants, tenant.to_owned(), &["tenants", tenant], what)
            .await
    }

    /// The tenant's namespaces (`tenant/ns`, or `tenant/cluster/ns` for old ones), `None` when
    /// the tenant does not exist.
    pub async fn namespaces(&self, tenant: &str) -> Result<Arc<Option<BTreeSet<String>>>, BrokerError> {
        let what = || format!("the namespaces of tenant {tenant}");
        self.cached(&self.namespaces, tenant.to_owned(), &["namespaces", tenant], what)
            .await
    }

    /// The namespace's permissions, `None` when it has none or does not exist.
    pub async fn permissions(
        &self,
        tenant: &str,
        namespace: &str,
    ) -> Result<Arc<Option<Permissions>>, BrokerError> {
        let what = || format!("the permissions of namespace {tenant}/{namespace}");
        let key = (tenant.to_owned(), namespace.to_owned());
        self.cached(
            &self.permissions,
            key,
            &["namespaces", tenant, namespace, "permissions"],
            what,
        )
        .await
    }
}

/// The token of `AuthenticationToken`'s parameters: `token:<jwt>`, `file:<path>` (read now, so
/// a renewed file is used), `{"token": "<jwt>"}` or the token itself.
fn token_of(params: &str) -> Result<String, ()> {
    let p = params.trim();
    if let Some(t) = p.strip_prefix("token:") {
        return Ok(t.trim().to_owned());
    }
    if let Some(f) = p.strip_prefix("file:") {
        let path = f.strip_prefix("//").unwrap_or(f);
        return std::fs::read_to_string(path)
            .map(|s| s.trim().to_owned())
            .map_err(|_| ());
    }
    if p.starts_with('{') {
        return serde_json::from_str::<serde_json::Value>(p)
            .ok()
            .and_then(|v| v.get("token")?.as_str().map(str::to_owned))
            .ok_or(());
    }
    Ok(p.to_owned())
}
