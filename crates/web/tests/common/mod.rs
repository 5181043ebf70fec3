//! A console on loopback with its own folder and database, and an HTTPS
//! client that trusts only that console's certificate and keeps its cookie.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header;
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use standardiste_web::{Console, ConsoleSettings, Listeners};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::TlsConnector;

/// Returns the path of the example profile shipped in `config/`.
pub fn example_profile() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../config/profile.toml")
}

/// A running console and the folder it lives in.
pub struct TestConsole {
    pub dir: tempfile::TempDir,
    pub console: Arc<Console>,
    pub address: SocketAddr,
    pub redirect_address: SocketAddr,
    pub settings: ConsoleSettings,
    stop: watch::Sender<bool>,
}

impl TestConsole {
    /// Starts a console on loopback ports with a copy of the example profile
    /// and an empty call database.
    pub async fn start() -> TestConsole {
        let (dir, settings) = Self::example_settings();
        Self::start_with(dir, settings).await
    }

    /// Starts a console like [`TestConsole::start`] that gets what only the daemon provides
    /// (its lines, a voice) from `daemon`.
    pub async fn start_with_daemon(daemon: Arc<dyn standardiste_web::Daemon>) -> TestConsole {
        let (dir, settings) = Self::example_settings();
        Self::launch(dir, settings, Some(daemon)).await
    }

    /// Creates a folder with a copy of the example profile and an empty call database, and
    /// returns it with the settings of a console on loopback ports that uses them.
    fn example_settings() -> (tempfile::TempDir, ConsoleSettings) {
        let dir = tempfile::tempdir().unwrap();
        let profile = dir.path().join("profile.toml");
        std::fs::copy(example_profile(), &profile).unwrap();
        let database = dir.path().join("calls.db");
        standardiste_store::Store::open(&database).unwrap();
        let settings = ConsoleSettings {
            listen: "127.0.0.1:0".parse().unwrap(),
            redirect_listen: Some("127.0.0.1:0".parse().unwrap()),
            state_dir: dir.path().join("console"),
            database,
            profile,
            hostnames: Vec::new(),
            fixed_now: Some(time::macros::datetime!(2026-12-04 10:00)),
        };
        (dir, settings)
    }

    pub async fn start_with(dir: tempfile::TempDir, settings: ConsoleSettings) -> TestConsole {
        Self::launch(dir, settings, None).await
    }

    async fn launch(dir: tempfile::TempDir, settings: ConsoleSettings, daemon: Option<Arc<dyn standardiste_web::Daemon>>) -> TestConsole {
        let console = Console::new(settings.clone(), daemon, None).unwrap();
        let listeners = Listeners::bind(&settings).await.unwrap();
        let address = listeners.https_address().unwrap();
        let redirect_address = listeners.redirect_address().unwrap();
        let (stop, stopping) = watch::channel(false);
        tokio::spawn(standardiste_web::run(console.clone(), listeners, stopping));
        TestConsole {
            dir,
            console,
            address,
            redirect_address,
            settings,
            stop,
        }
    }

    /// Returns a client with no cookie yet.
    pub fn client(&self) -> Client {
        Client::new(self.address, &self.console.certificate().path)
    }

    /// Returns a client signed in as the admin, creating the password on first use.
    pub async fn admin(&self) -> Client {
        let mut client = self.client();
        if let Some(code) = self.console.setup_code() {
            client.get("/setup").await;
            let response = client
                .post(
                    "/setup",
                    &[
                        ("code", code.as_str()),
                        ("password", ADMIN_PASSWORD),
                        ("confirmation", ADMIN_PASSWORD),
                    ],
                )
                .await;
            assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        } else {
            client.get("/login").await;
            let response = client.post("/login", &[("password", ADMIN_PASSWORD), ("next", "/")]).await;
            assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
        }
        client
    }
}

impl Drop for TestConsole {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

pub const ADMIN_PASSWORD: &str = "harbour lights 42";

/// A response, with its body as text.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: hyper::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> Option<&str> {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok())
    }
}

/// An HTTPS client for one browser session.
pub struct Client {
    address: SocketAddr,
    connector: TlsConnector,
    /// The session cookie, as `name=value`.
    pub cookie: Option<String>,
    /// The CSRF token of the last page that carried one.
    pub csrf: Option<String>,
}

impl Client {
    pub fn new(address: SocketAddr, certificate: &std::path::Path) -> Client {
        let der = CertificateDer::from_pem_file(certificate).unwrap();
        let mut roots = rustls::RootCertStore::empty();
        roots.add(der).unwrap();
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        Client {
            address,
            connector: TlsConnector::from(Arc::new(config)),
            cookie: None,
            csrf: None,
        }
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        let request = self.request("GET", path).body(Full::new(Bytes::new())).unwrap();
        self.send(request).await
    }

    /// Posts a form, adding the CSRF token of the last page.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let csrf = self.csrf.clone().unwrap_or_default();
        all.push(("csrf", csrf.as_str()));
        self.post_raw(path, &encode_form(&all)).await
    }

    /// Posts a form body exactly as given.
    pub async fn post_raw(&mut self, path: &str, body: &str) -> Reply {
        let request = self
            .request("POST", path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, format!("https://localhost:{}", self.address.port()))
            .body(Full::new(Bytes::from(body.to_string())))
            .unwrap();
        self.send(request).await
    }

    /// Sends a request built by the test, with this client's cookie.
    pub async fn send_request(&mut self, request: hyper::Request<Full<Bytes>>) -> Reply {
        self.send(request).await
    }

    pub fn request(&self, method: &str, path: &str) -> hyper::http::request::Builder {
        let mut builder = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, format!("localhost:{}", self.address.port()));
        if let Some(cookie) = &self.cookie {
            builder = builder.header(header::COOKIE, cookie);
        }
        builder
    }

    async fn send(&mut self, request: hyper::Request<Full<Bytes>>) -> Reply {
        let stream = TcpStream::connect(self.address).await.unwrap();
        let name = ServerName::try_from("localhost").unwrap();
        let tls = self.connector.connect(name, stream).await.unwrap();
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls)).await.unwrap();
        tokio::spawn(connection);
        let response = sender.send_request(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let body = String::from_utf8_lossy(&body).into_owned();
        for value in headers.get_all(header::SET_COOKIE) {
            let value = value.to_str().unwrap();
            if let Some(pair) = value.split(';').next() {
                if pair.starts_with("standardiste_session=") {
                    self.cookie = Some(pair.to_string());
                }
            }
        }
        if let Some(token) = csrf_in(&body) {
            self.csrf = Some(token);
        }
        Reply { status, headers, body }
    }
}

/// Returns the CSRF token in a page's meta tag or hidden field.
pub fn csrf_in(page: &str) -> Option<String> {
    for marker in ["name=\"csrf-token\" content=\"", "name=\"csrf\" value=\""] {
        if let Some(start) = page.find(marker) {
            let rest = &page[start + marker.len()..];
            return rest.split('"').next().map(str::to_string);
        }
    }
    None
}

pub fn encode_form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
