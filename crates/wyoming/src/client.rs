//! A client for Wyoming speech-to-text servers.

use std::io::ErrorKind;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, BufReader};
use tokio::net::{TcpStream, UnixStream};

use crate::asr::{ErrorEvent, Transcribe, Transcript};
use crate::audio::{AudioChunk, AudioFormat, AudioStart, AudioStop};
use crate::error::Error;
use crate::event::{read_event, write_event, Event};
use crate::info::{Describe, Info};
use crate::typed::TypedEvent;
use crate::uri::ServerUri;

/// Default bound on a whole exchange (connect, send, receive). It detects a dead or hung
/// server and is not a latency target. A 29.5 s utterance took about 3 s to transcribe with
/// Whisper base on a 2-core x86-64 machine, and a small board is slower. Callers with a
/// tighter budget should set their own with [`SttClient::set_timeout`].
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

/// Samples per `audio-chunk`: 100 ms at 16 kHz.
pub const CHUNK_SAMPLES: usize = 1600;

type BoxedReader = BufReader<Box<dyn AsyncRead + Send + Unpin>>;
type BoxedWriter = Box<dyn AsyncWrite + Send + Unpin>;

struct Connection {
    reader: BoxedReader,
    writer: BoxedWriter,
}

/// A connection to one Wyoming speech-to-text server.
///
/// Requests run one at a time on one connection. After any failed request the client drops
/// the connection, because the stream may be in the middle of an event, and the next request
/// connects again.
pub struct SttClient {
    uri: ServerUri,
    timeout: Duration,
    connection: Option<Connection>,
}

impl SttClient {
    /// Connects to `uri` (`tcp://HOST:PORT` or `unix:///PATH`) within [`DEFAULT_TIMEOUT`].
    pub async fn connect(uri: &str) -> Result<Self, Error> {
        Self::connect_with_timeout(uri, DEFAULT_TIMEOUT).await
    }

    /// Connects to `uri` and sets the timeout for this and each later exchange.
    pub async fn connect_with_timeout(uri: &str, timeout: Duration) -> Result<Self, Error> {
        let uri: ServerUri = uri.parse()?;
        if matches!(uri, ServerUri::Tcp { port: 0, .. }) {
            return Err(Error::InvalidUri {
                uri: uri.to_string(),
                reason: "port 0 is only valid for binding".to_owned(),
            });
        }
        let mut client = SttClient {
            uri,
            timeout,
            connection: None,
        };
        let connected = tokio::time::timeout(timeout, async {
            client.connection().await?;
            Ok(())
        })
        .await;
        client.finish("connect", connected)?;
        Ok(client)
    }

    pub fn uri(&self) -> &ServerUri {
        &self.uri
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sets the bound on each later exchange, from the first byte sent to the last received.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Requests the server's [`Info`].
    pub async fn describe(&mut self) -> Result<Info, Error> {
        let result = tokio::time::timeout(self.timeout, async {
            let connection = self.connection().await?;
            write_event(&mut connection.writer, &Describe.to_event()).await?;
            read_response::<Info>(&mut connection.reader).await
        })
        .await;
        self.finish("describe", result)
    }

    /// Transcribes 16 kHz mono samples, sent in `audio-chunk` events of [`CHUNK_SAMPLES`].
    ///
    /// `language` is an ISO 639-1 code, or `None` to use the server's default. Returns
    /// [`Error::Timeout`] when the whole exchange takes longer than [`Self::timeout`], and
    /// [`Error::Server`] when the server sends an `error` event.
    pub async fn transcribe(
        &mut self,
        samples: &[i16],
        language: Option<&str>,
    ) -> Result<Transcript, Error> {
        let request = Transcribe {
            name: None,
            language: language.map(str::to_owned),
        };
        let result = tokio::time::timeout(self.timeout, async {
            let connection = self.connection().await?;
            send_audio(&mut connection.writer, &request, samples).await?;
            read_response::<Transcript>(&mut connection.reader).await
        })
        .await;
        self.finish("transcribe", result)
    }

    /// Returns the open connection, connecting first when there is none.
    async fn connection(&mut self) -> Result<&mut Connection, Error> {
        if self.connection.is_none() {
            self.connection = Some(open(&self.uri).await?);
        }
        Ok(self.connection.as_mut().expect("connection was just set"))
    }

    /// Converts the outcome of an exchange into the caller's result, dropping the connection on
    /// any failure and naming the server in errors that lack it.
    fn finish<T>(
        &mut self,
        operation: &'static str,
        result: Result<Result<T, Error>, tokio::time::error::Elapsed>,
    ) -> Result<T, Error> {
        let error = match result {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(error)) => error,
            Err(_) => Error::Timeout {
                operation,
                uri: self.uri.to_string(),
                timeout: self.timeout,
            },
        };
        self.connection = None;

        let uri = self.uri.to_string();
        Err(match error {
            Error::Io(io) if is_disconnect(&io) => Error::ConnectionClosed { operation, uri },
            Error::Truncated { .. } => Error::ConnectionClosed { operation, uri },
            Error::ConnectionClosed { .. } => Error::ConnectionClosed { operation, uri },
            Error::Server { text, code, .. } => Error::Server { uri, text, code },
            other => other,
        })
    }
}

async fn open(uri: &ServerUri) -> Result<Connection, Error> {
    let connect_error = |source| Error::Connect {
        uri: uri.to_string(),
        source,
    };
    let (reader, writer): (Box<dyn AsyncRead + Send + Unpin>, BoxedWriter) = match uri {
        ServerUri::Tcp { host, port } => {
            let stream = TcpStream::connect((host.as_str(), *port))
                .await
                .map_err(connect_error)?;
            // Chunks are small and latency matters more than packet count.
            stream.set_nodelay(true).map_err(connect_error)?;
            let (reader, writer) = stream.into_split();
            (Box::new(reader), Box::new(writer))
        }
        ServerUri::Unix(path) => {
            let stream = UnixStream::connect(path).await.map_err(connect_error)?;
            let (reader, writer) = stream.into_split();
            (Box::new(reader), Box::new(writer))
        }
    };
    Ok(Connection {
        reader: BufReader::new(reader),
        writer,
    })
}

async fn send_audio(
    writer: &mut BoxedWriter,
    request: &Transcribe,
    samples: &[i16],
) -> Result<(), Error> {
    let format = AudioFormat::PCM16_MONO_16K;
    let samples_per_ms = u64::from(format.rate / 1000);

    write_event(writer, &request.to_event()).await?;
    let start = AudioStart {
        format,
        timestamp: Some(0),
    };
    write_event(writer, &start.to_event()).await?;

    for (index, chunk) in samples.chunks(CHUNK_SAMPLES).enumerate() {
        let timestamp = (index * CHUNK_SAMPLES) as u64 / samples_per_ms;
        let event = AudioChunk::from_pcm16(chunk, Some(timestamp)).to_event();
        write_event(writer, &event).await?;
    }

    let stop = AudioStop {
        timestamp: Some(samples.len() as u64 / samples_per_ms),
    };
    write_event(writer, &stop.to_event()).await
}

/// Reads events until one of type `T` or an `error` arrives. Other events, such as the
/// `transcript-chunk` events of streaming servers, are skipped.
async fn read_response<T: TypedEvent>(reader: &mut BoxedReader) -> Result<T, Error> {
    loop {
        let Some(event): Option<Event> = read_event(reader).await? else {
            return Err(Error::ConnectionClosed {
                operation: T::KIND,
                uri: String::new(),
            });
        };
        if event.is::<T>() {
            return event.parse();
        }
        if event.is::<ErrorEvent>() {
            let error = ErrorEvent::from_event(&event)?;
            return Err(Error::Server {
                uri: String::new(),
                text: error.text,
                code: error.code,
            });
        }
    }
}

fn is_disconnect(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::BrokenPipe
            | ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::UnexpectedEof
    )
}
