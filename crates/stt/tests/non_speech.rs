//! No words from 60 s of non-speech sent through the worker. Whisper invents text for silence
//! ("you") and line hiss ("I'm going to do the same."), and the worker must drop it.

mod common;

use common::audio::{band_noise, rms_dbfs, tones};
use common::{block_on, Worker};
use wyoming::Transcript;

const SECONDS: f64 = 60.0;

/// Hiss on a quiet line, RMS in dBFS (an estimate: idle-channel noise of digital telephone
/// lines is lower, analog lines and headsets are noisier).
const QUIET_HISS_DBFS: f64 = -50.0;
/// Hiss on a bad line or after automatic gain, RMS in dBFS. Without the hallucination guard,
/// base q5_1 transcribed hiss at -40 to -25 dBFS as "I'm going to do the same." or
/// "1.5kg 1kg".
const LOUD_HISS_DBFS: [f64; 2] = [-40.0, -30.0];
/// Peak level of each dial-tone frequency in dBFS, a typical level for call-progress tones
/// (an estimate).
const DIAL_TONE_DBFS: f64 = -16.0;

fn transcribe_all(cases: &[(&str, Vec<i16>)], language: Option<&str>) -> Vec<Transcript> {
    let worker = Worker::start();
    block_on(async {
        let mut client = common::connect(&worker.uri).await;
        let mut transcripts = Vec::new();
        for (name, samples) in cases {
            let transcript = client.transcribe(samples, language).await.unwrap();
            println!(
                "{name} ({:.1} dBFS RMS), language {language:?}: text {:?}, detected {:?}, \
                 no_speech_prob {:?}, confidence {:?}, inference {:?} ms",
                rms_dbfs(samples),
                transcript.text,
                transcript.language,
                transcript.no_speech_prob,
                transcript.confidence,
                transcript.inference_ms,
            );
            transcripts.push(transcript);
        }
        transcripts
    })
}

fn cases() -> Vec<(&'static str, Vec<i16>)> {
    let count = (SECONDS * 16000.0) as usize;
    vec![
        ("digital silence", vec![0; count]),
        (
            "quiet line hiss 300-3400 Hz",
            band_noise(300.0, 3400.0, QUIET_HISS_DBFS, SECONDS, 1),
        ),
        (
            "loud line hiss 300-3400 Hz",
            band_noise(300.0, 3400.0, LOUD_HISS_DBFS[0], SECONDS, 2),
        ),
        (
            "very loud line hiss 300-3400 Hz",
            band_noise(300.0, 3400.0, LOUD_HISS_DBFS[1], SECONDS, 3),
        ),
        (
            "North American dial tone 350+440 Hz",
            tones(&[350.0, 440.0], DIAL_TONE_DBFS, SECONDS),
        ),
        (
            "European dial tone 440 Hz",
            tones(&[440.0], DIAL_TONE_DBFS, SECONDS),
        ),
        (
            "North American busy tone 480+620 Hz",
            tones(&[480.0, 620.0], DIAL_TONE_DBFS, SECONDS),
        ),
    ]
}

#[test]
fn non_speech_gives_no_words_auto_language() {
    let cases = cases();
    let transcripts = transcribe_all(&cases, None);
    for ((name, _), transcript) in cases.iter().zip(&transcripts) {
        assert_eq!(transcript.text, "", "{name}");
        assert_eq!(transcript.audio_ms, Some(60_000), "{name}");
    }
}

#[test]
fn non_speech_gives_no_words_french() {
    let cases = cases();
    let transcripts = transcribe_all(&cases, Some("fr"));
    for ((name, _), transcript) in cases.iter().zip(&transcripts) {
        assert_eq!(transcript.text, "", "{name}");
    }
}
