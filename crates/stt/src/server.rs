//! The listening socket and the accept loop.

use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use tokio::io::BufReader;
use tokio::net::{TcpListener, UnixListener, UnixStream};
use tracing::{debug, error, info, warn, Instrument};
use wyoming::ServerUri;

use crate::session::{self, Shared};

/// Pause after a failed `accept`, which is usually a lack of file descriptors, so that the loop
/// does not spin while the condition lasts.
const ACCEPT_ERROR_BACKOFF: Duration = Duration::from_millis(100);

enum Listener {
    Tcp(TcpListener),
    Unix {
        listener: UnixListener,
        path: PathBuf,
    },
}

impl Listener {
    async fn bind(uri: &ServerUri) -> anyhow::Result<Self> {
        match uri {
            ServerUri::Tcp { host, port } => {
                let listener = TcpListener::bind((host.as_str(), *port))
                    .await
                    .with_context(|| format!("failed to listen on {uri}"))?;
                Ok(Listener::Tcp(listener))
            }
            ServerUri::Unix(path) => {
                remove_stale_socket(path).await?;
                let listener = UnixListener::bind(path)
                    .with_context(|| format!("failed to listen on {uri}"))?;
                Ok(Listener::Unix {
                    listener,
                    path: path.clone(),
                })
            }
        }
    }

    /// Returns the address actually bound, with the real port when the request was port 0.
    fn local_uri(&self) -> anyhow::Result<ServerUri> {
        Ok(match self {
            Listener::Tcp(listener) => {
                let address = listener.local_addr()?;
                ServerUri::Tcp {
                    host: address.ip().to_string(),
                    port: address.port(),
                }
            }
            Listener::Unix { path, .. } => ServerUri::Unix(path.clone()),
        })
    }
}

/// Removes a socket file left by a worker that exited without cleaning up. A socket that
/// accepts connections belongs to a running worker and is an error.
async fn remove_stale_socket(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::FileTypeExt;

    let Ok(metadata) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    if !metadata.file_type().is_socket() {
        bail!(
            "cannot listen on {}: the path exists and is not a socket",
            path.display()
        );
    }
    if UnixStream::connect(path).await.is_ok() {
        bail!(
            "cannot listen on {}: another process is serving on that socket",
            path.display()
        );
    }
    std::fs::remove_file(path)
        .with_context(|| format!("failed to remove stale socket {}", path.display()))
}

/// Binds `uri`, prints `READY <bound uri>` on stdout, and serves connections until `shutdown`
/// completes.
pub async fn run(
    uri: &ServerUri,
    shared: Arc<Shared>,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let listener = Listener::bind(uri).await?;
    let bound = listener.local_uri()?;
    announce_ready(&bound)?;
    info!(uri = %bound, "listening");

    tokio::pin!(shutdown);
    let mut next_id = 0u64;
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = accept(&listener) => accepted,
        };
        let (reader, writer, peer) = match accepted {
            Ok(connection) => connection,
            Err(error) => {
                error!(%error, "failed to accept a connection");
                tokio::time::sleep(ACCEPT_ERROR_BACKOFF).await;
                continue;
            }
        };

        next_id += 1;
        let connection_id = next_id;
        let shared = Arc::clone(&shared);
        let span = tracing::info_span!("connection", connection_id, %peer);
        tokio::spawn(
            async move {
                info!("connection opened");
                match session::serve(shared, connection_id, reader, writer).await {
                    Ok(()) => info!("connection closed"),
                    // A client that gives up on a transcription closes its
                    // connection mid-reply; that is routine, not a fault.
                    Err(error) if client_went_away(&error) => {
                        debug!(error = format!("{error:#}"), "client closed the connection before the reply")
                    }
                    Err(error) => warn!(error = format!("{error:#}"), "connection failed"),
                }
            }
            .instrument(span),
        );
    }

    info!("shutting down");
    if let Listener::Unix { path, .. } = &listener {
        if let Err(error) = std::fs::remove_file(path) {
            warn!(path = %path.display(), %error, "failed to remove the socket file");
        }
    }
    Ok(())
}

type BoxedReader = BufReader<Box<dyn tokio::io::AsyncRead + Send + Unpin>>;
type BoxedWriter = Box<dyn tokio::io::AsyncWrite + Send + Unpin>;

async fn accept(listener: &Listener) -> std::io::Result<(BoxedReader, BoxedWriter, String)> {
    match listener {
        Listener::Tcp(listener) => {
            let (stream, address) = listener.accept().await?;
            stream.set_nodelay(true)?;
            let (reader, writer) = stream.into_split();
            Ok((
                BufReader::new(Box::new(reader)),
                Box::new(writer),
                address.to_string(),
            ))
        }
        Listener::Unix { listener, .. } => {
            let (stream, _) = listener.accept().await?;
            let (reader, writer) = stream.into_split();
            Ok((
                BufReader::new(Box::new(reader)),
                Box::new(writer),
                "unix".to_owned(),
            ))
        }
    }
}

/// Prints the line the supervisor waits for. It is the only output on stdout.
fn announce_ready(bound: &ServerUri) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "READY {bound}").context("failed to write READY to stdout")?;
    stdout.flush().context("failed to flush stdout")
}

/// Whether a connection error is the client closing its end.
fn client_went_away(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        let io = cause
            .downcast_ref::<std::io::Error>()
            .or_else(|| match cause.downcast_ref::<wyoming::Error>() {
                Some(wyoming::Error::Io(io)) => Some(io),
                _ => None,
            });
        io.is_some_and(|io| {
            matches!(io.kind(), std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset)
        })
    })
}
