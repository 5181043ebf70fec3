//! The Wyoming protocol, used by Home Assistant and Rhasspy speech services, over tokio streams.
//!
//! [`read_event`] and [`write_event`] move raw [`Event`]s. The typed events ([`Transcribe`],
//! [`AudioChunk`], [`Transcript`], ...) convert to and from them through [`TypedEvent`], and
//! [`SttClient`] runs a whole speech-to-text exchange against a server.

mod asr;
mod audio;
mod client;
mod error;
mod event;
mod info;
mod typed;
mod uri;

pub use asr::{ErrorEvent, Transcribe, Transcript};
pub use audio::{AudioChunk, AudioFormat, AudioStart, AudioStop};
pub use client::{SttClient, CHUNK_SAMPLES, DEFAULT_TIMEOUT};
pub use error::{Error, Part};
pub use event::{
    read_event, write_event, Event, MAX_DATA_LENGTH, MAX_HEADER_LENGTH, MAX_PAYLOAD_LENGTH,
    PROTOCOL_VERSION,
};
pub use info::{AsrModel, AsrProgram, Attribution, Describe, Info};
pub use typed::TypedEvent;
pub use uri::ServerUri;
