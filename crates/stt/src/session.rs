//! One client connection: Wyoming events in, `info`, `transcript` and `error` events out.

use std::sync::Arc;

use anyhow::Context;
use tokio::io::{AsyncBufRead, AsyncWrite};
use tracing::{debug, info, warn};
use wyoming::{
    read_event, write_event, AudioChunk, AudioFormat, AudioStart, AudioStop, Describe, ErrorEvent,
    Event, Info, Transcribe, Transcript, TypedEvent,
};

use crate::engine::{Recognizer, SAMPLE_RATE};
use crate::language::Language;
use crate::pool::StatePool;

/// Max length of an audio stream, in seconds. It bounds the memory of a connection (3.8 MB of
/// samples) and the time of one request (four 30 s Whisper windows).
pub const MAX_AUDIO_SECONDS: usize = 120;

/// State shared by every connection.
pub struct Shared {
    pub recognizer: Arc<Recognizer>,
    pub pool: Arc<StatePool>,
    pub default_language: Language,
    pub info: Info,
}

enum Stream {
    /// No audio stream is open.
    Idle,
    /// Collecting the samples of an accepted stream.
    Receiving(Vec<i16>),
    /// An `error` event was sent for this stream, so its chunks are ignored until `audio-stop`.
    Rejected,
}

/// A failure reported to the client as an `error` event. The connection stays open.
struct Rejection {
    code: &'static str,
    text: String,
}

impl Rejection {
    fn new(code: &'static str, text: String) -> Self {
        Rejection { code, text }
    }
}

/// Serves one connection until the client closes it or sends bytes that are not a valid
/// event. Returns an error only for a failed read or write.
pub async fn serve<R, W>(
    shared: Arc<Shared>,
    connection_id: u64,
    mut reader: R,
    mut writer: W,
) -> anyhow::Result<()>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut session = Session {
        shared,
        connection_id,
        request: Request::Default,
        stream: Stream::Idle,
    };
    loop {
        let event = match read_event(&mut reader).await {
            Ok(Some(event)) => event,
            Ok(None) => return Ok(()),
            Err(wyoming::Error::Io(error)) => return Err(error).context("failed to read an event"),
            Err(error) => {
                // The stream may be in the middle of an event, so it cannot be resynchronized.
                warn!(connection_id, %error, "invalid event; closing the connection");
                let reply = error_event("invalid-event", format!("invalid event: {error}"));
                let _ = write_event(&mut writer, &reply).await;
                return Ok(());
            }
        };

        let reply = match session.handle(event).await {
            Ok(reply) => reply,
            Err(rejection) => {
                warn!(connection_id, code = rejection.code, "{}", rejection.text);
                Some(error_event(rejection.code, rejection.text))
            }
        };
        if let Some(reply) = reply {
            write_event(&mut writer, &reply)
                .await
                .context("failed to write a response")?;
        }
    }
}

/// The settings of the next transcription, from the last `transcribe` event.
enum Request {
    /// No `transcribe` event, or one without a language: the worker's default language.
    Default,
    Language(Language),
    /// The `transcribe` event was rejected, so the audio stream that follows is ignored.
    Rejected,
}

struct Session {
    shared: Arc<Shared>,
    connection_id: u64,
    request: Request,
    stream: Stream,
}

impl Session {
    /// Handles one event and returns the event to send back, if any.
    async fn handle(&mut self, event: Event) -> Result<Option<Event>, Rejection> {
        let parse_error =
            |error: wyoming::Error| Rejection::new("invalid-event", error.to_string());

        if event.is::<Describe>() {
            return Ok(Some(self.shared.info.to_event()));
        }
        if event.is::<Transcribe>() {
            return match parse_request(&event) {
                Ok(request) => {
                    self.request = request;
                    Ok(None)
                }
                Err(rejection) => {
                    self.request = Request::Rejected;
                    Err(rejection)
                }
            };
        }
        if event.is::<AudioStart>() {
            // Until the event is parsed and checked, the stream counts as rejected, so that an
            // invalid audio-start never leads to a transcript after its error event.
            self.stream = Stream::Rejected;
            let start = event.parse::<AudioStart>().map_err(parse_error)?;
            self.start_stream(start.format)?;
            return Ok(None);
        }
        if event.is::<AudioChunk>() {
            let chunk = match event.parse::<AudioChunk>() {
                Ok(chunk) => chunk,
                Err(error) => {
                    self.stream = Stream::Rejected;
                    return Err(parse_error(error));
                }
            };
            if matches!(self.stream, Stream::Idle) {
                // Some clients skip audio-start, and the chunk carries the format anyway.
                self.start_stream(chunk.format)?;
            }
            self.append(&chunk)?;
            return Ok(None);
        }
        if event.is::<AudioStop>() {
            let request = std::mem::replace(&mut self.request, Request::Default);
            return match std::mem::replace(&mut self.stream, Stream::Idle) {
                Stream::Receiving(samples) => {
                    let language = match request {
                        Request::Language(language) => language,
                        _ => self.shared.default_language,
                    };
                    self.transcribe(samples, language).await.map(Some)
                }
                Stream::Rejected => Ok(None),
                Stream::Idle => Err(Rejection::new(
                    "unexpected-event",
                    "audio-stop without audio-start".to_owned(),
                )),
            };
        }

        debug!(connection_id = self.connection_id, kind = %event.kind, "ignoring event");
        Ok(None)
    }

    fn start_stream(&mut self, format: AudioFormat) -> Result<(), Rejection> {
        if matches!(self.request, Request::Rejected) {
            // The client already has an error event for this request.
            self.stream = Stream::Rejected;
            return Ok(());
        }
        if let Err(rejection) = check_format(format) {
            self.stream = Stream::Rejected;
            return Err(rejection);
        }
        self.stream = Stream::Receiving(Vec::new());
        Ok(())
    }

    fn append(&mut self, chunk: &AudioChunk) -> Result<(), Rejection> {
        let Stream::Receiving(samples) = &mut self.stream else {
            return Ok(());
        };
        let checked = check_format(chunk.format).and_then(|()| {
            if chunk.audio.len() % 2 != 0 {
                return Err(Rejection::new(
                    "invalid-audio",
                    format!(
                        "audio chunk of {} bytes is not a whole number of 16-bit samples",
                        chunk.audio.len()
                    ),
                ));
            }
            let max_samples = MAX_AUDIO_SECONDS * SAMPLE_RATE;
            if samples.len() + chunk.audio.len() / 2 > max_samples {
                return Err(Rejection::new(
                    "audio-too-long",
                    format!("audio stream is longer than the max of {MAX_AUDIO_SECONDS} s"),
                ));
            }
            Ok(())
        });
        if let Err(rejection) = checked {
            self.stream = Stream::Rejected;
            return Err(rejection);
        }
        samples.extend(
            chunk
                .audio
                .chunks_exact(2)
                .map(|bytes| i16::from_le_bytes([bytes[0], bytes[1]])),
        );
        Ok(())
    }

    async fn transcribe(&self, samples: Vec<i16>, language: Language) -> Result<Event, Rejection> {
        let failed = |error: anyhow::Error| {
            Rejection::new(
                "transcription-failed",
                format!("transcription failed: {error:#}"),
            )
        };

        let mut lease = self.shared.pool.acquire().await.map_err(failed)?;
        let recognizer = Arc::clone(&self.shared.recognizer);
        let recognition = tokio::task::spawn_blocking(move || {
            let audio: Vec<f32> = samples.iter().map(|&s| f32::from(s) / 32768.0).collect();
            recognizer.transcribe(lease.state(), &audio, language)
        })
        .await
        .map_err(|error| failed(anyhow::anyhow!("the transcription task panicked: {error}")))?
        .map_err(failed)?;

        info!(
            connection_id = self.connection_id,
            audio_ms = recognition.audio_ms,
            inference_ms = recognition.inference_ms,
            language = recognition.language.unwrap_or("none"),
            confidence = recognition.confidence,
            no_speech_prob = recognition.no_speech_prob,
            chars = recognition.text.chars().count(),
            dropped_windows = recognition.dropped.len(),
            "transcribed"
        );
        for reason in &recognition.dropped {
            debug!(
                connection_id = self.connection_id,
                "dropped window {reason}"
            );
        }

        Ok(Transcript {
            text: recognition.text,
            language: recognition.language.map(str::to_owned),
            confidence: Some(recognition.confidence),
            no_speech_prob: Some(recognition.no_speech_prob),
            audio_ms: Some(recognition.audio_ms),
            inference_ms: Some(recognition.inference_ms),
        }
        .to_event())
    }
}

fn parse_request(event: &Event) -> Result<Request, Rejection> {
    let request = event
        .parse::<Transcribe>()
        .map_err(|error| Rejection::new("invalid-event", error.to_string()))?;
    let Some(code) = request.language else {
        return Ok(Request::Default);
    };
    Language::parse(&code)
        .map(Request::Language)
        .map_err(|error| Rejection::new("unsupported-language", error.to_string()))
}

fn check_format(format: AudioFormat) -> Result<(), Rejection> {
    let expected = AudioFormat::PCM16_MONO_16K;
    let problem = if format.rate != expected.rate {
        format!("sample rate {} Hz", format.rate)
    } else if format.width != expected.width {
        format!("sample width {} bytes", format.width)
    } else if format.channels != expected.channels {
        format!("{} channels", format.channels)
    } else {
        return Ok(());
    };
    Err(Rejection::new(
        "unsupported-audio-format",
        format!("unsupported audio format: {problem}; expected 16000 Hz, 2-byte (16-bit) samples, 1 channel"),
    ))
}

fn error_event(code: &str, text: String) -> Event {
    ErrorEvent {
        text,
        code: Some(code.to_owned()),
    }
    .to_event()
}
