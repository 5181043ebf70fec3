//! The profile file as written, before validation. Field names here are the file's keys.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::language::Localized;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawProfile {
    pub name: String,
    pub greeting: Localized,
    #[serde(default)]
    pub farewell: Option<Localized>,
    #[serde(default)]
    pub closed_message: Option<Localized>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub directions: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub languages: Option<Vec<String>>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub opening_hours: BTreeMap<String, String>,
    #[serde(default)]
    pub closures: Vec<RawClosure>,
    #[serde(default)]
    pub services: Vec<RawService>,
    #[serde(default)]
    pub facts: Vec<String>,
    #[serde(default)]
    pub faq: Vec<RawFaq>,
    #[serde(default)]
    pub staff: Vec<RawStaff>,
    #[serde(default)]
    pub appointment_types: Vec<RawAppointmentType>,
    #[serde(default)]
    pub numbers: RawNumbers,
    #[serde(default)]
    pub answering: RawAnswering,
    #[serde(default)]
    pub recording: RawRecording,
    #[serde(default)]
    pub recap: RawRecap,
    #[serde(default)]
    pub escalation: RawEscalation,
    #[serde(default)]
    pub voices: BTreeMap<String, String>,
}

/// Dates are a TOML date (`2026-12-25`) or a string (`"2026-12-25"`), so they stay values.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawClosure {
    #[serde(default)]
    pub date: Option<toml::Value>,
    #[serde(default)]
    pub from: Option<toml::Value>,
    #[serde(default)]
    pub to: Option<toml::Value>,
    #[serde(default)]
    pub hours: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawService {
    pub name: String,
    #[serde(default)]
    pub price: Option<String>,
    #[serde(default)]
    pub duration_min: Option<i64>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFaq {
    pub question: String,
    pub answer: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStaff {
    pub name: String,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub on_call: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAppointmentType {
    pub name: String,
    pub duration_min: i64,
    #[serde(default)]
    pub buffer_min: i64,
    #[serde(default)]
    pub staff: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawNumbers {
    #[serde(default)]
    pub blocked: Vec<String>,
    #[serde(default)]
    pub vip: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAnswering {
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(default)]
    pub rings: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRecording {
    #[serde(default)]
    pub enabled: bool,
    #[serde(default)]
    pub announcement: Option<Localized>,
    #[serde(default)]
    pub audio_retention_days: Option<i64>,
    #[serde(default)]
    pub keep_transcripts: Option<bool>,
    #[serde(default)]
    pub transcript_retention_days: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRecap {
    #[serde(default)]
    pub sms: Vec<String>,
    #[serde(default)]
    pub email: Vec<String>,
    #[serde(default)]
    pub webhook: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEscalation {
    #[serde(default)]
    pub transfer_to: Option<String>,
    #[serde(default)]
    pub callback_within_min: Option<i64>,
    #[serde(default)]
    pub on_emergency: Option<bool>,
    #[serde(default)]
    pub emergency_words: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub on_request_for_person: Option<bool>,
    #[serde(default)]
    pub on_angry_caller: Option<bool>,
    #[serde(default)]
    pub on_vip: Option<bool>,
    #[serde(default)]
    pub on_keypad_zero: Option<bool>,
}
