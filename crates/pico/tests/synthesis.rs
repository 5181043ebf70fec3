//! Synthesis of one sentence per language, checked for rate, length,
//! loudness and clipping, and a French sample written to a WAV file.

mod common;

use std::time::Instant;

use common::{load, longest_clipped_run, rms, seconds};
use standardiste_pico::{PicoLanguage, PicoVoice};

/// RMS below this is near-silence: Pico speech measures in the thousands.
const MIN_RMS: f64 = 500.0;

/// Speaking rate bounds, in seconds of audio per 10 characters of text.
const MIN_SECONDS_PER_10_CHARS: f64 = 0.3;
const MAX_SECONDS_PER_10_CHARS: f64 = 2.0;

/// The maximum run of full-scale samples: a single one can be a peak, but
/// two in a row are clipping.
const MAX_CLIPPED_RUN: usize = 1;

const SENTENCES: [(PicoLanguage, &str); 6] = [
    (PicoLanguage::FrFr, "Bonjour, vous êtes bien au cabinet du docteur Martin. Que puis-je faire pour vous ?"),
    (PicoLanguage::DeDe, "Guten Tag, Sie sind mit der Praxis von Doktor Müller verbunden. Wie kann ich Ihnen helfen?"),
    (PicoLanguage::EsEs, "Buenos días, ha llamado a la consulta del doctor García. ¿En qué puedo ayudarle?"),
    (PicoLanguage::ItIt, "Buongiorno, ha chiamato lo studio del dottor Rossi. Come posso aiutarla?"),
    (PicoLanguage::EnUs, "Hello, you have reached Doctor Smith's office. How can I help you today?"),
    (PicoLanguage::EnGb, "Good afternoon, you are through to the surgery. Would you like to book an appointment?"),
];

#[test]
fn sample_rate_is_16_khz() {
    assert_eq!(PicoVoice::SAMPLE_RATE, 16_000);
}

#[test]
fn every_language_speaks_its_sentence() {
    for (language, sentence) in SENTENCES {
        let mut voice = load(language);
        assert_eq!(voice.language(), language);

        let started = Instant::now();
        let samples = voice
            .synthesize(sentence)
            .unwrap_or_else(|error| panic!("{language}: synthesis failed: {error}"));
        let elapsed = started.elapsed();

        let characters = sentence.chars().count() as f64;
        let per_10_chars = seconds(&samples) / characters * 10.0;
        let loudness = rms(&samples);
        let clipped = longest_clipped_run(&samples);
        eprintln!(
            "{language}: {:.2} s of audio for {characters} characters ({per_10_chars:.2} s per 10), RMS {loudness:.0}, longest clipped run {clipped}, synthesised in {} ms",
            seconds(&samples),
            elapsed.as_millis()
        );
        assert!(
            per_10_chars >= MIN_SECONDS_PER_10_CHARS,
            "{language}: {per_10_chars:.2} s per 10 characters is too short for {sentence:?}"
        );
        assert!(
            per_10_chars <= MAX_SECONDS_PER_10_CHARS,
            "{language}: {per_10_chars:.2} s per 10 characters is too long for {sentence:?}"
        );
        assert!(
            loudness > MIN_RMS,
            "{language}: RMS {loudness:.0} is near silence"
        );
        assert!(
            clipped <= MAX_CLIPPED_RUN,
            "{language}: {clipped} consecutive full-scale samples"
        );
    }
}

/// Two fresh engines give nearly the same speech. Not the same samples:
/// the output depends on what the engine's memory block held before (see
/// `PicoVoice`), and lengths differed by up to 7% in measurements.
#[test]
fn fresh_voices_give_similar_speech() {
    let text = "Je vous passe le secrétariat.";
    let first = load(PicoLanguage::FrFr).synthesize(text).unwrap();
    let second = load(PicoLanguage::FrFr).synthesize(text).unwrap();
    assert!(!first.is_empty());
    let (first_len, second_len) = (first.len() as f64, second.len() as f64);
    assert!(
        (first_len - second_len).abs() <= first_len * 0.15,
        "{first_len} and {second_len} samples"
    );
    let (first_rms, second_rms) = (rms(&first), rms(&second));
    assert!(
        (first_rms - second_rms).abs() <= first_rms * 0.15,
        "RMS {first_rms:.0} and {second_rms:.0}"
    );
}

/// The engine keeps some state between calls (the samples differ from the
/// second call on), but the speech keeps its length.
#[test]
fn repeated_text_gives_same_length() {
    let mut voice = load(PicoLanguage::FrFr);
    let lengths: Vec<usize> = (0..3)
        .map(|_| {
            voice
                .synthesize("Je vous passe le secrétariat.")
                .unwrap()
                .len()
        })
        .collect();
    assert!(lengths[0] > 0);
    assert_eq!(lengths[0], lengths[1]);
    assert_eq!(lengths[1], lengths[2]);
}

#[test]
fn longer_text_gives_longer_audio() {
    let mut voice = load(PicoLanguage::FrFr);
    let short = voice.synthesize("Merci.").unwrap();
    let long = voice
        .synthesize("Merci de votre appel. Le cabinet est ouvert du lundi au vendredi, de neuf heures à dix-huit heures.")
        .unwrap();
    assert!(!short.is_empty());
    assert!(
        long.len() > 4 * short.len(),
        "{} samples for the long text, {} for the short one",
        long.len(),
        short.len()
    );
}

/// Writes a French sample for a person (or a speech recogniser) to check,
/// under this package's target directory.
#[test]
fn french_sample_writes_to_wav() {
    let mut voice = load(PicoLanguage::FrFr);
    let samples = voice
        .synthesize("Bonjour, vous êtes bien au cabinet du docteur Martin. Je peux vous proposer un rendez-vous mardi à quatorze heures trente.")
        .unwrap();
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("pico-fr-FR-sample.wav");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: PicoVoice::SAMPLE_RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(&path, spec).unwrap();
    for &sample in &samples {
        writer.write_sample(sample).unwrap();
    }
    writer.finalize().unwrap();

    let reader = hound::WavReader::open(&path).unwrap();
    assert_eq!(reader.spec().sample_rate, 16_000);
    assert_eq!(reader.len() as usize, samples.len());
    eprintln!("French sample: {}", path.display());
}
