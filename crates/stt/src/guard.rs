//! The hallucination guard: Whisper invents text on silence and noise ("you", "1.5kg 1kg",
//! "I'm going to do the same."), and these rules drop it.
//!
//! The thresholds come from runs of base q5_1 (whisper.cpp 1.8.3) with the guard disabled.
//! The speech was the Asterisk en_US and fr_CA prompts of the accuracy tests, phone numbers
//! read digit by digit with 0.3 to 1.5 s pauses, and the pyannote phone call. The non-speech
//! was digital silence, line hiss from -60 to -25 dBFS, 350+440 Hz, 440 Hz and 480+620 Hz
//! tones, and mains hum. `no_speech_prob` is the probability of the no-speech token after
//! the start-of-transcript token, per 30 s window.

/// A window is dropped when the no-speech probability is above this value. Speech measured
/// at most 0.87 (French digits with 1.5 s pauses, 20 s in all), and single prompts without
/// pauses at most 0.63. Non-speech that produced text measured at least 0.94 (digital
/// silence, "you"), and hiss that produced "I'm going to do the same." at least 0.98.
pub const NO_SPEECH_THRESHOLD: f32 = 0.9;

/// A window is dropped when the mean probability of its text tokens is below this value.
/// Correctly recognized words measured as low as 0.157 ("hier", alone in a 0.8 s prompt),
/// while hallucinations on hiss measured 0.77 to 0.87, so confidence cannot separate
/// hallucinations from speech. This only drops near-random output, such as "ou" at 0.07 for
/// the French "juillet".
pub const MIN_CONFIDENCE: f32 = 0.1;

/// Returns why a window's text is a likely hallucination, or `None` to keep it.
pub fn reject_reason(no_speech_prob: f32, confidence: f32) -> Option<String> {
    if no_speech_prob > NO_SPEECH_THRESHOLD {
        return Some(format!(
            "no-speech probability {no_speech_prob:.3} > {NO_SPEECH_THRESHOLD}"
        ));
    }
    if confidence < MIN_CONFIDENCE {
        return Some(format!(
            "mean token probability {confidence:.3} < {MIN_CONFIDENCE}"
        ));
    }
    None
}

/// Returns true when `text` contains a letter or digit. Whisper sometimes outputs only
/// punctuation ("...") for silence.
pub fn has_words(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

/// Drops each phrase that repeats the phrase before it, compared without case or punctuation.
///
/// Phrases are the text between timestamp tokens. When the audio has silence after the speech,
/// Whisper often transcribes the speech again as a second phrase ("lundi" then "lundi" for one
/// "lundi" followed by 1 s of silence). A caller who repeats a phrase loses the repetition,
/// which changes no meaning for a receptionist. Digits spoken in a row ("5 5 5") are one
/// phrase and are kept.
pub fn drop_repeated_phrases(phrases: &[String]) -> Vec<&str> {
    let mut distinct: Vec<&str> = Vec::new();
    for phrase in phrases {
        let repeated = distinct
            .last()
            .is_some_and(|previous| comparison_key(previous) == comparison_key(phrase));
        if !repeated {
            distinct.push(phrase);
        }
    }
    distinct
}

fn comparison_key(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Keeps the first cycle of a phrase that repeats until the end of `text`, such as
/// "Sunday Sunday Sunday Sun" or "Thank you. Thank you. Thank". Words are compared without
/// case or punctuation. Text without such a repetition is returned unchanged.
///
/// Apply it only to output that hit the token limit: a caller who says "no, no, no" ends with
/// an end-of-text token, and that text must stay as it is.
pub fn collapse_repetition(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let keys: Vec<String> = words.iter().map(|word| comparison_key(word)).collect();

    // The earliest start, then the shortest period, with at least two cycles after the start.
    for start in 0..keys.len() {
        let rest = &keys[start..];
        let Some((last, whole)) = rest.split_last() else {
            continue;
        };
        for period in 1..=rest.len() / 2 {
            let periodic = whole
                .iter()
                .enumerate()
                .all(|(index, key)| *key == rest[index % period]);
            // The token limit may cut the last word, so it only needs to be a prefix.
            let last_fits = rest[(rest.len() - 1) % period].starts_with(last.as_str());
            if periodic && last_fits {
                return words[..start + period].join(" ");
            }
        }
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reject_reason_checks_both_thresholds() {
        assert!(reject_reason(0.01, 0.95).is_none());
        assert!(reject_reason(NO_SPEECH_THRESHOLD, MIN_CONFIDENCE).is_none());

        let reason = reject_reason(0.95, 0.95).unwrap();
        assert!(
            reason.contains("no-speech probability 0.950 > 0.9"),
            "{reason}"
        );
        let reason = reject_reason(0.1, 0.05).unwrap();
        assert!(
            reason.contains("mean token probability 0.050 < 0.1"),
            "{reason}"
        );
    }

    #[test]
    fn has_words_ignores_punctuation() {
        assert!(!has_words("..."));
        assert!(!has_words(" - ! "));
        assert!(has_words("5"));
        assert!(has_words("été"));
    }

    #[test]
    fn drop_repeated_phrases_keeps_distinct_phrases() {
        let phrases = |list: &[&str]| list.iter().map(|p| p.to_string()).collect::<Vec<_>>();
        let cases: [(&[&str], &[&str]); 4] = [
            (&["lundi", "Lundi."], &["lundi"]),
            (&["Jeudi", "Jeudi", "Jeudi"], &["Jeudi"]),
            (
                &["Hello?", "Hello?", "Oh, hello."],
                &["Hello?", "Oh, hello."],
            ),
            (
                &["5, 5, 5", "1, 2", "5, 5, 5"],
                &["5, 5, 5", "1, 2", "5, 5, 5"],
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                drop_repeated_phrases(&phrases(input)),
                expected,
                "{input:?}"
            );
        }
    }

    #[test]
    fn collapse_repetition_keeps_first_cycle() {
        let cases = [
            ("Sunday Sunday Sunday Sun", "Sunday"),
            ("Thank you. Thank you. Thank you. Thank", "Thank you."),
            ("June, June, June,", "June,"),
            ("1.5kg 1kg 1kg 1kg 1kg", "1.5kg 1kg"),
            (
                "Hello. I'm going to do the same. I'm going to do the same. I'm going",
                "Hello. I'm going to do the same.",
            ),
            ("Please hold while I try", "Please hold while I try"),
            ("five", "five"),
            ("", ""),
        ];
        for (text, expected) in cases {
            assert_eq!(collapse_repetition(text), expected, "{text:?}");
        }
    }
}
