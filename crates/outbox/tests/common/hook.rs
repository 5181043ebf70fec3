//! A webhook receiver on loopback that records every request and responds
//! with a chosen status, or keeps the request open without a response.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// Response of the receiver to every request.
#[derive(Clone, Copy, Debug)]
pub enum Reply {
    Status(u16),
    /// Keeps the request open and never responds.
    Hold,
}

/// One request as received.
#[derive(Clone, Debug)]
pub struct Received {
    pub key: Option<String>,
    pub signature: Option<String>,
    pub body: Vec<u8>,
}

struct Shared {
    reply: Mutex<Reply>,
    received: Mutex<Vec<Received>>,
    arrived: Notify,
}

/// The running receiver. Dropping it closes the listener and every connection.
pub struct Hook {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    accept: JoinHandle<()>,
}

impl Hook {
    /// Starts a receiver on `addr`, such as `127.0.0.1:0` for a free port.
    pub async fn start(addr: SocketAddr, reply: Reply) -> Hook {
        Hook::start_with(addr, reply, None).await
    }

    /// Starts a receiver on a free loopback port that speaks HTTPS with the
    /// given certificate.
    pub async fn start_tls(
        reply: Reply,
        cert: CertificateDer<'static>,
        key: PrivatePkcs8KeyDer<'static>,
    ) -> Hook {
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert], key.into())
            .expect("a valid certificate and key");
        let acceptor = TlsAcceptor::from(Arc::new(config));
        Hook::start_with("127.0.0.1:0".parse().unwrap(), reply, Some(acceptor)).await
    }

    async fn start_with(addr: SocketAddr, reply: Reply, tls: Option<TlsAcceptor>) -> Hook {
        let listener = TcpListener::bind(addr)
            .await
            .expect("bind the webhook receiver");
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            reply: Mutex::new(reply),
            received: Mutex::new(Vec::new()),
            arrived: Notify::new(),
        });
        let accept = tokio::spawn(accept_loop(listener, tls, Arc::clone(&shared)));
        Hook {
            addr,
            shared,
            accept,
        }
    }

    /// Closes the listener and every connection, and waits until the port is
    /// free, so that a new receiver can bind the same address at once.
    pub async fn stop(mut self) {
        self.accept.abort();
        let _ = (&mut self.accept).await;
    }

    pub fn url(&self) -> String {
        format!("http://{}/hooks/recap", self.addr)
    }

    pub fn https_url(&self) -> String {
        format!("https://{}/hooks/recap", self.addr)
    }

    pub fn set_reply(&self, reply: Reply) {
        *self.shared.reply.lock().unwrap() = reply;
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// Waits until at least `count` requests arrived. Returns false on timeout.
    pub async fn wait_for_requests(&self, count: usize, timeout: Duration) -> bool {
        let wait = async {
            loop {
                let notified = self.shared.arrived.notified();
                if self.shared.received.lock().unwrap().len() >= count {
                    return;
                }
                notified.await;
            }
        };
        tokio::time::timeout(timeout, wait).await.is_ok()
    }
}

impl Drop for Hook {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn accept_loop(listener: TcpListener, tls: Option<TlsAcceptor>, shared: Arc<Shared>) {
    // Owning the connections here means aborting this task closes them all.
    let mut connections = JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let shared = Arc::clone(&shared);
        let tls = tls.clone();
        connections.spawn(async move {
            match tls {
                None => serve(stream, shared).await,
                Some(acceptor) => {
                    // A client that rejects the certificate ends the handshake.
                    if let Ok(stream) = acceptor.accept(stream).await {
                        serve(stream, shared).await;
                    }
                }
            }
        });
    }
}

async fn serve<S>(stream: S, shared: Arc<Shared>)
where
    S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let service = service_fn(move |request| answer(Arc::clone(&shared), request));
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

async fn answer(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let key = header("idempotency-key");
    let signature = header("x-standardiste-signature");
    let body = match request.into_body().collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => Vec::new(),
    };
    shared.received.lock().unwrap().push(Received {
        key,
        signature,
        body,
    });
    shared.arrived.notify_waiters();

    let reply = *shared.reply.lock().unwrap();
    match reply {
        Reply::Status(code) => {
            let status = StatusCode::from_u16(code).unwrap();
            let text = format!("test receiver responds {code}");
            let response = Response::builder()
                .status(status)
                .body(Full::new(Bytes::from(text)))
                .unwrap();
            Ok(response)
        }
        Reply::Hold => std::future::pending().await,
    }
}
