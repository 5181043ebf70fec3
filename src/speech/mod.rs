//! Speech in and out: voice activity detection, endpointing, speech-to-text
//! and text-to-speech.

pub mod endpoint;
pub mod listener;
pub mod priority;
pub mod stt;
pub mod tts;
pub mod vad;
