//! Speech-to-text: `transcribe` and `transcript`.

use crate::error::Error;
use crate::event::Event;
use crate::typed::{insert_some, Fields, TypedEvent};

/// A request to transcribe the audio stream that follows (`audio-start`, `audio-chunk`...,
/// `audio-stop`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transcribe {
    /// The model to use, from the server's `info`. `None` selects the server's default.
    pub name: Option<String>,
    /// The spoken language as an ISO 639-1 code such as `"fr"`. `None` lets the server choose.
    pub language: Option<String>,
}

impl TypedEvent for Transcribe {
    const KIND: &'static str = "transcribe";

    fn to_event(&self) -> Event {
        let mut event = Event::new(Self::KIND);
        insert_some(&mut event, "name", self.name.clone());
        insert_some(&mut event, "language", self.language.clone());
        event
    }

    fn from_event(event: &Event) -> Result<Self, Error> {
        let fields = Fields::of(event, Self::KIND)?;
        Ok(Transcribe {
            name: fields.optional_str("name")?,
            language: fields.optional_str("language")?,
        })
    }
}

/// The text of a transcribed audio stream.
///
/// `text` and `language` are standard Wyoming fields. The other fields are extensions of this
/// project. Wyoming clients ignore data fields they do not know, so other clients still read
/// `text` and `language`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Transcript {
    /// The recognized text, empty when no speech was recognized.
    pub text: String,
    /// The language of the text as an ISO 639-1 code, detected or as requested.
    pub language: Option<String>,
    /// Mean probability of the text tokens, from 0 to 1.
    pub confidence: Option<f32>,
    /// The model's probability that the audio contains no speech, from 0 to 1.
    pub no_speech_prob: Option<f32>,
    /// Duration of the audio in milliseconds.
    pub audio_ms: Option<u64>,
    /// Time the server spent on recognition, in milliseconds.
    pub inference_ms: Option<u64>,
}

impl TypedEvent for Transcript {
    const KIND: &'static str = "transcript";

    fn to_event(&self) -> Event {
        let mut event = Event::new(Self::KIND).with("text", self.text.clone());
        insert_some(&mut event, "language", self.language.clone());
        insert_some(
            &mut event,
            "confidence",
            self.confidence.map(round_probability),
        );
        insert_some(
            &mut event,
            "no_speech_prob",
            self.no_speech_prob.map(round_probability),
        );
        insert_some(&mut event, "audio_ms", self.audio_ms);
        insert_some(&mut event, "inference_ms", self.inference_ms);
        event
    }

    fn from_event(event: &Event) -> Result<Self, Error> {
        let fields = Fields::of(event, Self::KIND)?;
        Ok(Transcript {
            text: fields.required_str("text")?,
            language: fields.optional_str("language")?,
            confidence: fields.optional_f32("confidence")?,
            no_speech_prob: fields.optional_f32("no_speech_prob")?,
            audio_ms: fields.optional_u64("audio_ms")?,
            inference_ms: fields.optional_u64("inference_ms")?,
        })
    }
}

/// Rounds to 4 decimals, so that an `f32` such as 0.9 is not written as 0.8999999761581421.
fn round_probability(probability: f32) -> f64 {
    (f64::from(probability) * 1e4).round() / 1e4
}

/// A failure report that either side may send in place of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorEvent {
    /// A message for people.
    pub text: String,
    /// A short code for programs, such as `"unsupported-audio-format"`.
    pub code: Option<String>,
}

impl TypedEvent for ErrorEvent {
    const KIND: &'static str = "error";

    fn to_event(&self) -> Event {
        let mut event = Event::new(Self::KIND).with("text", self.text.clone());
        insert_some(&mut event, "code", self.code.clone());
        event
    }

    fn from_event(event: &Event) -> Result<Self, Error> {
        let fields = Fields::of(event, Self::KIND)?;
        Ok(ErrorEvent {
            text: fields.required_str("text")?,
            code: fields.optional_str("code")?,
        })
    }
}
