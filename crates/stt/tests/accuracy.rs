//! Word error rate of the default model through the worker, on telephone prompts from Asterisk
//! (8 kHz, resampled to 16 kHz) and on a real two-person phone call (16 kHz).
//!
//! The prompts were chosen so that the file name gives the text: days, months, numbers and
//! short phrases. A few utterances join prompts with pauses, as a caller reads out a phone
//! number. Text is normalised before scoring as described in `common/wer.rs`.

mod common;

use std::path::{Path, PathBuf};

use common::audio::{join_with_gaps, read_prompt, read_wav, resample, RATE};
use common::wer::{Lang, WerTally};
use common::{asterisk_sounds_dir, block_on, models_dir, Worker};
use wyoming::Transcript;

/// An utterance: one or more prompt files, joined with pauses, and its reference text.
struct Utterance {
    files: &'static [&'static str],
    reference: &'static str,
}

/// Pause between joined prompts, in seconds.
const GAP_SECONDS: f64 = 0.3;

const ENGLISH: &[Utterance] = &[
    Utterance {
        files: &["hello-world"],
        reference: "hello world",
    },
    Utterance {
        files: &["goodbye"],
        reference: "goodbye",
    },
    Utterance {
        files: &["one-moment-please"],
        reference: "one moment please",
    },
    Utterance {
        files: &["please-try-again"],
        reference: "please try again",
    },
    Utterance {
        files: &["im-sorry"],
        reference: "I'm sorry",
    },
    Utterance {
        files: &["telephone-number"],
        reference: "telephone number",
    },
    Utterance {
        files: &["call-waiting"],
        reference: "call waiting",
    },
    Utterance {
        files: &["call-forwarding"],
        reference: "call forwarding",
    },
    Utterance {
        files: &["do-not-disturb"],
        reference: "do not disturb",
    },
    Utterance {
        files: &["extension"],
        reference: "extension",
    },
    Utterance {
        files: &["something-terribly-wrong"],
        reference: "something is terribly wrong",
    },
    Utterance {
        files: &["auth-thankyou"],
        reference: "thank you",
    },
    Utterance {
        files: &["hours"],
        reference: "hours",
    },
    Utterance {
        files: &["minutes"],
        reference: "minutes",
    },
    Utterance {
        files: &["seconds"],
        reference: "seconds",
    },
    Utterance {
        files: &["tt-weasels"],
        reference: "weasels have eaten our phone system",
    },
    Utterance {
        files: &["vm-intro"],
        reference:
            "please leave your message after the tone when done hang up or press the pound key",
    },
    Utterance {
        files: &["all-circuits-busy-now"],
        reference: "all circuits are busy now",
    },
    Utterance {
        files: &["digits/day-0"],
        reference: "Sunday",
    },
    Utterance {
        files: &["digits/day-1"],
        reference: "Monday",
    },
    Utterance {
        files: &["digits/day-2"],
        reference: "Tuesday",
    },
    Utterance {
        files: &["digits/day-3"],
        reference: "Wednesday",
    },
    Utterance {
        files: &["digits/day-4"],
        reference: "Thursday",
    },
    Utterance {
        files: &["digits/day-5"],
        reference: "Friday",
    },
    Utterance {
        files: &["digits/day-6"],
        reference: "Saturday",
    },
    Utterance {
        files: &["digits/mon-0"],
        reference: "January",
    },
    Utterance {
        files: &["digits/mon-2"],
        reference: "March",
    },
    Utterance {
        files: &["digits/mon-5"],
        reference: "June",
    },
    Utterance {
        files: &["digits/mon-7"],
        reference: "August",
    },
    Utterance {
        files: &["digits/mon-11"],
        reference: "December",
    },
    Utterance {
        files: &["digits/today"],
        reference: "today",
    },
    Utterance {
        files: &["digits/tomorrow"],
        reference: "tomorrow",
    },
    Utterance {
        files: &["digits/yesterday"],
        reference: "yesterday",
    },
    Utterance {
        files: &[
            "digits/5", "digits/1", "digits/4", "digits/5", "digits/5", "digits/5", "digits/0",
            "digits/1", "digits/9", "digits/9",
        ],
        reference: "five one four five five five zero one nine nine",
    },
    Utterance {
        files: &["digits/day-2", "digits/at", "digits/10", "digits/a-m"],
        reference: "Tuesday at ten a.m.",
    },
];

const FRENCH: &[Utterance] = &[
    Utterance {
        files: &["goodbye"],
        reference: "au revoir",
    },
    Utterance {
        files: &["vm-goodbye"],
        reference: "au revoir",
    },
    Utterance {
        files: &["one-moment-please"],
        reference: "un moment s'il vous plaît",
    },
    Utterance {
        files: &["do-not-disturb"],
        reference: "ne pas déranger",
    },
    Utterance {
        files: &["auth-thankyou"],
        reference: "merci",
    },
    Utterance {
        files: &["digits/day-0"],
        reference: "dimanche",
    },
    Utterance {
        files: &["digits/day-1"],
        reference: "lundi",
    },
    Utterance {
        files: &["digits/day-2"],
        reference: "mardi",
    },
    Utterance {
        files: &["digits/day-3"],
        reference: "mercredi",
    },
    Utterance {
        files: &["digits/day-4"],
        reference: "jeudi",
    },
    Utterance {
        files: &["digits/day-5"],
        reference: "vendredi",
    },
    Utterance {
        files: &["digits/day-6"],
        reference: "samedi",
    },
    Utterance {
        files: &["digits/mon-0"],
        reference: "janvier",
    },
    Utterance {
        files: &["digits/mon-1"],
        reference: "février",
    },
    Utterance {
        files: &["digits/mon-2"],
        reference: "mars",
    },
    Utterance {
        files: &["digits/mon-3"],
        reference: "avril",
    },
    Utterance {
        files: &["digits/mon-4"],
        reference: "mai",
    },
    Utterance {
        files: &["digits/mon-5"],
        reference: "juin",
    },
    Utterance {
        files: &["digits/mon-6"],
        reference: "juillet",
    },
    Utterance {
        files: &["digits/mon-7"],
        reference: "août",
    },
    Utterance {
        files: &["digits/mon-8"],
        reference: "septembre",
    },
    Utterance {
        files: &["digits/mon-9"],
        reference: "octobre",
    },
    Utterance {
        files: &["digits/mon-10"],
        reference: "novembre",
    },
    Utterance {
        files: &["digits/mon-11"],
        reference: "décembre",
    },
    Utterance {
        files: &["digits/today"],
        reference: "aujourd'hui",
    },
    Utterance {
        files: &["digits/tomorrow"],
        reference: "demain",
    },
    Utterance {
        files: &["digits/yesterday"],
        reference: "hier",
    },
    Utterance {
        files: &[
            "digits/5", "digits/1", "digits/4", "digits/5", "digits/5", "digits/5", "digits/0",
            "digits/1", "digits/9", "digits/9",
        ],
        reference: "cinq un quatre cinq cinq cinq zéro un neuf neuf",
    },
    Utterance {
        files: &["digits/day-1", "digits/day-2", "digits/day-3"],
        reference: "lundi mardi mercredi",
    },
    Utterance {
        files: &["digits/day-4", "digits/day-5", "digits/day-6"],
        reference: "jeudi vendredi samedi",
    },
];

/// Max WER with the language given, over utterances of two words or more and over the whole
/// set. NOTE: each ceiling is the WER measured with base q5_1 plus a margin, not a target.
/// Isolated French words (0.4 to 1 s each) are the weak spot of the base model: it heard
/// "Marty" for "mardi" and "Max" for "mars".
const MAX_ENGLISH_PHRASE_WER: f64 = 0.12;
const MAX_ENGLISH_WER: f64 = 0.2;
const MAX_FRENCH_PHRASE_WER: f64 = 0.15;
const MAX_FRENCH_WER: f64 = 0.65;
/// Max WER on the phone call: two speakers, overlapping turns and line noise.
const MAX_CALL_WER: f64 = 0.32;
/// Min share of multi-word utterances whose language detection among English and French
/// is correct.
const MIN_DETECTION_ACCURACY: f64 = 0.9;

struct Scored {
    reference: String,
    transcript: Transcript,
}

/// Sends every utterance through one worker connection and returns the transcripts.
fn transcribe_set(
    worker: &Worker,
    voice: &str,
    utterances: &[&Utterance],
    language: Option<&str>,
) -> Vec<Scored> {
    let directory = asterisk_sounds_dir(voice);
    let audio: Vec<Vec<i16>> = utterances
        .iter()
        .map(|utterance| {
            let clips: Vec<Vec<i16>> = utterance
                .files
                .iter()
                .map(|file| read_prompt(&directory.join(format!("{file}.wav"))))
                .collect();
            join_with_gaps(&clips, GAP_SECONDS)
        })
        .collect();

    block_on(async {
        let mut client = common::connect(&worker.uri).await;
        let mut scored = Vec::new();
        for (utterance, samples) in utterances.iter().zip(&audio) {
            let transcript = client.transcribe(samples, language).await.unwrap();
            scored.push(Scored {
                reference: utterance.reference.to_owned(),
                transcript,
            });
        }
        scored
    })
}

/// WER over a whole set and over its utterances of two words or more.
struct SetWer {
    all: f64,
    phrases: f64,
}

/// Prints one line per utterance and the totals, and returns the WER.
fn score(label: &str, scored: &[Scored], lang: Lang) -> SetWer {
    let mut tally = WerTally::default();
    let mut phrase_tally = WerTally::default();
    for item in scored {
        let wer = tally.add(&item.reference, &item.transcript.text, lang);
        if item.reference.split_whitespace().count() >= 2 {
            phrase_tally.add(&item.reference, &item.transcript.text, lang);
        }
        println!(
            "{label}: WER {wer:.2} | reference {:?} | transcript {:?} | language {:?} | \
             confidence {:?} | no_speech_prob {:?} | audio {:?} ms | inference {:?} ms",
            item.reference,
            item.transcript.text,
            item.transcript.language,
            item.transcript.confidence,
            item.transcript.no_speech_prob,
            item.transcript.audio_ms,
            item.transcript.inference_ms,
        );
    }
    println!(
        "{label}: WER {:.3} over {} utterances ({} reference words, {} errors); \
         utterances of two words or more: WER {:.3} ({} words, {} errors)",
        tally.wer(),
        scored.len(),
        tally.reference_words,
        tally.errors,
        phrase_tally.wer(),
        phrase_tally.reference_words,
        phrase_tally.errors,
    );
    SetWer {
        all: tally.wer(),
        phrases: phrase_tally.wer(),
    }
}

#[test]
fn english_prompts_wer() {
    assert!(ENGLISH.len() >= 20);
    let worker = Worker::start();
    let utterances: Vec<&Utterance> = ENGLISH.iter().collect();
    let scored = transcribe_set(&worker, "en_US_f_Allison", &utterances, Some("en"));
    let wer = score("en", &scored, Lang::English);
    assert!(
        wer.phrases <= MAX_ENGLISH_PHRASE_WER,
        "English phrase WER {:.3} > {MAX_ENGLISH_PHRASE_WER}",
        wer.phrases
    );
    assert!(
        wer.all <= MAX_ENGLISH_WER,
        "English WER {:.3} > {MAX_ENGLISH_WER}",
        wer.all
    );
}

#[test]
fn french_prompts_wer() {
    assert!(FRENCH.len() >= 20);
    let worker = Worker::start();
    let utterances: Vec<&Utterance> = FRENCH.iter().collect();
    let scored = transcribe_set(&worker, "fr_CA_f_June", &utterances, Some("fr"));
    let wer = score("fr", &scored, Lang::French);
    assert!(
        wer.phrases <= MAX_FRENCH_PHRASE_WER,
        "French phrase WER {:.3} > {MAX_FRENCH_PHRASE_WER}",
        wer.phrases
    );
    assert!(
        wer.all <= MAX_FRENCH_WER,
        "French WER {:.3} > {MAX_FRENCH_WER}",
        wer.all
    );
}

#[test]
fn detection_between_english_and_french() {
    let worker = Worker::start_with(&[
        "--uri",
        "tcp://127.0.0.1:0",
        "--language",
        "auto",
        "--detect-languages",
        "en,fr",
    ]);
    // Single words are too short for reliable detection, so this uses the utterances of two
    // words or more.
    let multi_word = |utterance: &&Utterance| utterance.reference.split_whitespace().count() >= 2;
    let english: Vec<&Utterance> = ENGLISH.iter().filter(multi_word).collect();
    let french: Vec<&Utterance> = FRENCH.iter().filter(multi_word).collect();

    let mut correct = 0;
    let mut total = 0;
    for (voice, expected, utterances, lang) in [
        ("en_US_f_Allison", "en", &english, Lang::English),
        ("fr_CA_f_June", "fr", &french, Lang::French),
    ] {
        let scored = transcribe_set(&worker, voice, utterances, None);
        score(&format!("{expected} auto"), &scored, lang);
        for item in &scored {
            total += 1;
            if item.transcript.language.as_deref() == Some(expected) {
                correct += 1;
            }
        }
    }
    let accuracy = f64::from(correct) / f64::from(total);
    println!("detection: {correct} of {total} correct ({accuracy:.2})");
    assert!(
        accuracy >= MIN_DETECTION_ACCURACY,
        "language detection {accuracy:.2} < {MIN_DETECTION_ACCURACY}"
    );
}

/// Returns the pyannote test recording and its reference text from the STM file, whose lines
/// are `file channel speaker start end text...`.
fn phone_call() -> (PathBuf, String) {
    let find = |name: &str| -> Option<PathBuf> {
        let directory = models_dir();
        [
            directory.join("test-assets").join(name),
            directory.join(name),
        ]
        .into_iter()
        .find(|path| path.is_file())
    };
    let (Some(wav), Some(stm)) = (find("pyannote-sample.wav"), find("pyannote-sample.stm")) else {
        panic!(
            "missing pyannote-sample.wav or pyannote-sample.stm in {}: run `standardiste models \
             fetch --with pyannote-sample-wav --with pyannote-sample-stm` to fetch them",
            models_dir().display()
        );
    };
    let text = std::fs::read_to_string(&stm).unwrap();
    let reference = text
        .lines()
        .filter(|line| !line.starts_with(";;") && !line.trim().is_empty())
        .map(|line| {
            line.split_whitespace()
                .skip(5)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(" ");
    (wav, reference)
}

#[test]
fn phone_call_wer() {
    let (wav, reference) = phone_call();
    let audio = read_wav(Path::new(&wav));
    let samples = resample(&audio.samples, audio.rate, RATE);
    let worker = Worker::start();
    let transcript = block_on(async {
        let mut client = common::connect(&worker.uri).await;
        client.transcribe(&samples, Some("en")).await.unwrap()
    });
    let scored = [Scored {
        reference,
        transcript,
    }];
    let wer = score("call", &scored, Lang::English).all;
    assert!(
        wer <= MAX_CALL_WER,
        "phone call WER {wer:.3} > {MAX_CALL_WER}"
    );
}
