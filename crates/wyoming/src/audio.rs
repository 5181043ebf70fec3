//! `audio-start`, `audio-chunk` and `audio-stop`.

use crate::error::Error;
use crate::event::Event;
use crate::typed::{insert_some, Fields, TypedEvent};

/// The PCM format of an audio stream. Samples are little-endian signed integers, interleaved
/// when there is more than one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AudioFormat {
    /// Sample rate in Hz.
    pub rate: u32,
    /// Bytes per sample.
    pub width: u32,
    pub channels: u32,
}

impl AudioFormat {
    /// 16 kHz, 16-bit, mono: the format Whisper expects.
    pub const PCM16_MONO_16K: AudioFormat = AudioFormat {
        rate: 16_000,
        width: 2,
        channels: 1,
    };

    fn insert_into(&self, event: &mut Event) {
        event.data.insert("rate".to_owned(), self.rate.into());
        event.data.insert("width".to_owned(), self.width.into());
        event
            .data
            .insert("channels".to_owned(), self.channels.into());
    }

    fn parse(fields: &Fields) -> Result<Self, Error> {
        Ok(AudioFormat {
            rate: fields.required_u32("rate")?,
            width: fields.required_u32("width")?,
            channels: fields.required_u32("channels")?,
        })
    }
}

impl std::fmt::Display for AudioFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} Hz, {}-bit, {} channel(s)",
            self.rate,
            self.width * 8,
            self.channels
        )
    }
}

/// The start of an audio stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioStart {
    pub format: AudioFormat,
    /// Milliseconds since an origin the sender chooses.
    pub timestamp: Option<u64>,
}

impl TypedEvent for AudioStart {
    const KIND: &'static str = "audio-start";

    fn to_event(&self) -> Event {
        let mut event = Event::new(Self::KIND);
        self.format.insert_into(&mut event);
        insert_some(&mut event, "timestamp", self.timestamp);
        event
    }

    fn from_event(event: &Event) -> Result<Self, Error> {
        let fields = Fields::of(event, Self::KIND)?;
        Ok(AudioStart {
            format: AudioFormat::parse(&fields)?,
            timestamp: fields.optional_u64("timestamp")?,
        })
    }
}

/// A block of PCM audio in the payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioChunk {
    pub format: AudioFormat,
    /// Raw PCM bytes.
    pub audio: Vec<u8>,
    /// Milliseconds since an origin the sender chooses.
    pub timestamp: Option<u64>,
}

impl AudioChunk {
    /// Creates a 16 kHz 16-bit mono chunk from samples.
    pub fn from_pcm16(samples: &[i16], timestamp: Option<u64>) -> Self {
        let audio = samples
            .iter()
            .flat_map(|sample| sample.to_le_bytes())
            .collect();
        AudioChunk {
            format: AudioFormat::PCM16_MONO_16K,
            audio,
            timestamp,
        }
    }
}

impl TypedEvent for AudioChunk {
    const KIND: &'static str = "audio-chunk";

    fn to_event(&self) -> Event {
        let mut event = Event::new(Self::KIND);
        self.format.insert_into(&mut event);
        insert_some(&mut event, "timestamp", self.timestamp);
        if !self.audio.is_empty() {
            event.payload = Some(self.audio.clone());
        }
        event
    }

    fn from_event(event: &Event) -> Result<Self, Error> {
        let fields = Fields::of(event, Self::KIND)?;
        Ok(AudioChunk {
            format: AudioFormat::parse(&fields)?,
            audio: event.payload.clone().unwrap_or_default(),
            timestamp: fields.optional_u64("timestamp")?,
        })
    }
}

/// The end of an audio stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AudioStop {
    /// Milliseconds since an origin the sender chooses.
    pub timestamp: Option<u64>,
}

impl TypedEvent for AudioStop {
    const KIND: &'static str = "audio-stop";

    fn to_event(&self) -> Event {
        let mut event = Event::new(Self::KIND);
        insert_some(&mut event, "timestamp", self.timestamp);
        event
    }

    fn from_event(event: &Event) -> Result<Self, Error> {
        let fields = Fields::of(event, Self::KIND)?;
        Ok(AudioStop {
            timestamp: fields.optional_u64("timestamp")?,
        })
    }
}
