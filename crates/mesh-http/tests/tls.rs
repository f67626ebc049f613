//! The HTTPS listener over real sockets with certificates made here (rcgen): PKCS#8 and RSA
//! keys, client certificates requested or required, mTLS authentication (role = CN), a renewed
//! certificate picked up without a restart, and how flags and the worker config choose the
//! listener.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use common::secure::worker_yaml;
use mesh_core::worker::security::SecurityConfig;
use mesh_http::tls::{Tls, TlsFiles, TlsFlags};
use mesh_http::{AppState, Listeners, Security, router};
use mesh_kube::{AnyStore, Directory};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl Ca {
    fn new(name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        Self {
            issuer: CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap(),
        }
    }

    fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// A leaf certificate for `cn` (and `localhost`/127.0.0.1 as names) with `key`.
    fn leaf(&self, cn: &str, key: &KeyPair) -> String {
        let mut params =
            CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
        params
            .distinguished_name
            .push(DnType::OrganizationName, "mesh tests");
        params.distinguished_name.push(DnType::CommonName, cn);
        params.signed_by(key, &self.issuer).unwrap().pem()
    }
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let p = dir.join(name);
    // Replace, never truncate in place: a reload reads a whole file or the old one.
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, &p).unwrap();
    p
}

struct Server {
    addr: SocketAddr,
    plain: Option<SocketAddr>,
    tls: Tls,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _store: common::Scratch,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

async fn serve(worker_extra: &str, files: TlsFiles, with_plain: bool) -> Server {
    let worker = worker_yaml(&format!("pulsarFunctionsCluster: test\n{worker_extra}"));
    let config = SecurityConfig::from_worker(&worker).unwrap();
    let tls = Tls::new(files).unwrap();
    let security = Security::new(&config, tls.verifies_clients()).unwrap();
    let store = common::scratch("tls");
    let state = Arc::new(AppState::new(
        worker,
        None,
        AnyStore::Directory(Directory::new(store.path().to_path_buf(), "default")),
        security,
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let plain = if with_plain {
        Some(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap())
    } else {
        None
    };
    let plain_addr = plain.as_ref().map(|l| l.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let limits = common::limits();
    tokio::spawn(mesh_http::serve_all(
        Listeners {
            plain,
            tls: Some((listener, tls.clone())),
        },
        router(state, limits),
        limits,
        async move {
            let _ = stopped.await;
        },
    ));
    Server {
        addr,
        plain: plain_addr,
        tls,
        stop: Some(stop),
        _store: store,
    }
}

/// What an HTTPS request got: the status, the body and the server's leaf certificate.
struct Got {
    status: u16,
    body: String,
    server_cert: CertificateDer<'static>,
}

/// `GET path` over TLS, trusting `ca`, presenting `client` (certificate PEM, key PEM) if given.
async fn https_get(
    addr: SocketAddr,
    ca: &str,
    client: Option<(&str, &str)>,
    path: &str,
) -> Result<Got, String> {
    mesh_http::auth::install_crypto_provider();
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_slice_iter(ca.as_bytes()) {
        roots.add(c.unwrap()).unwrap();
    }
    let builder = rustls::ClientConfig::builder().with_root_certificates(roots);
    let config = match client {
        Some((cert, key)) => builder
            .with_client_auth_cert(
                CertificateDer::pem_slice_iter(cert.as_bytes())
                    .map(Result::unwrap)
                    .collect(),
                PrivateKeyDer::from_pem_slice(key.as_bytes()).unwrap(),
            )
            .unwrap(),
        None => builder.with_no_client_auth(),
    };
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| e.to_string())?;
    let mut stream = connector
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    let server_cert = stream.get_ref().1.peer_certificates().unwrap()[0]
        .clone()
        .into_owned();
    stream
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .map_err(|e| format!("write: {e}"))?;
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .await
        .map_err(|e| format!("read: {e}"))?;
    let text = String::from_utf8_lossy(&response).into_owned();
    if text.is_empty() {
        return Err("no answer".to_owned());
    }
    let status = text[9..12].parse().map_err(|_| text.clone())?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok(Got {
        status,
        body,
        server_cert,
    })
}

const MTLS: &str = "authenticationEnabled: true\nauthenticationProviders: [org.apache.pulsar.broker.authentication.AuthenticationProviderTls]\n";
const LIST: &str = "/admin/v3/functions/public/default";

struct Pki {
    ca: Ca,
    dir: common::Scratch,
    files: TlsFiles,
    alice: (String, String),
}

fn pki(require: bool) -> Pki {
    let ca = Ca::new("mesh test ca");
    let dir = common::scratch("pki");
    let server_key = KeyPair::generate().unwrap();
    let cert = write(dir.path(), "server.pem", &ca.leaf("mesh-server", &server_key));
    let key = write(dir.path(), "server.key", &server_key.serialize_pem());
    let client_ca = write(dir.path(), "ca.pem", &ca.pem());
    let alice_key = KeyPair::generate().unwrap();
    let alice = (ca.leaf("alice", &alice_key), alice_key.serialize_pem());
    Pki {
        ca,
        dir,
        files: TlsFiles {
            cert,
            key,
            client_ca: Some(client_ca),
            require_client_cert: require,
            refresh: Duration::from_secs(1),
        },
        alice,
    }
}

#[tokio::test]
async fn a_client_certificate_authenticates_its_cn_and_is_only_requested() {
    let p = pki(false);
    // alice is a superuser; anyone else would need the broker, which is not there.
    let dead = common::pulsar::dead_address().await;
    let extra = format!(
        "{MTLS}authorizationEnabled: true\nsuperUserRoles: [alice]\npulsarWebServiceUrl: http://{dead}\n"
    );
    let server = serve(&extra, p.files.clone(), false).await;
    let ca = p.ca.pem();
    let got = https_get(server.addr, &ca, Some((&p.alice.0, &p.alice.1)), LIST)
        .await
        .unwrap();
    assert_eq!(got.status, 200, "{}", got.body);
    let bob_key = KeyPair::generate().unwrap();
    let bob = p.ca.leaf("bob", &bob_key);
    let got = https_get(server.addr, &ca, Some((&bob, &bob_key.serialize_pem())), LIST)
        .await
        .unwrap();
    assert_eq!(got.status, 503, "bob is no superuser: {}", got.body);
    let got = https_get(server.addr, &ca, None, LIST).await.unwrap();
    assert_eq!(got.status, 401);
    assert!(
        got.body
            .contains("Client unable to authenticate with TLS certificate"),
        "{}",
        got.body
    );
    let probe = https_get(server.addr, &ca, None, "/healthz").await.unwrap();
    assert_eq!(probe.status, 200);
    // A certificate of a CA the server does not trust fails the handshake.
    let stranger = Ca::new("stranger");
    let key = KeyPair::generate().unwrap();
    let cert = stranger.leaf("mallory", &key);
    assert!(
        https_get(server.addr, &ca, Some((&cert, &key.serialize_pem())), LIST)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_required_client_certificate_is_required() {
    let p = pki(true);
    let server = serve(MTLS, p.files.clone(), false).await;
    let ca = p.ca.pem();
    assert!(https_get(server.addr, &ca, None, "/healthz").await.is_err());
    let got = https_get(server.addr, &ca, Some((&p.alice.0, &p.alice.1)), LIST)
        .await
        .unwrap();
    assert_eq!(got.status, 200);
}

#[tokio::test]
async fn rsa_keys_in_pkcs1_form_serve_too_and_plain_http_runs_beside() {
    let ca = Ca::new("rsa ca");
    let dir = common::scratch("rsa");
    let pem = String::from_utf8(common::secure::auth_fixture("rsa-private.pem")).unwrap();
    let rsa = KeyPair::from_pem_and_sign_algo(&pem, &rcgen::PKCS_RSA_SHA256).unwrap();
    let files = TlsFiles {
        cert: write(dir.path(), "cert.pem", &ca.leaf("rsa-server", &rsa)),
        key: write(
            dir.path(),
            "key.pem",
            &String::from_utf8(common::secure::auth_fixture("rsa-private-pkcs1.pem")).unwrap(),
        ),
        client_ca: None,
        require_client_cert: false,
        refresh: Duration::ZERO,
    };
    let server = serve("", files, true).await;
    let got = https_get(server.addr, &ca.pem(), None, LIST).await.unwrap();
    assert_eq!(got.status, 200, "{}", got.body);
    let plain = server.plain.unwrap();
    let mut s = tokio::net::TcpStream::connect(plain).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
}

#[tokio::test]
async fn a_renewed_certificate_is_served_without_a_restart() {
    let p = pki(false);
    let server = serve("", p.files.clone(), false).await;
    let ca = p.ca.pem();
    let before = https_get(server.addr, &ca, None, "/healthz")
        .await
        .unwrap()
        .server_cert;

    // Renewed by hand: reload() picks it up at once.
    let key = KeyPair::generate().unwrap();
    write(p.dir.path(), "server.pem", &p.ca.leaf("renewed-1", &key));
    write(p.dir.path(), "server.key", &key.serialize_pem());
    server.tls.reload().unwrap();
    let after = https_get(server.addr, &ca, None, "/healthz")
        .await
        .unwrap()
        .server_cert;
    assert_ne!(before, after);

    // Renewed on disk while the watcher runs (checks every second).
    server.tls.watch();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let key = KeyPair::generate().unwrap();
    write(p.dir.path(), "server.pem", &p.ca.leaf("renewed-2", &key));
    write(p.dir.path(), "server.key", &key.serialize_pem());
    let mut seen = None;
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let now = https_get(server.addr, &ca, None, "/healthz")
            .await
            .unwrap()
            .server_cert;
        if now != after {
            seen = Some(now);
            break;
        }
    }
    assert!(seen.is_some(), "the watcher did not load the renewed certificate");

    // A renewal that does not load keeps the certificate in force.
    write(p.dir.path(), "server.key", "not a key");
    assert!(server.tls.reload().is_err());
    assert_eq!(
        https_get(server.addr, &ca, None, "/healthz")
            .await
            .unwrap()
            .status,
        200
    );
}

#[test]
fn tls_files_that_do_not_load_are_refused_naming_the_setting() {
    let p = pki(false);
    let broken = |f: &dyn Fn(&mut TlsFiles)| {
        let mut files = p.files.clone();
        f(&mut files);
        mesh_core::error_chain(&Tls::new(files).unwrap_err())
    };
    let e = broken(&|f| f.cert = PathBuf::from("/no/such/cert.pem"));
    assert!(
        e.starts_with("tlsCertificateFilePath: cannot read /no/such/cert.pem"),
        "{e}"
    );
    let e = broken(&|f| f.key = f.client_ca.clone().unwrap());
    assert!(
        e.contains("tlsKeyFilePath:") && e.contains("no PEM private key"),
        "{e}"
    );
    let e = broken(&|f| f.cert = f.key.clone());
    assert!(e.contains("holds no PEM certificate"), "{e}");
    let other = KeyPair::generate().unwrap();
    let e = broken(&|f| f.key = write(p.dir.path(), "other.key", &other.serialize_pem()));
    assert!(e.contains("rustls refuses the certificate and key"), "{e}");
}

#[test]
fn the_listener_comes_from_the_flags_or_the_worker_config() {
    let tls_of = |yaml: &str| SecurityConfig::from_worker(&worker_yaml(yaml)).unwrap().tls;
    let none = mesh_http::tls::plan(&tls_of("pulsarFunctionsCluster: x\n"), &TlsFlags::default()).unwrap();
    assert!(none.is_none());
    let (addr, files) = mesh_http::tls::plan(
        &tls_of("workerPortTls: 6751\ntlsCertificateFilePath: /c.pem\ntlsKeyFilePath: /k.pem\ntlsTrustCertsFilePath: /ca.pem\ntlsRequireTrustedClientCertOnConnect: true\n"),
        &TlsFlags::default(),
    )
    .unwrap()
    .unwrap();
    assert_eq!(addr.to_string(), "0.0.0.0:6751");
    assert_eq!(files.client_ca, Some(PathBuf::from("/ca.pem")));
    assert!(files.require_client_cert);
    assert_eq!(files.refresh, Duration::from_mins(5));
    let flags = TlsFlags {
        listen: Some("127.0.0.1:8443".parse().unwrap()),
        cert: Some("/flag.pem".into()),
        key: Some("/flag.key".into()),
        client_ca: Some("/flag-ca.pem".into()),
    };
    let (addr, files) = mesh_http::tls::plan(
        &tls_of("workerPortTls: 6751\ntlsCertificateFilePath: /c.pem\ntlsKeyFilePath: /k.pem\n"),
        &flags,
    )
    .unwrap()
    .unwrap();
    assert_eq!(addr.to_string(), "127.0.0.1:8443");
    assert_eq!(
        (files.cert.to_str(), files.key.to_str()),
        (Some("/flag.pem"), Some("/flag.key"))
    );
    assert_eq!(files.client_ca, Some(PathBuf::from("/flag-ca.pem")));
    for (yaml, flags, words) in [
        (
            "tlsEnabled: true\n",
            TlsFlags::default(),
            "names no workerPortTls",
        ),
        (
            "workerPortTls: 6751\n",
            TlsFlags::default(),
            "needs a certificate",
        ),
        (
            "workerPortTls: 6751\ntlsCertificateFilePath: /c.pem\n",
            TlsFlags::default(),
            "needs a private key",
        ),
        (
            "pulsarFunctionsCluster: x\n",
            TlsFlags {
                cert: Some("/c.pem".into()),
                ..TlsFlags::default()
            },
            "need an HTTPS listener",
        ),
    ] {
        let e = mesh_http::tls::plan(&tls_of(yaml), &flags).unwrap_err();
        assert!(e.to_string().contains(words), "{yaml}: {e}");
    }
}

#[test]
fn mtls_authentication_needs_a_listener_that_verifies_client_certificates() {
    let config = SecurityConfig::from_worker(&worker_yaml(MTLS)).unwrap();
    let e = Security::new(&config, false).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("authenticationProviders: AuthenticationProviderTls needs"),
        "{e}"
    );
}
