//! The HTTP client mesh serve calls out with (the broker's admin API, OpenID issuers): rustls on
//! ring, timeouts, no redirects to other hosts, and only the trust the config names.

use std::time::Duration;

use super::SecurityError;

/// Installs ring as the process's TLS provider (kube's client uses it too); a provider installed
/// before is kept.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// What a client trusts and presents.
pub(crate) struct ClientOptions<'a> {
    /// The config key that named `trust_file`, for errors.
    pub trust_key: &'static str,
    /// A PEM bundle: when given, the only CAs trusted; else the system's.
    pub trust_file: Option<&'a str>,
    /// A client certificate and key (PEM files).
    pub identity: Option<(&'a str, &'a str)>,
    /// Accept any server certificate (`tlsAllowInsecureConnection`).
    pub insecure: bool,
    /// Time to connect.
    pub connect_timeout: Duration,
    /// Time for the whole exchange.
    pub timeout: Duration,
}

/// A client as `options` say.
pub(crate) fn build(options: &ClientOptions<'_>) -> Result<reqwest::Client, SecurityError> {
    install_crypto_provider();
    let mut b = reqwest::Client::builder()
        .connect_timeout(options.connect_timeout)
        .timeout(options.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy();
    if let Some(file) = options.trust_file {
        let pem = std::fs::read(file).map_err(|source| SecurityError::File {
            key: options.trust_key,
            path: file.to_owned(),
            source,
        })?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|_| SecurityError::Invalid {
            key: options.trust_key,
            problem: format!("{file} holds no PEM certificates"),
        })?;
        if certs.is_empty() {
            return Err(SecurityError::Invalid {
                key: options.trust_key,
                problem: format!("{file} holds no PEM certificates"),
            });
        }
        b = b.tls_certs_only(certs);
    }
    if let Some((cert, key)) = options.identity {
        let read = |path: &str| {
            std::fs::read(path).map_err(|source| SecurityError::File {
                key: "brokerClientAuthenticationParameters",
                path: path.to_owned(),
                source,
            })
        };
        let mut pem = read(cert)?;
        pem.push(b'\n');
        pem.extend(read(key)?);
        let identity = reqwest::Identity::from_pem(&pem).map_err(|_| SecurityError::Invalid {
            key: "brokerClientAuthenticationParameters",
            problem: "tlsCertFile and tlsKeyFile are not a PEM certificate and private key".to_owned(),
        })?;
        b = b.identity(identity);
    }
    if options.insecure {
        b = b.tls_danger_accept_invalid_certs(true);
    }
    b.build().map_err(SecurityError::Client)
}
