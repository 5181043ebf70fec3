//! The Wyoming wire format.
//!
//! Each event is a JSON header line, then an optional JSON data segment, then an optional binary
//! payload:
//!
//! ```text
//! {"type":"audio-chunk","version":"1.10.2","data_length":37,"payload_length":3200}\n
//! {"rate":16000,"width":2,"channels":1}     <- data_length bytes of JSON
//! <3200 bytes of PCM>                       <- payload_length bytes
//! ```
//!
//! The header may also carry a `data` object. The reader merges the data segment into it, with
//! the segment's keys taking precedence, which is what the Python `wyoming` package does.

use serde_json::{Map, Value};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::error::{Error, Part};

/// Max length of a header line in bytes, newline excluded.
pub const MAX_HEADER_LENGTH: usize = 64 * 1024;
/// Max `data_length` in bytes.
pub const MAX_DATA_LENGTH: usize = 1024 * 1024;
/// Max `payload_length` in bytes: 16 MiB is about 8.7 minutes of 16 kHz 16-bit mono audio.
pub const MAX_PAYLOAD_LENGTH: usize = 16 * 1024 * 1024;

/// The `version` written in each header: the version of the Python `wyoming` package whose
/// wire format this crate follows and is tested against.
pub const PROTOCOL_VERSION: &str = "1.10.2";

/// One Wyoming event: a type such as `transcribe`, a JSON object of fields and an optional
/// binary payload (PCM audio for `audio-chunk`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Event {
    /// The event type, `type` on the wire.
    pub kind: String,
    pub data: Map<String, Value>,
    /// `None` when the event has no payload. An empty payload is read and written as `None`.
    pub payload: Option<Vec<u8>>,
}

impl Event {
    /// Creates an event with no data and no payload.
    pub fn new(kind: impl Into<String>) -> Self {
        Event {
            kind: kind.into(),
            data: Map::new(),
            payload: None,
        }
    }

    /// Sets one data field.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.data.insert(key.to_owned(), value.into());
        self
    }

    pub fn with_payload(mut self, payload: Vec<u8>) -> Self {
        self.payload = Some(payload);
        self
    }
}

/// Reads one event.
///
/// Returns `Ok(None)` when the stream ends cleanly before the first byte of a header. Every
/// length is checked against its limit before anything is allocated for it, and a stream that
/// ends inside an event returns [`Error::Truncated`].
pub async fn read_event<R>(reader: &mut R) -> Result<Option<Event>, Error>
where
    R: AsyncBufRead + Unpin,
{
    let Some(line) = read_header_line(reader).await? else {
        return Ok(None);
    };
    let header = parse_header(&line)?;

    let mut data = header.data;
    if header.data_length > 0 {
        let bytes = read_exact_part(reader, Part::Data, header.data_length).await?;
        let segment: Value = serde_json::from_slice(&bytes).map_err(|err| Error::InvalidJson {
            part: Part::Data,
            reason: err.to_string(),
        })?;
        let Value::Object(segment) = segment else {
            return Err(Error::InvalidJson {
                part: Part::Data,
                reason: format!("expected a JSON object, got {}", json_type_name(&segment)),
            });
        };
        data.extend(segment);
    }

    let payload = if header.payload_length > 0 {
        Some(read_exact_part(reader, Part::Payload, header.payload_length).await?)
    } else {
        None
    };

    Ok(Some(Event {
        kind: header.kind,
        data,
        payload,
    }))
}

/// Writes one event and flushes the writer.
///
/// The data goes in a data segment, not in the header, as the Python `wyoming` package writes
/// it, and an empty data object or payload is left out.
pub async fn write_event<W>(writer: &mut W, event: &Event) -> Result<(), Error>
where
    W: AsyncWrite + Unpin,
{
    let mut header = Map::new();
    header.insert("type".to_owned(), Value::from(event.kind.clone()));
    header.insert("version".to_owned(), Value::from(PROTOCOL_VERSION));

    let data = if event.data.is_empty() {
        Vec::new()
    } else {
        serde_json::to_vec(&event.data).expect("a JSON map always serializes")
    };
    if !data.is_empty() {
        header.insert("data_length".to_owned(), Value::from(data.len()));
    }

    let payload = event.payload.as_deref().unwrap_or_default();
    if !payload.is_empty() {
        header.insert("payload_length".to_owned(), Value::from(payload.len()));
    }

    // serde_json escapes control characters inside strings, so the line has no raw newline.
    let mut buffer = serde_json::to_vec(&header).expect("a JSON map always serializes");
    buffer.push(b'\n');
    buffer.extend_from_slice(&data);

    writer.write_all(&buffer).await?;
    if !payload.is_empty() {
        writer.write_all(payload).await?;
    }
    writer.flush().await?;
    Ok(())
}

struct Header {
    kind: String,
    data: Map<String, Value>,
    data_length: usize,
    payload_length: usize,
}

/// Reads up to and excluding the next newline, without buffering more than
/// [`MAX_HEADER_LENGTH`] bytes. Returns `None` on end of stream before any byte.
async fn read_header_line<R>(reader: &mut R) -> Result<Option<Vec<u8>>, Error>
where
    R: AsyncBufRead + Unpin,
{
    let mut line = Vec::new();
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            if line.is_empty() {
                return Ok(None);
            }
            return Err(Error::Truncated {
                part: Part::Header,
                received: line.len(),
                expected: "a newline".to_owned(),
            });
        }

        let newline = available.iter().position(|&byte| byte == b'\n');
        let take = newline.unwrap_or(available.len());
        if line.len() + take > MAX_HEADER_LENGTH {
            return Err(Error::TooLong {
                part: Part::Header,
                length: (line.len() + take) as u64,
                max: MAX_HEADER_LENGTH,
            });
        }
        line.extend_from_slice(&available[..take]);

        match newline {
            Some(_) => {
                reader.consume(take + 1);
                return Ok(Some(line));
            }
            None => reader.consume(take),
        }
    }
}

fn parse_header(line: &[u8]) -> Result<Header, Error> {
    let invalid = |reason: String| Error::InvalidJson {
        part: Part::Header,
        reason,
    };

    let value: Value = serde_json::from_slice(line).map_err(|err| invalid(err.to_string()))?;
    let Value::Object(mut header) = value else {
        return Err(invalid(format!(
            "expected a JSON object, got {}",
            json_type_name(&value)
        )));
    };

    let kind = match header.remove("type") {
        Some(Value::String(kind)) => kind,
        Some(other) => {
            return Err(invalid(format!(
                "\"type\" must be a string, got {}",
                json_type_name(&other)
            )))
        }
        None => return Err(invalid("missing \"type\"".to_owned())),
    };

    let data = match header.remove("data") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(data)) => data,
        Some(other) => {
            return Err(invalid(format!(
                "\"data\" must be an object, got {}",
                json_type_name(&other)
            )))
        }
    };

    let data_length = parse_length(&header, "data_length", Part::Data, MAX_DATA_LENGTH)?;
    let payload_length =
        parse_length(&header, "payload_length", Part::Payload, MAX_PAYLOAD_LENGTH)?;

    Ok(Header {
        kind,
        data,
        data_length,
        payload_length,
    })
}

/// Parses an optional non-negative length field. `null` or absent means 0.
fn parse_length(
    header: &Map<String, Value>,
    key: &str,
    part: Part,
    max: usize,
) -> Result<usize, Error> {
    let value = match header.get(key) {
        None | Some(Value::Null) => return Ok(0),
        Some(value) => value,
    };
    let Some(length) = value.as_u64() else {
        return Err(Error::InvalidJson {
            part: Part::Header,
            reason: format!("{key:?} must be a non-negative integer, got {value}"),
        });
    };
    if length > max as u64 {
        return Err(Error::TooLong { part, length, max });
    }
    Ok(length as usize)
}

/// Reads exactly `length` bytes, which the caller has checked against the part's limit.
async fn read_exact_part<R>(reader: &mut R, part: Part, length: usize) -> Result<Vec<u8>, Error>
where
    R: AsyncBufRead + Unpin,
{
    let mut bytes = Vec::with_capacity(length);
    let received = (&mut *reader)
        .take(length as u64)
        .read_to_end(&mut bytes)
        .await?;
    if received < length {
        return Err(Error::Truncated {
            part,
            received,
            expected: format!("{length} bytes"),
        });
    }
    Ok(bytes)
}

pub(crate) fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
