//! Validation of call handling: numbers, answering, recording, recaps, escalation, voices.

use std::collections::BTreeMap;

use super::{email_address, localized, number_in, phone_number, web_address};
use crate::error::{quoted, Problems};
use crate::language::{supported_codes, Language};
use crate::raw::{RawAnswering, RawEscalation, RawNumbers, RawRecap, RawRecording};
use crate::settings::{
    default_announcement, default_emergency_words, default_voice, Answering, AnsweringMode,
    Escalation, Numbers, Recap, Recording, Voice,
};

/// Maximum retention, in days: ten years.
const MAX_RETENTION_DAYS: u32 = 3650;
/// Maximum promised callback delay, in minutes: one week.
const MAX_CALLBACK_MIN: u32 = 10_080;
/// Maximum rings before the box picks up, a bound that catches typing mistakes.
const MAX_RINGS: u32 = 20;

/// The validated call-handling sections.
pub(super) struct Calls {
    pub numbers: Numbers,
    pub answering: Answering,
    pub recording: Recording,
    pub recap: Recap,
    pub escalation: Escalation,
    pub voices: BTreeMap<Language, Voice>,
}

#[allow(clippy::too_many_arguments)]
pub(super) fn build(
    problems: &mut Problems,
    languages: &[Language],
    numbers: RawNumbers,
    answering: RawAnswering,
    recording: RawRecording,
    recap: RawRecap,
    escalation: RawEscalation,
    voices: BTreeMap<String, String>,
) -> Calls {
    phone_list(problems, "numbers.blocked", &numbers.blocked);
    phone_list(problems, "numbers.vip", &numbers.vip);
    phone_list(problems, "recap.sms", &recap.sms);
    for (index, address) in recap.email.iter().enumerate() {
        email_address(problems, &format!("recap.email[{index}]"), address);
    }
    for (index, address) in recap.webhook.iter().enumerate() {
        web_address(problems, &format!("recap.webhook[{index}]"), address);
    }
    Calls {
        numbers: Numbers {
            blocked: trimmed(numbers.blocked),
            vip: trimmed(numbers.vip),
        },
        answering: answering_section(problems, answering),
        recording: recording_section(problems, recording, languages),
        recap: Recap {
            sms: trimmed(recap.sms),
            email: trimmed(recap.email),
            webhook: trimmed(recap.webhook),
        },
        escalation: escalation_section(problems, escalation),
        voices: voice_table(problems, voices),
    }
}

fn phone_list(problems: &mut Problems, field: &str, numbers: &[String]) {
    for (index, number) in numbers.iter().enumerate() {
        phone_number(problems, &format!("{field}[{index}]"), number);
    }
}

fn trimmed(list: Vec<String>) -> Vec<String> {
    list.into_iter()
        .map(|item| item.trim().to_string())
        .collect()
}

fn answering_section(problems: &mut Problems, raw: RawAnswering) -> Answering {
    let mut answering = Answering::default();
    if let Some(mode) = &raw.mode {
        match AnsweringMode::NAMES.iter().find(|(name, _)| name == mode) {
            Some((_, parsed)) => answering.mode = *parsed,
            None => {
                let names: Vec<&str> = AnsweringMode::NAMES.iter().map(|(name, _)| *name).collect();
                problems.add(
                    "answering.mode",
                    quoted(mode),
                    "unknown answering mode",
                    format!("use one of {}", names.join(", ")),
                );
            }
        }
    }
    if let Some(rings) = raw.rings {
        answering.rings = number_in(
            problems,
            "answering.rings",
            rings,
            1..=MAX_RINGS,
            "write a number of rings from 1 to 20, or use mode = \"always\" to answer at once",
        );
    }
    answering
}

fn recording_section(
    problems: &mut Problems,
    raw: RawRecording,
    languages: &[Language],
) -> Recording {
    let announcement = match raw.announcement {
        Some(mut announcement) => {
            localized(
                problems,
                "recording.announcement",
                &mut announcement,
                languages,
            );
            announcement
        }
        None => {
            // The built-in announcement has a text in every language, so it needs no check.
            let mut announcement = default_announcement();
            announcement.set_default(languages.first().copied().unwrap_or(Language::En));
            announcement
        }
    };
    let retention = |problems: &mut Problems, field: &str, days: Option<i64>, default: u32| {
        days.map_or(default, |days| {
            number_in(
                problems,
                field,
                days,
                0..=MAX_RETENTION_DAYS,
                "write a number of days from 0 (delete when the call ends) to 3650",
            )
        })
    };
    Recording {
        enabled: raw.enabled,
        announcement,
        audio_retention_days: retention(
            problems,
            "recording.audio_retention_days",
            raw.audio_retention_days,
            30,
        ),
        keep_transcripts: raw.keep_transcripts.unwrap_or(true),
        transcript_retention_days: retention(
            problems,
            "recording.transcript_retention_days",
            raw.transcript_retention_days,
            90,
        ),
    }
}

fn escalation_section(problems: &mut Problems, raw: RawEscalation) -> Escalation {
    if let Some(number) = &raw.transfer_to {
        phone_number(problems, "escalation.transfer_to", number);
    }
    let callback_within_min = raw.callback_within_min.map_or(30, |minutes| {
        number_in(
            problems,
            "escalation.callback_within_min",
            minutes,
            1..=MAX_CALLBACK_MIN,
            "write the minutes within which someone calls back, from 1 to 10080 (one week)",
        )
    });
    let mut emergency_words: BTreeMap<Language, Vec<String>> = Language::ALL
        .into_iter()
        .map(|language| (language, default_emergency_words(language)))
        .collect();
    for (code, words) in raw.emergency_words {
        let field = format!("escalation.emergency_words.{code}");
        let Some(language) = Language::from_code(&code) else {
            problems.add(
                field,
                Some(format!("{words:?}")),
                format!("`{code}` is not a language code"),
                format!("use {}", supported_codes()),
            );
            continue;
        };
        for (index, word) in words.iter().enumerate() {
            if word.trim().is_empty() {
                problems.add(
                    format!("{field}[{index}]"),
                    quoted(word),
                    "the word is empty",
                    "write a word or phrase callers say in an emergency, or remove the entry",
                );
            }
        }
        emergency_words.insert(
            language,
            words
                .iter()
                .map(|word| word.trim().to_lowercase())
                .collect(),
        );
    }
    Escalation {
        transfer_to: raw.transfer_to.map(|number| number.trim().to_string()),
        callback_within_min,
        on_emergency: raw.on_emergency.unwrap_or(true),
        emergency_words,
        on_request_for_person: raw.on_request_for_person.unwrap_or(true),
        on_angry_caller: raw.on_angry_caller.unwrap_or(true),
        on_vip: raw.on_vip.unwrap_or(true),
        on_keypad_zero: raw.on_keypad_zero.unwrap_or(true),
    }
}

fn voice_table(
    problems: &mut Problems,
    raw: BTreeMap<String, String>,
) -> BTreeMap<Language, Voice> {
    let mut voices: BTreeMap<Language, Voice> = Language::ALL
        .into_iter()
        .map(|language| (language, default_voice(language)))
        .collect();
    for (code, text) in raw {
        let field = format!("voices.{code}");
        let Some(language) = Language::from_code(&code) else {
            problems.add(
                field,
                quoted(&text),
                format!("`{code}` is not a language code"),
                format!("use {}", supported_codes()),
            );
            continue;
        };
        match parse_voice(&text, language) {
            Ok(voice) => {
                voices.insert(language, voice);
            }
            Err((problem, fix)) => problems.add(field, quoted(&text), problem, fix),
        }
    }
    voices
}

/// Parses `"pico"` or `"piper:NAME"`, checking that a Piper voice speaks `language`.
fn parse_voice(text: &str, language: Language) -> Result<Voice, (String, String)> {
    let text = text.trim();
    if text == "pico" {
        return Ok(Voice::Pico);
    }
    let example = format!("\"pico\" or \"piper:{}\"", example_piper_voice(language));
    let Some(name) = text.strip_prefix("piper:") else {
        return Err(("unknown voice".to_string(), format!("write {example}")));
    };
    let valid_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !valid_name {
        return Err((
            format!("`{name}` is not a Piper voice name"),
            format!("write the voice's file name without .onnx, such as {example}"),
        ));
    }
    let voice_language = name.split('_').next().unwrap_or("");
    if !voice_language.eq_ignore_ascii_case(language.code()) {
        return Err((
            format!("`{name}` is not a {} voice", language.english_name()),
            format!(
                "use a voice whose name starts with {}_, such as {example}",
                language.code()
            ),
        ));
    }
    Ok(Voice::Piper(name.to_string()))
}

fn example_piper_voice(language: Language) -> &'static str {
    match language {
        Language::En => "en_US-joe-medium",
        Language::Fr => "fr_FR-siwis-medium",
        Language::De => "de_DE-thorsten-medium",
        Language::Es => "es_ES-davefx-medium",
        Language::It => "it_IT-riccardo-x_low",
    }
}
