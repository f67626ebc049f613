//! The HTTPS listener's TLS: rustls on ring, the certificate chain and key from PEM files
//! (PKCS#8, RSA or EC keys), client certificates requested or required when a CA file is given,
//! and a renewed certificate picked up without a restart.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use rustls::ServerConfig;
use rustls::server::WebPkiClientVerifier;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// Why the TLS settings cannot be put in place.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file cannot be read.
    #[error("{key}: cannot read {path}")]
    Read {
        /// The setting that names the file.
        key: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file holds no PEM certificate.
    #[error("{key}: {path} holds no PEM certificate")]
    NoCertificate {
        /// The setting.
        key: &'static str,
        /// The file.
        path: PathBuf,
    },
    /// A file holds no PEM private key.
    #[error("{key}: {path} holds no PEM private key (PKCS#8, RSA or EC)")]
    NoKey {
        /// The setting.
        key: &'static str,
        /// The file.
        path: PathBuf,
    },
    /// A setting is missing.
    #[error("{0}")]
    Missing(&'static str),
    /// rustls refuses the certificate and key (they do not match, or are unusable).
    #[error("tlsCertificateFilePath and tlsKeyFilePath: rustls refuses the certificate and key")]
    Rejected(#[source] rustls::Error),
    /// The client CA certificates are unusable.
    #[error("tlsTrustCertsFilePath: the client CA certificates are unusable")]
    ClientCa(#[source] rustls::server::VerifierBuilderError),
}

/// Where the HTTPS listener's certificate, key and client CAs come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate chain (PEM), leaf first.
    pub cert: PathBuf,
    /// The private key (PEM).
    pub key: PathBuf,
    /// CAs that sign client certificates; without them no client certificate is asked for.
    pub client_ca: Option<PathBuf>,
    /// Whether a client certificate is required (else requested).
    pub require_client_cert: bool,
    /// How often the files are checked for a renewal (zero: never).
    pub refresh: Duration,
}

fn read(key: &'static str, path: &PathBuf) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        key,
        path: path.clone(),
        source,
    })
}

fn certificates(key: &'static str, path: &PathBuf) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let pem = read(key, path)?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&pem)
        .filter_map(Result::ok)
        .collect();
    if certs.is_empty() {
        return Err(TlsError::NoCertificate {
            key,
            path: path.clone(),
        });
    }
    Ok(certs)
}

impl TlsFiles {
    /// The server config the files make now.
    pub fn load(&self) -> Result<Arc<ServerConfig>, TlsError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let chain = certificates("tlsCertificateFilePath", &self.cert)?;
        let key_pem = read("tlsKeyFilePath", &self.key)?;
        let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|_| TlsError::NoKey {
            key: "tlsKeyFilePath",
            path: self.key.clone(),
        })?;
        let builder = ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(TlsError::Rejected)?;
        let builder = match &self.client_ca {
            Some(ca) => {
                let mut roots = rustls::RootCertStore::empty();
                for c in certificates("tlsTrustCertsFilePath", ca)? {
                    roots.add(c).map_err(TlsError::Rejected)?;
                }
                let mut verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider);
                if !self.require_client_cert {
                    verifier = verifier.allow_unauthenticated();
                }
                builder.with_client_cert_verifier(verifier.build().map_err(TlsError::ClientCa)?)
            }
            None if self.require_client_cert => {
                return Err(TlsError::Missing(
                    "tlsRequireTrustedClientCertOnConnect needs the CAs of client certificates (tlsTrustCertsFilePath or --tls-client-ca)",
                ));
            }
            None => builder.with_no_client_auth(),
        };
        let mut config = builder.with_single_cert(chain, key).map_err(TlsError::Rejected)?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }

    fn stamps(&self) -> Vec<Option<SystemTime>> {
        std::iter::once(&self.cert)
            .chain(std::iter::once(&self.key))
            .chain(self.client_ca.iter())
            .map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
            .collect()
    }
}

/// The TLS config in force, replaced when the files change.
#[derive(Clone)]
pub struct Tls {
    current: Arc<RwLock<Arc<ServerConfig>>>,
    files: Arc<TlsFiles>,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls")
            .field("files", &self.files)
            .finish_non_exhaustive()
    }
}

impl Tls {
    /// Loads the files; fails when they are unusable.
    pub fn new(files: TlsFiles) -> Result<Self, TlsError> {
        let config = files.load()?;
        Ok(Self {
            current: Arc::new(RwLock::new(config)),
            files: Arc::new(files),
        })
    }

    /// Whether client certificates are verified (requested or required).
    pub fn verifies_clients(&self) -> bool {
        self.files.client_ca.is_some()
    }

    /// The config new connections use.
    pub(crate) fn current(&self) -> Arc<ServerConfig> {
        self.current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Loads the files again now; on failure the config in force stays.
    pub fn reload(&self) -> Result<(), TlsError> {
        let config = self.files.load()?;
        *self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = config;
        Ok(())
    }

    /// Checks the files every `refresh` and reloads them when one changed, until the runtime
    /// stops. A renewal that does not load is logged and the old certificate kept.
    pub fn watch(&self) {
        if self.files.refresh.is_zero() {
            return;
        }
        let tls = self.clone();
        tokio::spawn(async move {
            let mut seen = tls.files.stamps();
            let mut tick = tokio::time::interval(tls.files.refresh);
            tick.tick().await;
            loop {
                tick.tick().await;
                let now = tls.files.stamps();
                if now == seen {
                    continue;
                }
                match tls.reload() {
                    Ok(()) => {
                        seen = now;
                        tracing::info!("TLS certificate reloaded");
                    }
                    Err(e) => {
                        tracing::warn!(error = %mesh_core::error_chain(&e), "renewed TLS files do not load; the old certificate stays");
                    }
                }
            }
        });
    }
}

/// What `mesh serve`'s flags say of HTTPS; each wins over the worker config's key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsFlags {
    /// `--listen-tls ADDR` (over `workerPortTls`).
    pub listen: Option<std::net::SocketAddr>,
    /// `--tls-cert FILE` (over `tlsCertificateFilePath`).
    pub cert: Option<PathBuf>,
    /// `--tls-key FILE` (over `tlsKeyFilePath`).
    pub key: Option<PathBuf>,
    /// `--tls-client-ca FILE` (over `tlsTrustCertsFilePath`).
    pub client_ca: Option<PathBuf>,
}

/// The HTTPS listener the flags and the worker config ask for, if any: `--listen-tls`, else
/// `0.0.0.0:<workerPortTls>` when the worker config enables TLS (as Pulsar's worker listens).
/// A worker config that enables TLS without a port, or TLS files without a listener, is refused.
pub fn plan(
    worker: &mesh_core::worker::security::TlsConfig,
    flags: &TlsFlags,
) -> Result<Option<(std::net::SocketAddr, TlsFiles)>, TlsError> {
    let addr = match (flags.listen, worker.enabled, worker.port) {
        (Some(a), _, _) => Some(a),
        (None, true, Some(port)) => Some(std::net::SocketAddr::from(([0, 0, 0, 0], port))),
        (None, true, None) => {
            return Err(TlsError::Missing(
                "tlsEnabled: the worker config asks for HTTPS but names no workerPortTls: give --listen-tls ADDR",
            ));
        }
        (None, false, _) => None,
    };
    let Some(addr) = addr else {
        if flags.cert.is_some() || flags.key.is_some() || flags.client_ca.is_some() {
            return Err(TlsError::Missing(
                "--tls-cert, --tls-key and --tls-client-ca need an HTTPS listener: give --listen-tls ADDR",
            ));
        }
        return Ok(None);
    };
    let cert = flags
        .cert
        .clone()
        .or_else(|| worker.cert_file.as_ref().map(PathBuf::from))
        .ok_or(TlsError::Missing(
            "the HTTPS listener needs a certificate: give --tls-cert FILE or tlsCertificateFilePath",
        ))?;
    let key = flags
        .key
        .clone()
        .or_else(|| worker.key_file.as_ref().map(PathBuf::from))
        .ok_or(TlsError::Missing(
            "the HTTPS listener needs a private key: give --tls-key FILE or tlsKeyFilePath",
        ))?;
    Ok(Some((
        addr,
        TlsFiles {
            cert,
            key,
            client_ca: flags
                .client_ca
                .clone()
                .or_else(|| worker.trust_certs_file.as_ref().map(PathBuf::from)),
            require_client_cert: worker.require_client_cert,
            // Pulsar's 0 checks on every new connection; once a second comes close enough.
            refresh: Duration::from_secs(worker.refresh_seconds.max(1)),
        },
    )))
}
