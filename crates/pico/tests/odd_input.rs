//! Text that a caller, a language model or a form could send: empty, emoji,
//! control characters, markup, very long. None may panic or break the voice.

mod common;

use common::{load, seconds};
use standardiste_pico::{PicoError, PicoLanguage, PicoVoice, MAX_TEXT_BYTES};

/// Inputs that must return (with or without audio) in every language.
fn short_odd_inputs() -> Vec<(&'static str, String)> {
    vec![
        ("empty", String::new()),
        ("whitespace", " \t\r\n  ".to_string()),
        ("NUL only", "\0\0\0".to_string()),
        ("NUL inside", "Bonjour\0monsieur".to_string()),
        ("emoji only", "🙂👋🏽🇫🇷".to_string()),
        ("emoji in text", "Bonjour 🙂, à demain 👋".to_string()),
        (
            "terminal escapes",
            "\u{1b}[31mrouge\u{1b}[0m\u{7}\u{8}".to_string(),
        ),
        ("C1 controls", "\u{85}\u{9b}texte\u{9c}".to_string()),
        (
            "angle brackets",
            "<<<< >>>> </volume> <volume level=\"500\"> 3 < 4 > 2".to_string(),
        ),
        ("punctuation only", "?!...,,,;;;:::---'''\"\"\"".to_string()),
        (
            "combining marks",
            "e\u{301}\u{301}\u{301}\u{301} a\u{308}".to_string(),
        ),
        (
            "zero-width and bidi",
            "\u{200b}\u{feff}\u{202e}abc\u{2066}\u{2028}\u{2029}".to_string(),
        ),
        ("other scripts", "你好世界 مرحبا Привет γειά".to_string()),
        (
            "edge code points",
            "\u{fffd}\u{ffff}\u{10ffff}\u{e000}".to_string(),
        ),
        ("entities", "&amp; &lt; &#60; &#x3c;".to_string()),
        ("digits", "0123456789".repeat(30)),
        (
            "phone number",
            "+33 6 12 34 56 78, 06.12.34.56.78".to_string(),
        ),
    ]
}

/// Synthesises `text` and checks that the voice still speaks afterwards.
fn synthesize_then_check_voice(
    voice: &mut PicoVoice,
    name: &str,
    text: &str,
) -> Result<Vec<i16>, PicoError> {
    let result = voice.synthesize(text);
    let after = voice.synthesize("Merci.");
    match after {
        Ok(samples) => assert!(
            !samples.is_empty(),
            "{}: no speech after input {name:?}",
            voice.language()
        ),
        Err(error) => panic!(
            "{}: voice broken after input {name:?}: {error}",
            voice.language()
        ),
    }
    result
}

#[test]
fn odd_inputs_never_panic() {
    for language in PicoLanguage::ALL {
        let mut voice = load(language);
        for (name, text) in short_odd_inputs() {
            let result = synthesize_then_check_voice(&mut voice, name, &text);
            eprintln!("{language} {name}: {:?}", result.as_ref().map(Vec::len));
        }
    }
}

#[test]
fn empty_text_gives_no_samples() {
    let mut voice = load(PicoLanguage::FrFr);
    for text in ["", "   ", "\n\t\r", "\0", "<>"] {
        let samples = voice.synthesize(text).unwrap();
        assert!(
            samples.is_empty(),
            "{text:?} gave {} samples",
            samples.len()
        );
    }
}

#[test]
fn emoji_are_skipped() {
    let mut voice = load(PicoLanguage::FrFr);
    let plain = voice.synthesize("Bonjour, à demain.").unwrap();
    let with_emoji = voice.synthesize("Bonjour 🙂, à demain 👋.").unwrap();
    assert!(!with_emoji.is_empty());
    let difference = (seconds(&plain) - seconds(&with_emoji)).abs();
    assert!(
        difference < 0.5,
        "emoji changed the length by {difference:.2} s"
    );
}

#[test]
fn nul_inside_text_does_not_cut_it() {
    let mut voice = load(PicoLanguage::FrFr);
    let plain = voice
        .synthesize("Bonjour monsieur, je vous écoute.")
        .unwrap();
    let with_nul = voice
        .synthesize("Bonjour monsieur,\0 je vous écoute.")
        .unwrap();
    assert!(
        seconds(&with_nul) > seconds(&plain) * 0.8,
        "{:.2} s with a NUL, {:.2} s without",
        seconds(&with_nul),
        seconds(&plain)
    );
}

/// Pico's `<genfile file="...">` markup writes the speech to a file named in
/// the text. The voice must not let caller text reach the file system.
#[test]
fn markup_cannot_write_files() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("injected.wav");
    let mut voice = load(PicoLanguage::FrFr);
    let text = format!(
        "Bonjour <genfile file=\"{}\">écrit dans un fichier</genfile> au revoir",
        target.display()
    );
    let samples = voice.synthesize(&text).unwrap();
    assert!(!samples.is_empty());
    assert!(!target.exists(), "the engine wrote {}", target.display());
}

/// `<volume level="500">` in caller text is read as words, not as markup.
#[test]
fn markup_cannot_change_volume() {
    let mut voice = load(PicoLanguage::EnUs);
    let plain = voice.synthesize("volume level 500. Hello there.").unwrap();
    let tagged = voice
        .synthesize("<volume level=\"500\"> Hello there.")
        .unwrap();
    let (plain_rms, tagged_rms) = (common::rms(&plain), common::rms(&tagged));
    assert!(
        tagged_rms < plain_rms * 1.5,
        "RMS {tagged_rms:.0} with the tag, {plain_rms:.0} without"
    );
    assert_eq!(common::longest_clipped_run(&tagged), 0);
}

#[test]
fn long_text_is_spoken_whole() {
    let sentence = "Le cabinet est ouvert du lundi au vendredi, de neuf heures à dix-huit heures. ";
    let text: String = sentence
        .repeat(5000 / sentence.chars().count() + 1)
        .chars()
        .take(5000)
        .collect();
    let mut voice = load(PicoLanguage::FrFr);
    let samples = voice.synthesize(&text).unwrap();
    let per_10_chars = seconds(&samples) / 5000.0 * 10.0;
    eprintln!(
        "5000 characters: {:.1} s of audio, {per_10_chars:.2} s per 10 characters",
        seconds(&samples)
    );
    assert!(
        per_10_chars > 0.3,
        "{per_10_chars:.2} s per 10 characters: text was dropped"
    );
    assert!(per_10_chars < 2.0, "{per_10_chars:.2} s per 10 characters");
}

#[test]
fn long_odd_inputs_never_panic() {
    let inputs = [
        ("one long word", "a".repeat(5000)),
        ("one long accented word", "é".repeat(2500)),
        ("long mixed word", "aé7€-".repeat(1000)),
        ("long digits", "7".repeat(5000)),
        ("long emoji", "🙂".repeat(1250)),
        ("long control characters", "\u{1}".repeat(5000)),
        ("long punctuation", ".,;!?".repeat(1000)),
        ("long markup", "<p>".repeat(1666)),
    ];
    let mut voice = load(PicoLanguage::FrFr);
    for (name, text) in inputs {
        let result = synthesize_then_check_voice(&mut voice, name, &text);
        eprintln!(
            "{name}: {:?}",
            result.as_ref().map(Vec::len).map_err(ToString::to_string)
        );
    }
}

#[test]
fn too_long_text_is_rejected() {
    let mut voice = load(PicoLanguage::FrFr);
    let text = "a ".repeat(MAX_TEXT_BYTES / 2 + 1);
    match voice.synthesize(&text) {
        Err(PicoError::TextTooLong { bytes, max }) => {
            assert_eq!(bytes, text.len());
            assert_eq!(max, MAX_TEXT_BYTES);
        }
        other => panic!(
            "expected TextTooLong, got {:?}",
            other.map(|samples| samples.len())
        ),
    }
    assert!(!voice.synthesize("Merci.").unwrap().is_empty());
}
