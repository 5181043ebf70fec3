//! Fixed phrases the box says, and recognising a caller's goodbye.

use crate::agent::dialogue::words::{self, Tongue};
use crate::profile::{BusinessProfile, Language};

/// Returns the greeting, followed by the recording announcement when calls are recorded.
pub fn opening(profile: &BusinessProfile, language: Language) -> String {
    let greeting = profile.greeting.get(language).trim().to_string();
    if !profile.recording.enabled {
        return greeting;
    }
    let announcement = profile.recording.announcement.get(language).trim();
    if announcement.is_empty() {
        greeting
    } else {
        format!("{greeting} {announcement}")
    }
}

/// Said when speech-to-text failed on the caller's last utterance.
pub fn say_again(language: Language) -> String {
    words::pardon(Tongue::of(language))
}

/// Said once after a long silence from the caller.
pub fn still_there(language: Language) -> String {
    words::still_there(Tongue::of(language))
}

/// Returns the phrases to synthesise ahead of the first call, in each of
/// the profile's languages.
pub fn fixed_phrases(profile: &BusinessProfile) -> Vec<(Language, String)> {
    let mut phrases = vec![(profile.default_language(), opening(profile, profile.default_language()))];
    for &language in &profile.languages {
        phrases.push((language, profile.farewell.get(language).to_string()));
        phrases.push((language, say_again(language)));
        phrases.push((language, still_there(language)));
    }
    phrases
}

/// Phrases that end a call when they are most of what the caller said.
const GOODBYES: &[&str] = &[
    "goodbye", "good bye", "bye", "bye bye", "thank you goodbye", "thanks bye", "thank you bye",
    "that's all", "that is all", "au revoir", "merci au revoir", "bonne journée", "adieu",
    "auf wiedersehen", "tschüss", "adiós", "adios", "hasta luego", "arrivederci",
];

/// Whether an utterance is the caller taking leave ("Thank you, goodbye.").
pub fn is_goodbye(text: &str) -> bool {
    let normalised: String = text
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '\'' || c == ' ' { c } else { ' ' })
        .collect();
    let words: Vec<&str> = normalised.split_whitespace().collect();
    if words.is_empty() || words.len() > 8 {
        return false;
    }
    let mut joined = words.join(" ");
    // "Goodbye, thank you" ends with courtesy words, not with the goodbye.
    for courtesy in [" thank you", " thanks", " merci", " danke", " gracias"] {
        if let Some(rest) = joined.strip_suffix(courtesy) {
            joined = rest.to_string();
        }
    }
    GOODBYES
        .iter()
        .any(|goodbye| joined == *goodbye || joined.ends_with(&format!(" {goodbye}")))
}

/// Utterances that are not a turn: hesitations and back-channel noises.
pub fn is_filler(text: &str) -> bool {
    let words: Vec<String> = text
        .to_lowercase()
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    // Any run of m and h ("M", "mhm", "hmmm") is a hum, however Whisper spells it.
    let hum = |w: &str| w.chars().all(|c| matches!(c, 'm' | 'h'));
    !words.is_empty()
        && words.iter().all(|w| {
            hum(w) || matches!(w.as_str(), "uh" | "huh" | "um" | "umm" | "er" | "erm" | "ah" | "euh" | "bah" | "oh")
        })
}

/// Spoken digits: a transcript ending in one may be a phone number still being read out.
const NUMBER_WORDS: &[&str] = &[
    "zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "zéro", "un", "deux", "trois", "quatre", "cinq", "sept", "huit", "neuf",
];

/// Whether a transcript reads as a finished turn that can be answered at the
/// short pause. A trailing digit, a comma, an ellipsis, a linking word or a
/// verb that wants an object ("I would like to know.") suggests the caller is
/// mid-number or mid-sentence, so the box waits for the long pause. The cost
/// of a wrong guess is only that wait ("I don't know." is answered a second later).
pub fn looks_complete(text: &str) -> bool {
    let trimmed = text.trim();
    let Some(last) = trimmed.chars().last() else {
        return false;
    };
    if !matches!(last, '.' | '?' | '!') || trimmed.ends_with("...") {
        return false;
    }
    let body = trimmed.trim_end_matches(['.', '?', '!', ' ']);
    if body.chars().last().is_some_and(|c| c.is_ascii_digit()) {
        return false;
    }
    let last_word = body
        .rsplit(|c: char| !c.is_alphanumeric() && c != '\'')
        .next()
        .unwrap_or("")
        .to_lowercase();
    !matches!(
        last_word.as_str(),
        "and" | "or" | "but" | "is" | "my" | "the" | "a" | "to" | "because" | "that" | "if" | "when" | "with"
            | "for" | "about" | "know" | "ask" | "like" | "et" | "ou" | "mais" | "est" | "mon" | "le" | "la"
            | "de" | "parce" | "que" | "pour" | "savoir"
    ) && !NUMBER_WORDS.contains(&last_word.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goodbyes_are_recognised() {
        for text in ["Goodbye.", "Goodbye, thank you.", "Thank you, goodbye!", "OK, bye.", "Merci, au revoir.", "That's all, thanks bye", "Auf Wiedersehen."] {
            assert!(is_goodbye(text), "{text}");
        }
    }

    #[test]
    fn questions_mentioning_goodbye_are_not() {
        for text in ["What time do you close before I say goodbye to my weekend?", "Bye the way, what are your hours?", ""] {
            assert!(!is_goodbye(text), "{text}");
        }
    }

    #[test]
    fn fillers_are_not_turns() {
        for text in ["Mm.", "M", "Mhm.", "Hmmm...", "Uh, um.", "Uh-huh.", "Euh"] {
            assert!(is_filler(text), "{text}");
        }
        for text in ["Hmm, what are your hours?", "Yes.", "Hi.", "Ma'am?", ""] {
            assert!(!is_filler(text), "{text}");
        }
    }

    #[test]
    fn completeness_waits_for_numbers_and_open_clauses() {
        for text in ["What are your opening hours?", "I'd like an appointment.", "Thanks!"] {
            assert!(looks_complete(text), "{text}");
        }
        for text in [
            "My number is 06 12.",
            "My number is",
            "I would like to book and",
            "Well, the",
            "It's zero six, one two, three.",
            "Hello, I would like to know.",
            "So I was wondering...",
            "",
        ] {
            assert!(!looks_complete(text), "{text}");
        }
    }
}
