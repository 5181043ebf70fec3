//! How the box handles calls: when it answers, recording, recaps, escalation and voices.

use std::collections::BTreeMap;
use std::fmt;

use crate::language::{Language, Localized};

/// Caller numbers with special handling, as written in the profile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Numbers {
    /// Callers the box hangs up on.
    pub blocked: Vec<String>,
    /// Callers escalated at once when [`Escalation::on_vip`] is set.
    pub vip: Vec<String>,
}

/// When the box picks up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnsweringMode {
    /// Every call, on the first ring.
    Always,
    /// After [`Answering::rings`] rings, when nobody else has picked up.
    AfterRings,
    /// Only when the business is closed.
    OutsideHours,
    /// Only calls that the phone system forwards because the business line is busy.
    WhenBusy,
}

impl AnsweringMode {
    /// Every mode with its name in the profile.
    pub const NAMES: [(&'static str, AnsweringMode); 4] = [
        ("always", AnsweringMode::Always),
        ("after_rings", AnsweringMode::AfterRings),
        ("outside_hours", AnsweringMode::OutsideHours),
        ("when_busy", AnsweringMode::WhenBusy),
    ];
}

/// The `[answering]` section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answering {
    pub mode: AnsweringMode,
    /// Rings before the box answers in [`AnsweringMode::AfterRings`], 1 to 20.
    pub rings: u32,
}

impl Default for Answering {
    fn default() -> Answering {
        Answering {
            mode: AnsweringMode::Always,
            rings: 2,
        }
    }
}

/// The `[recording]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recording {
    /// Whether call audio is kept.
    pub enabled: bool,
    /// Told to callers before anything is recorded.
    pub announcement: Localized,
    /// Days before call audio is deleted; 0 deletes it when the call ends.
    pub audio_retention_days: u32,
    /// Whether transcripts are kept after the recap is sent.
    pub keep_transcripts: bool,
    /// Days before transcripts are deleted.
    pub transcript_retention_days: u32,
}

/// The `[recap]` section: who receives a summary after each call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recap {
    /// Phone numbers that receive a text message.
    pub sms: Vec<String>,
    /// E-mail addresses.
    pub email: Vec<String>,
    /// Web addresses that receive a JSON POST.
    pub webhook: Vec<String>,
}

/// The `[escalation]` section: when and how a call goes to a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    /// Number that escalated calls are transferred to; without one the box takes an urgent
    /// message and promises a callback.
    pub transfer_to: Option<String>,
    /// Minutes within which the business promises to call back, at least 1.
    pub callback_within_min: u32,
    /// Escalate when the caller uses an emergency word.
    pub on_emergency: bool,
    /// Emergency words by language, lowercase; every supported language has a list.
    pub emergency_words: BTreeMap<Language, Vec<String>>,
    /// Escalate when the caller asks for a person.
    pub on_request_for_person: bool,
    /// Escalate when the caller sounds angry.
    pub on_angry_caller: bool,
    /// Escalate calls from VIP numbers at once.
    pub on_vip: bool,
    /// Escalate when the caller presses 0.
    pub on_keypad_zero: bool,
}

/// A text-to-speech voice.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Voice {
    /// The small built-in Pico voice of the language.
    Pico,
    /// A Piper voice, by model name such as `en_US-joe-medium` (file `<name>.onnx`).
    Piper(String),
}

impl fmt::Display for Voice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Voice::Pico => f.write_str("pico"),
            Voice::Piper(name) => write!(f, "piper:{name}"),
        }
    }
}

/// Piper voice shipped in the models folder, used for English unless `[voices]` names another.
pub const DEFAULT_ENGLISH_VOICE: &str = "en_US-joe-medium";

/// Returns the voice a language gets when `[voices]` does not name one.
pub fn default_voice(language: Language) -> Voice {
    match language {
        Language::En => Voice::Piper(DEFAULT_ENGLISH_VOICE.to_string()),
        _ => Voice::Pico,
    }
}

/// Words that make a call an emergency when `[escalation] emergency_words` has no list for
/// the language. Matched as whole words after folding case and accents.
pub fn default_emergency_words(language: Language) -> Vec<String> {
    let words: &[&str] = match language {
        Language::En => &[
            "emergency",
            "urgent",
            "bleeding",
            "severe pain",
            "accident",
            "swelling",
        ],
        Language::Fr => &[
            "urgence",
            "urgent",
            "saigne",
            "saignement",
            "douleur",
            "accident",
        ],
        Language::De => &["notfall", "dringend", "blutung", "schmerzen", "unfall"],
        Language::Es => &[
            "emergencia",
            "urgencia",
            "urgente",
            "sangrado",
            "dolor",
            "accidente",
        ],
        Language::It => &[
            "emergenza",
            "urgenza",
            "urgente",
            "sanguinamento",
            "dolore",
            "incidente",
        ],
    };
    words.iter().map(|word| word.to_string()).collect()
}

/// Returns the recording announcement used when the profile sets none.
pub fn default_announcement() -> Localized {
    Localized::per_language(
        &[
            (
                Language::En,
                "This call is recorded so that we can handle your request.",
            ),
            (
                Language::Fr,
                "Cet appel est enregistré pour le traitement de votre demande.",
            ),
            (
                Language::De,
                "Dieser Anruf wird aufgezeichnet, um Ihr Anliegen zu bearbeiten.",
            ),
            (
                Language::Es,
                "Esta llamada se graba para gestionar su solicitud.",
            ),
            (
                Language::It,
                "Questa chiamata viene registrata per gestire la sua richiesta.",
            ),
        ],
        Language::En,
    )
}

/// Returns the farewell used when the profile sets none.
pub fn default_farewell() -> Localized {
    Localized::per_language(
        &[
            (Language::En, "Thank you for calling. Goodbye."),
            (Language::Fr, "Merci de votre appel. Au revoir."),
            (Language::De, "Danke für Ihren Anruf. Auf Wiederhören."),
            (Language::Es, "Gracias por su llamada. Adiós."),
            (Language::It, "Grazie per la chiamata. Arrivederci."),
        ],
        Language::En,
    )
}
