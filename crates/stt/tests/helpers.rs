//! Checks of the test helpers themselves: a wrong resampler or WER would make the accuracy
//! tests meaningless.

mod common;

use common::audio::{band_noise, parse_wav, resample, rms_dbfs, tone_level_db, tones, RATE};
use common::wer::{normalize, word_errors, Lang, WerTally};

fn sine(frequency: f64, rate: u32, seconds: f64, amplitude: f64) -> Vec<i16> {
    let count = (seconds * f64::from(rate)) as usize;
    (0..count)
        .map(|n| {
            let t = n as f64 / f64::from(rate);
            (amplitude * (2.0 * std::f64::consts::PI * frequency * t).sin()).round() as i16
        })
        .collect()
}

#[test]
fn resample_keeps_passband_tone() {
    let input = sine(1000.0, 8000, 1.0, 16000.0);
    let output = resample(&input, 8000, RATE);
    assert_eq!(output.len(), 16000);

    // Skip the filter's edges, where the input is cut off.
    let middle = &output[1000..15000];
    let level = tone_level_db(middle, RATE, 1000.0);
    let expected = 20.0 * (16000.0f64 / 32767.0).log10();
    assert!(
        (level - expected).abs() < 0.1,
        "1 kHz at {level:.2} dB, expected {expected:.2}"
    );
}

#[test]
fn resample_suppresses_images() {
    // Upsampling 8 kHz by 2 creates an image of 1 kHz at 8 - 1 = 7 kHz unless it is filtered.
    let input = sine(1000.0, 8000, 1.0, 16000.0);
    let output = resample(&input, 8000, RATE);
    let middle = &output[1000..15000];
    let tone = tone_level_db(middle, RATE, 1000.0);
    let image = tone_level_db(middle, RATE, 7000.0);
    assert!(
        tone - image > 60.0,
        "image only {:.1} dB below the tone",
        tone - image
    );

    // Sample duplication, by contrast, leaves a strong image.
    let duplicated: Vec<i16> = input.iter().flat_map(|&s| [s, s]).collect();
    let middle = &duplicated[1000..15000];
    let image = tone_level_db(middle, RATE, 7000.0);
    assert!(
        tone - image < 30.0,
        "the image check cannot tell a bad resampler"
    );
}

#[test]
fn resample_downsamples_without_aliasing() {
    // 7 kHz at 16 kHz is above the 4 kHz Nyquist frequency of 8 kHz: it must vanish rather
    // than fold to 1 kHz.
    let input = sine(7000.0, RATE, 1.0, 16000.0);
    let output = resample(&input, RATE, 8000);
    assert_eq!(output.len(), 8000);
    let alias = tone_level_db(&output[500..7500], 8000, 1000.0);
    assert!(alias < -60.0, "alias at {alias:.1} dBFS");
}

#[test]
fn tones_and_noise_have_requested_levels() {
    let tone = tones(&[440.0], -16.0, 1.0);
    assert!((rms_dbfs(&tone) + 16.0).abs() < 0.1, "{}", rms_dbfs(&tone));

    let noise = band_noise(300.0, 3400.0, -45.0, 2.0, 7);
    assert!(
        (rms_dbfs(&noise) + 45.0).abs() < 0.1,
        "{}",
        rms_dbfs(&noise)
    );
    // Band-limited: little energy at 6 kHz compared with 1 kHz.
    let inside = tone_level_db(&noise, RATE, 1000.0);
    let outside = tone_level_db(&noise, RATE, 6000.0);
    assert!(
        inside - outside > 30.0,
        "in band {inside:.1} dB, out of band {outside:.1} dB"
    );
}

#[test]
fn parse_wav_reads_pcm_and_rejects_others() {
    let mut wav = Vec::new();
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36u32 + 8).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&2u16.to_le_bytes()); // stereo
    wav.extend_from_slice(&8000u32.to_le_bytes());
    wav.extend_from_slice(&32000u32.to_le_bytes());
    wav.extend_from_slice(&4u16.to_le_bytes());
    wav.extend_from_slice(&16u16.to_le_bytes());
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&8u32.to_le_bytes());
    for sample in [100i16, 300, -50, -150] {
        wav.extend_from_slice(&sample.to_le_bytes());
    }

    let audio = parse_wav(&wav).unwrap();
    assert_eq!(audio.rate, 8000);
    assert_eq!(audio.samples, vec![200, -100], "channels are averaged");

    let mut float_wav = wav.clone();
    float_wav[20] = 3; // IEEE float
    assert!(parse_wav(&float_wav).unwrap_err().contains("format tag"));
    assert!(parse_wav(b"RIFX").is_err());
}

#[test]
fn normalize_handles_case_punctuation_numbers() {
    let words = |text, lang| normalize(text, lang).join(" ");
    assert_eq!(words("Hello, World!", Lang::English), "hello world");
    assert_eq!(words("I'm sorry.", Lang::English), "i m sorry");
    assert_eq!(
        words("Press 5, then 21.", Lang::English),
        "press five then twenty one"
    );
    assert_eq!(
        words("Call 555-1234", Lang::English),
        "call five five five one two three four"
    );
    assert_eq!(
        words("Aujourd'hui, 21 décembre", Lang::French),
        "aujourd hui vingt et un decembre"
    );
    assert_eq!(words("Dix-sept", Lang::French), "dix sept");
    assert_eq!(words("17", Lang::French), "dix sept");
    assert_eq!(
        words("71 et 99", Lang::French),
        "soixante et onze et quatre vingt dix neuf"
    );
    assert_eq!(words("« Zéro » !", Lang::French), "zero");
    assert_eq!(words("0", Lang::French), "zero");
    assert_eq!(words("Tuesday at 10am", Lang::English), "tuesday at ten am");
    assert_eq!(
        words("Tuesday at ten a.m.", Lang::English),
        "tuesday at ten am"
    );
}

#[test]
fn word_errors_counts_edits() {
    let split = |text: &str| normalize(text, Lang::English);
    assert_eq!(word_errors(&split("a b c"), &split("a b c")), 0);
    assert_eq!(word_errors(&split("a b c"), &split("a x c")), 1);
    assert_eq!(word_errors(&split("a b c"), &split("a c")), 1);
    assert_eq!(word_errors(&split("a b c"), &split("a b c d")), 1);
    assert_eq!(word_errors(&split("a b c"), &split("")), 3);
    assert_eq!(word_errors(&split(""), &split("x y")), 2);

    let mut tally = WerTally::default();
    assert_eq!(tally.add("one two", "1 2", Lang::English), 0.0);
    assert_eq!(tally.add("three four", "three", Lang::English), 0.5);
    assert_eq!(tally.wer(), 0.25);
}
