//! Service discovery: `describe` and `info`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Error;
use crate::event::Event;
use crate::typed::{Fields, TypedEvent};

/// A request for the server's [`Info`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Describe;

impl TypedEvent for Describe {
    const KIND: &'static str = "describe";

    fn to_event(&self) -> Event {
        Event::new(Self::KIND)
    }

    fn from_event(event: &Event) -> Result<Self, Error> {
        Fields::of(event, Self::KIND)?;
        Ok(Describe)
    }
}

/// The services a server offers. Only speech-to-text programs are modelled, and a parsed `info`
/// drops the other lists (`tts`, `wake`, ...).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Info {
    #[serde(default)]
    pub asr: Vec<AsrProgram>,
}

impl TypedEvent for Info {
    const KIND: &'static str = "info";

    fn to_event(&self) -> Event {
        let Ok(Value::Object(data)) = serde_json::to_value(self) else {
            unreachable!("Info serializes to a JSON object");
        };
        Event {
            kind: Self::KIND.to_owned(),
            data,
            payload: None,
        }
    }

    fn from_event(event: &Event) -> Result<Self, Error> {
        Fields::of(event, Self::KIND)?.deserialize()
    }
}

/// The author and source of a program or model.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribution {
    pub name: String,
    pub url: String,
}

/// A speech-to-text program. The field names and defaults follow `wyoming.info.AsrProgram`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AsrProgram {
    pub name: String,
    pub description: Option<String>,
    pub version: Option<String>,
    pub attribution: Attribution,
    pub installed: bool,
    pub models: Vec<AsrModel>,
    #[serde(default)]
    pub supports_transcript_streaming: bool,
    /// True when the client must detect the end of speech and send `audio-stop` itself.
    #[serde(default = "default_true")]
    pub requires_external_vad: bool,
}

/// A speech-to-text model of an [`AsrProgram`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsrModel {
    pub name: String,
    pub description: Option<String>,
    pub version: Option<String>,
    pub attribution: Attribution,
    pub installed: bool,
    /// ISO 639-1 codes such as `"en"`.
    pub languages: Vec<String>,
}

fn default_true() -> bool {
    true
}
