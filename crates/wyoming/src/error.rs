use std::time::Duration;

/// The part of a Wyoming event on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The JSON header line.
    Header,
    /// The JSON data segment of `data_length` bytes after the header.
    Data,
    /// The binary payload of `payload_length` bytes after the data.
    Payload,
}

impl std::fmt::Display for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            Part::Header => "header line",
            Part::Data => "data segment",
            Part::Payload => "payload",
        };
        f.write_str(name)
    }
}

/// Errors from reading, writing or parsing Wyoming events and from [`crate::SttClient`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),

    /// The stream ended inside an event.
    #[error(
        "truncated event: stream ended after {received} bytes of the {part} (expected {expected})"
    )]
    Truncated {
        part: Part,
        received: usize,
        /// The expected byte count, or a description such as "a newline".
        expected: String,
    },

    /// A header line, `data_length` or `payload_length` is over its limit.
    #[error("{part} too long: {length} bytes, max {max}")]
    TooLong { part: Part, length: u64, max: usize },

    /// The header or data segment is not valid JSON of the expected shape.
    #[error("invalid {part}: {reason}")]
    InvalidJson { part: Part, reason: String },

    /// An event of a known type lacks a field or has one of the wrong type.
    #[error("invalid {kind} event: {reason}")]
    InvalidEvent { kind: String, reason: String },

    /// A typed parser was given an event of another type.
    #[error("expected event type {expected}, got {received}")]
    UnexpectedEvent {
        expected: &'static str,
        received: String,
    },

    #[error("invalid Wyoming URI {uri:?}: {reason}; expected tcp://HOST:PORT or unix:///PATH")]
    InvalidUri { uri: String, reason: String },

    #[error("failed to connect to {uri}: {source}")]
    Connect {
        uri: String,
        #[source]
        source: std::io::Error,
    },

    #[error("{operation} timed out after {timeout:?} (server {uri})")]
    Timeout {
        operation: &'static str,
        uri: String,
        timeout: Duration,
    },

    /// The server closed the connection before it sent the response.
    #[error("server {uri} closed the connection during {operation}")]
    ConnectionClosed {
        operation: &'static str,
        uri: String,
    },

    /// The server sent a Wyoming `error` event in place of the response.
    #[error("server {uri} returned an error: {text}{}", code.as_ref().map(|c| format!(" (code {c})")).unwrap_or_default())]
    Server {
        uri: String,
        text: String,
        code: Option<String>,
    },
}
