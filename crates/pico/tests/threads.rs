//! Several engines in one process, and voices moved between threads.

mod common;

use std::thread;

use common::{load, rms};
use standardiste_pico::{PicoLanguage, PicoVoice};

const FRENCH: [&str; 3] = [
    "Bonjour, je vous écoute.",
    "Le docteur est absent jusqu'à jeudi.",
    "Voulez-vous laisser un message ?",
];
const GERMAN: [&str; 3] = [
    "Guten Tag, ich höre Ihnen zu.",
    "Die Ärztin ist bis Donnerstag nicht da.",
    "Möchten Sie eine Nachricht hinterlassen?",
];

fn assert_send<T: Send>() {}

#[test]
fn voice_is_send() {
    assert_send::<PicoVoice>();
}

/// Synthesises each sentence with a fresh voice of `language`, one at a time.
fn reference(language: PicoLanguage, sentences: &[&str]) -> Vec<Vec<i16>> {
    sentences
        .iter()
        .map(|sentence| load(language).synthesize(sentence).unwrap())
        .collect()
}

/// Checks that two renderings of one sentence have nearly the same length
/// and level. They are not identical because the engine's output depends on
/// the previous contents of its memory block (see `PicoVoice`): lengths
/// differed by up to 7% between fresh engines. Cross-talk between engines
/// would give other speech, noise or silence.
fn assert_same_speech(label: &str, expected: &[i16], actual: &[i16]) {
    assert!(!actual.is_empty(), "{label}: no samples");
    let (expected_len, actual_len) = (expected.len() as f64, actual.len() as f64);
    assert!(
        (expected_len - actual_len).abs() <= expected_len * 0.15,
        "{label}: {actual_len} samples, expected about {expected_len}"
    );
    let (expected_rms, actual_rms) = (rms(expected), rms(actual));
    assert!(
        (expected_rms - actual_rms).abs() <= expected_rms * 0.15,
        "{label}: RMS {actual_rms:.0}, expected about {expected_rms:.0}"
    );
}

#[test]
fn two_voices_interleave_in_one_thread() {
    let french_reference = reference(PicoLanguage::FrFr, &FRENCH);
    let german_reference = reference(PicoLanguage::DeDe, &GERMAN);
    for index in 0..FRENCH.len() {
        let mut french = load(PicoLanguage::FrFr);
        let mut german = load(PicoLanguage::DeDe);
        let french_samples = french.synthesize(FRENCH[index]).unwrap();
        let german_samples = german.synthesize(GERMAN[index]).unwrap();
        assert_same_speech(
            &format!("French {index}"),
            &french_reference[index],
            &french_samples,
        );
        assert_same_speech(
            &format!("German {index}"),
            &german_reference[index],
            &german_samples,
        );
    }
}

#[test]
fn all_languages_load_at_once() {
    let mut voices: Vec<PicoVoice> = PicoLanguage::ALL.into_iter().map(load).collect();
    for voice in &mut voices {
        let samples = voice.synthesize("Hello, 1 2 3.").unwrap();
        assert!(!samples.is_empty(), "{}: no samples", voice.language());
    }
}

#[test]
fn voices_run_concurrently_on_two_threads() {
    let french_reference = reference(PicoLanguage::FrFr, &FRENCH);
    let german_reference = reference(PicoLanguage::DeDe, &GERMAN);
    let rounds = 20;
    let run = |language: PicoLanguage, sentences: [&'static str; 3]| {
        thread::spawn(move || {
            let mut results = Vec::new();
            for _ in 0..rounds {
                for sentence in sentences {
                    // A fresh voice per sentence, so each result can be
                    // compared with the reference.
                    results.push(load(language).synthesize(sentence).unwrap());
                }
            }
            results
        })
    };
    let french = run(PicoLanguage::FrFr, FRENCH);
    let german = run(PicoLanguage::DeDe, GERMAN);
    let french = french.join().expect("French thread panicked");
    let german = german.join().expect("German thread panicked");
    for (index, samples) in french.iter().enumerate() {
        let expected = &french_reference[index % FRENCH.len()];
        assert_same_speech(&format!("French {index}"), expected, samples);
    }
    for (index, samples) in german.iter().enumerate() {
        let expected = &german_reference[index % GERMAN.len()];
        assert_same_speech(&format!("German {index}"), expected, samples);
    }
}

#[test]
fn voice_moves_to_another_thread() {
    let voice = load(PicoLanguage::ItIt);
    let samples = thread::spawn(move || {
        let mut voice = voice;
        voice
            .synthesize("Buongiorno, come posso aiutarla?")
            .unwrap()
    })
    .join()
    .expect("synthesis thread panicked");
    assert!(!samples.is_empty());
}
