//! Starting the console: its state, the HTTPS listener and the HTTP
//! listener that only redirects.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::auth::{AdminPassword, Limiter, Sessions};
use crate::daemon::Daemon;
use crate::error::ConsoleError;
use crate::live::LiveCall;
use crate::logs::LogBuffer;
use crate::tls::Certificate;
use crate::ConsoleSettings;

/// Time a client gets to finish its TLS handshake.
const HANDSHAKE_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The console's state, shared by every request.
pub struct Console {
    pub(crate) settings: ConsoleSettings,
    pub(crate) daemon: Option<Arc<dyn Daemon>>,
    pub(crate) logs: Option<LogBuffer>,
    pub(crate) admin: AdminPassword,
    pub(crate) sessions: Sessions,
    pub(crate) limiter: Limiter,
    pub(crate) certificate: Certificate,
    pub(crate) live: Arc<LiveCall>,
    pub(crate) started: std::time::Instant,
}

impl Console {
    /// Prepares the console folder, the certificate and the admin password.
    /// Without a password yet, logs the set-up code and has the daemon
    /// text it. `daemon` is `None` where no daemon runs (the console then
    /// shows no lines or models and cannot place a test call).
    pub fn new(
        settings: ConsoleSettings,
        daemon: Option<Arc<dyn Daemon>>,
        logs: Option<LogBuffer>,
    ) -> Result<Arc<Console>, ConsoleError> {
        let state_dir = settings.state_dir.clone();
        let dir_error = |source| ConsoleError::StateDir {
            path: state_dir.clone(),
            source,
        };
        std::fs::create_dir_all(&state_dir).map_err(dir_error)?;
        let certificate = Certificate::load_or_create(&state_dir, &settings.hostnames)?;
        let admin = AdminPassword::open(&state_dir).map_err(dir_error)?;
        if let Some(code) = admin.setup_code() {
            // The installer reads this code from the journal or the console
            // screen; it is useless once the admin password exists.
            tracing::warn!(setup_code = %code, "the web console has no admin password yet: open it and enter this set-up code");
            eprintln!("Web console set-up code: {code}");
            if let Some(daemon) = &daemon {
                match daemon.send_setup_code(&code) {
                    Ok(Some(to)) => tracing::info!(to = %to, "queued the set-up code as a text message"),
                    Ok(None) => {}
                    Err(error) => tracing::warn!(%error, "cannot text the set-up code"),
                }
            }
        }
        Ok(Arc::new(Console {
            settings,
            daemon,
            logs,
            admin,
            sessions: Sessions::default(),
            limiter: Limiter::default(),
            certificate,
            live: Arc::new(LiveCall::default()),
            started: std::time::Instant::now(),
        }))
    }

    /// Returns the certificate served, for its fingerprint and path.
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// Returns the one-time set-up code, while no admin password exists.
    pub fn setup_code(&self) -> Option<String> {
        self.admin.setup_code()
    }
}

/// The console's sockets, bound before serving so that a port in use is
/// reported at start, and so that a port of 0 can be read back.
pub struct Listeners {
    https: TcpListener,
    redirect: Option<TcpListener>,
}

impl Listeners {
    /// Binds the HTTPS address and the redirecting HTTP address of `settings`.
    pub async fn bind(settings: &ConsoleSettings) -> Result<Listeners, ConsoleError> {
        let bind = |address: SocketAddr| async move {
            TcpListener::bind(address).await.map_err(|source| ConsoleError::Listen { address, source })
        };
        let https = bind(settings.listen).await?;
        let redirect = match settings.redirect_listen {
            Some(address) => Some(bind(address).await?),
            None => None,
        };
        Ok(Listeners { https, redirect })
    }

    /// Returns the HTTPS address as bound.
    pub fn https_address(&self) -> std::io::Result<SocketAddr> {
        self.https.local_addr()
    }

    /// Returns the redirecting HTTP address as bound, if any.
    pub fn redirect_address(&self) -> Option<SocketAddr> {
        self.redirect.as_ref().and_then(|listener| listener.local_addr().ok())
    }
}

/// Serves the console on `listeners` until `stopping` turns true.
pub async fn run(console: Arc<Console>, listeners: Listeners, mut stopping: watch::Receiver<bool>) -> Result<(), ConsoleError> {
    let Listeners { https: listener, redirect } = listeners;
    let local = listener.local_addr().map_err(|source| ConsoleError::Listen {
        address: console.settings.listen,
        source,
    })?;
    let acceptor = TlsAcceptor::from(console.certificate.server_config()?);
    tracing::info!(
        address = %local,
        fingerprint = %console.certificate.fingerprint(),
        "web console listening on https://{local}/"
    );

    let router = crate::router::routes(console.clone());
    let redirect_task = redirect.map(|listener| {
        let https_port = local.port();
        let stopping = stopping.clone();
        tokio::spawn(serve_redirects(listener, https_port, stopping))
    });

    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, usually: wait rather than spin.
                    tracing::warn!(%error, "console cannot accept a connection");
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                    continue;
                }
            },
            _ = stopping.changed() => break,
        };
        let acceptor = acceptor.clone();
        let router = router.clone();
        tokio::spawn(async move {
            let tls = match tokio::time::timeout(HANDSHAKE_LIMIT, acceptor.accept(stream)).await {
                Ok(Ok(tls)) => tls,
                Ok(Err(error)) => {
                    tracing::debug!(%peer, %error, "console TLS handshake failed");
                    return;
                }
                Err(_) => {
                    tracing::debug!(%peer, "console TLS handshake timed out");
                    return;
                }
            };
            serve_connection(TokioIo::new(tls), router, peer).await;
        });
    }
    if let Some(task) = redirect_task {
        task.abort();
    }
    tracing::info!("web console stopped");
    Ok(())
}

async fn serve_connection<I>(io: I, router: Router, peer: SocketAddr)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let service = router.map_request(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        request
    });
    let service = TowerToHyperService::new(service);
    let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    if let Err(error) = builder.serve_connection_with_upgrades(io, service).await {
        tracing::debug!(%peer, %error, "console connection ended with an error");
    }
}

async fn serve_redirects(listener: TcpListener, https_port: u16, mut stopping: watch::Receiver<bool>) {
    let router = crate::router::redirects(https_port);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "console cannot accept a plain HTTP connection");
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                    continue;
                }
            },
            _ = stopping.changed() => return,
        };
        let router = router.clone();
        tokio::spawn(serve_connection(TokioIo::new(stream), router, peer));
    }
}
