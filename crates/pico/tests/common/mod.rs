//! Helpers shared by the integration tests: where the language files are and
//! measurements of synthesised audio.

#![allow(dead_code)]

use std::path::PathBuf;

use standardiste_pico::{PicoLanguage, PicoVoice, DEFAULT_LANG_DIR};

/// Returns the language directory: `PICO_LANG_DIR` if set, else Debian's.
pub fn lang_dir() -> PathBuf {
    std::env::var_os("PICO_LANG_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_LANG_DIR))
}

/// Loads a voice, failing the test with the load error (which names the
/// missing file and the setup command).
pub fn load(language: PicoLanguage) -> PicoVoice {
    match PicoVoice::load(&lang_dir(), language) {
        Ok(voice) => voice,
        Err(error) => panic!("loading the {language} voice failed: {error}"),
    }
}

/// Returns the root mean square of the samples, in sample units.
pub fn rms(samples: &[i16]) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    let sum: f64 = samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
    (sum / samples.len() as f64).sqrt()
}

/// Returns the length of the longest run of full-scale (clipped) samples.
pub fn longest_clipped_run(samples: &[i16]) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for &sample in samples {
        if sample >= i16::MAX - 1 || sample <= i16::MIN + 1 {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

/// Returns the duration of the samples in seconds.
pub fn seconds(samples: &[i16]) -> f64 {
    samples.len() as f64 / f64::from(PicoVoice::SAMPLE_RATE)
}
